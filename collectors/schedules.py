"""Default schedules of the collectors (registered in apps.py through assessor.schedules)."""

from assessor.schedules import DefaultSchedule

SCHEDULES = (
    DefaultSchedule(
        "Collect evidence for every organization", "collectors.collect_all_organizations", crontab=("15", "2", "*", "*")
    ),
    DefaultSchedule("Prune old signals", "collectors.prune_signals", crontab=("30", "3", "*", "*")),
    # Does nothing until an admin fills in the organization's slug and the GitHub organization's login.
    DefaultSchedule(
        "GitHub organization sync",
        "collectors.sync_github_org",
        crontab=("45", "3", "*", "*"),
        kwargs={"organization": "", "org": "", "prune": False},
    ),
    DefaultSchedule("Lapse expired waivers", "collectors.lapse_waivers", crontab=("*/15", "*", "*", "*")),
)
