"""Fill the member counters from the member records kept so far."""

from django.db import migrations
from django.db.models import Count

CURRENT_STATUSES = ("normal", "mobile", "lost")


def fill(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    OrgMemberCount = apps.get_model("members", "OrgMemberCount")
    counts = {}
    rows = (
        Member.objects.filter(status__in=CURRENT_STATUSES)
        .order_by()
        .values_list("org_id", "category")
        .annotate(n=Count("id"))
    )
    for org_id, category, n in rows:
        count = counts.setdefault(org_id, OrgMemberCount(org_id=org_id))
        count.members += n
        if category == "full":
            count.full_members += n
        elif category == "probationary":
            count.probationary += n
    OrgMemberCount.objects.all().delete()
    OrgMemberCount.objects.bulk_create(counts.values(), batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("members", "0009_org_member_count")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
