"""Jobs for the huey worker (`mofan run_huey`). Module reminders run from notifications.tasks."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from mofan.core.housekeeping import clear_expired_sessions, refresh_query_statistics
from mofan.core.jobs import jobs_fail_stale


@db_periodic_task(crontab(hour="2", minute="30"))
def nightly_housekeeping():
    clear_expired_sessions()
    refresh_query_statistics()


@db_periodic_task(crontab(minute="*/5"))
def stale_jobs():
    """Jobs left 进行中 by a worker that stopped are marked failed (core.jobs)."""
    jobs_fail_stale()
