from django.db import migrations


def add_default_rules(apps, schema_editor):
    from mofan.orgs.health import DEFAULT_RULES

    HealthRule = apps.get_model("orgs", "HealthRule")
    for order, rule in enumerate(DEFAULT_RULES):
        HealthRule.objects.update_or_create(
            code=rule["code"],
            defaults={**rule, "org_types": [str(t) for t in rule["org_types"]], "sort_order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(add_default_rules, migrations.RunPython.noop)]
