from django.conf import settings
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import TruncDate


def submitted_from_events(apps, schema_editor):
    """Tasks submitted or done before the field existed: the day of their last 报请验收 event
    (local time), else, for a done task, the day it was accepted."""
    from zoneinfo import ZoneInfo

    Task = apps.get_model("plans", "Task")
    TaskEvent = apps.get_model("plans", "TaskEvent")
    last_submission = (
        TaskEvent.objects.filter(task=OuterRef("pk"), kind="submitted")
        .order_by("-at", "-id")
        .annotate(day=TruncDate("at", tzinfo=ZoneInfo(settings.TIME_ZONE)))
        .values("day")[:1]
    )
    tasks = Task.objects.filter(status__in=["submitted", "done"])
    tasks.update(submitted_on=Subquery(last_submission))
    tasks.filter(submitted_on__isnull=True, status="done").update(submitted_on=F("finished_on"))


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0002_assignment_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="task",
            name="submitted_on",
            field=models.DateField(blank=True, null=True, verbose_name="报请验收日期"),
        ),
        migrations.RunPython(submitted_from_events, migrations.RunPython.noop),
    ]
