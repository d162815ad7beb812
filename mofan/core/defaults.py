"""Default rows of the rule tables (health checks, meeting frequencies, development timing).

They are written after every `migrate` and after a test database is flushed (both send
post_migrate), and only where missing, so an admin's adjustments are kept.
"""


def seed_health_rules(**kwargs) -> None:
    from mofan.orgs.health import DEFAULT_RULES
    from mofan.orgs.models import HealthRule

    existing = set(HealthRule.objects.values_list("code", flat=True))
    HealthRule.objects.bulk_create(
        HealthRule(
            **{**rule, "org_types": [str(t) for t in rule["org_types"]], "sort_order": order}
        )
        for order, rule in enumerate(DEFAULT_RULES)
        if rule["code"] not in existing
    )


def seed_development_rules(**kwargs) -> None:
    from mofan.members.development import DEFAULT_RULES
    from mofan.members.models import DevelopmentRule

    existing = set(DevelopmentRule.objects.values_list("code", flat=True))
    DevelopmentRule.objects.bulk_create(
        DevelopmentRule(code=code, name=name, value=value, unit=unit, basis=basis, sort_order=order)
        for order, (code, name, value, unit, basis) in enumerate(DEFAULT_RULES)
        if code not in existing
    )


def seed_frequency_rules(**kwargs) -> None:
    from mofan.meetings.compliance import DEFAULT_RULES
    from mofan.meetings.models import FrequencyRule

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
