"""Default rows of the meeting frequency rules (DOMAIN.md), written after every `migrate` and
after a test database is flushed (both send post_migrate), and only where missing, so an
admin's adjustments are kept."""

from mofan.meetings.compliance import DEFAULT_RULES
from mofan.meetings.models import FrequencyRule


def seed_frequency_rules(**kwargs) -> None:
    if FrequencyRule.objects.exists():
        return
    FrequencyRule.objects.bulk_create(
        FrequencyRule(
            kind=kind,
            org_types=types,
            period=period,
            required=required,
            needs_committee=needs,
            sort_order=order,
        )
        for order, (kind, types, period, required, needs) in enumerate(DEFAULT_RULES)
    )
