"""The numbers of 四强党支部 and 党建品牌 other modules read (registered at start-up): how many
applied in a span (by the day they were submitted) and how many were recognised (by the day
of the decision; a later revocation does not undo that it was decided), per applying org."""

from django.db.models import Count

from mofan.brands.models import Application, Brand
from mofan.core.facts import for_each, register_fact


def _count(model, day_field: str, org_ids, span) -> dict:
    rows = (
        model.objects.filter(
            org_id__in=org_ids, **{f"{day_field}__gte": span.start, f"{day_field}__lt": span.end}
        )
        .values("org_id")
        .annotate(n=Count("id"))
        .values_list("org_id", "n")
    )
    return for_each(org_ids, dict(rows))


@register_fact("brands.applied", "党建品牌申报数", "个")
def brands_applied(*, org_ids, span, as_of=None):
    return _count(Brand, "submitted_on", org_ids, span)


@register_fact("brands.recognised", "党建品牌认定数", "个")
def brands_recognised(*, org_ids, span, as_of=None):
    return _count(Brand, "recognised_on", org_ids, span)


@register_fact("brands.four_strong_applied", "四强党支部申报数", "个")
def four_strong_applied(*, org_ids, span, as_of=None):
    return _count(Application, "submitted_on", org_ids, span)


@register_fact("brands.four_strong_recognised", "四强党支部认定数", "个")
def four_strong_recognised(*, org_ids, span, as_of=None):
    return _count(Application, "recognised_on", org_ids, span)
