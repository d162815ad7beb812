from django.db import migrations


def add_rules(apps, schema_editor):
    from mofan.members.development import DEFAULT_RULES

    DevelopmentRule = apps.get_model("members", "DevelopmentRule")
    for order, (code, name, value, unit, basis) in enumerate(DEFAULT_RULES):
        DevelopmentRule.objects.update_or_create(
            code=code, defaults={"name": name, "value": value, "unit": unit, "basis": basis, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("members", "0004_development")]
    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
