from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from mofan.notifications.reminders import write_reminders


@db_periodic_task(crontab(hour="6", minute="0"))
def daily_reminders():
    write_reminders(timezone.localdate())
