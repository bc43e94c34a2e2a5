"""Default schedules of the reports (registered in apps.py through assessor.schedules): pending rescores,
digests and survey reminders.

Admins change the times, or switch one off, under Periodic tasks in the admin. People choose weekly or
monthly digests for themselves (through the link in every digest); each schedule sends to those who chose it.
"""

from assessor.schedules import DefaultSchedule

SCHEDULES = (
    # Saves and submits start the rescore themselves; this picks up pairs left by a worker that stopped mid-batch.
    DefaultSchedule("Pending rescores", "reports.rescore_pending", every_seconds=300),
    DefaultSchedule("Weekly digest", "reports.send_digests", crontab=("0", "7", "1", "*"), kwargs={"frequency": "weekly"}),
    DefaultSchedule("Monthly digest", "reports.send_digests", crontab=("0", "7", "*", "1"), kwargs={"frequency": "monthly"}),
    DefaultSchedule("Survey reminders", "reports.send_reminders", crontab=("0", "8", "*", "*")),
)
