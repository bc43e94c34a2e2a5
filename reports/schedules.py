"""Default schedules of the reports (registered in apps.py through assessor.schedules): pending rescores,
digests, survey reminders and fetching a community's benchmark file.

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
    # Does nothing until an admin fills in the community's benchmark URL here or sets REPORTS_COMMUNITY_BENCHMARK_URL;
    # the contributor token comes from COMMUNITY_TOKEN, never from this (stored) schedule.
    DefaultSchedule(
        "Community benchmark", "reports.fetch_community_benchmark", crontab=("30", "4", "*", "*"), kwargs={"url": ""}
    ),
)
