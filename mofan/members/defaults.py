"""Default rows of the development timing rules, written after every `migrate` and after a test
database is flushed (both send post_migrate), and only where missing, so an admin's
adjustments are kept."""

from mofan.members.development import DEFAULT_RULES
from mofan.members.models import DevelopmentRule


def seed_development_rules(**kwargs) -> None:
    existing = set(DevelopmentRule.objects.values_list("code", flat=True))
    DevelopmentRule.objects.bulk_create(
        DevelopmentRule(code=code, name=name, value=value, unit=unit, basis=basis, sort_order=order)
        for order, (code, name, value, unit, basis) in enumerate(DEFAULT_RULES)
        if code not in existing
    )
