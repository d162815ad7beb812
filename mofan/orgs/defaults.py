"""Default rows of the health check rules, written after every `migrate` and after a test
database is flushed (both send post_migrate), and only where missing, so an admin's
adjustments are kept."""

from mofan.orgs.health import DEFAULT_RULES
from mofan.orgs.models import HealthRule


def seed_health_rules(**kwargs) -> None:
    existing = set(HealthRule.objects.values_list("code", flat=True))
    HealthRule.objects.bulk_create(
        HealthRule(
            **{**rule, "org_types": [str(t) for t in rule["org_types"]], "sort_order": order}
        )
        for order, rule in enumerate(DEFAULT_RULES)
        if rule["code"] not in existing
    )
