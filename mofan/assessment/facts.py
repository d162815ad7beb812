"""Facts of assessment and naming (registered in core.facts at start-up): veto events, the
branches that passed the standardisation checklist, the units assessed and the honours named,
for the 四强 prerequisites, the year-end statistics and later indicators."""

from django.db.models import Count, Q

from mofan.assessment.compute import results
from mofan.assessment.models import (
    Finding,
    Honour,
    HonourKind,
    Participant,
    Round,
    RoundStatus,
    Target,
)
from mofan.assessment.scoring import VETO
from mofan.core.facts import for_each, reference_day, register_fact


@register_fact("assessment.vetoes", "一票否决事项数", "项")
def vetoes(*, org_ids, span, as_of=None):
    """Veto findings recorded against each org in a round whose period ends in the span: a
    finding is often recorded at the review, after the period it is about."""
    rows = (
        Finding.objects.filter(
            org_id__in=org_ids,
            indicator__rule=VETO,
            round__ends_on__gte=span.start,
            round__ends_on__lt=span.end,
        )
        .values("org_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return for_each(org_ids, {row["org_id"]: row["n"] for row in rows})


def _final_rounds(span, target: str):
    return Round.objects.filter(
        status=RoundStatus.FINAL,
        scheme__target=target,
        ends_on__gte=span.start,
        ends_on__lt=span.end,
    )


@register_fact("assessment.checklist_passed", "党支部标准化规范化建设达标支部数", "个")
def checklist_passed(*, org_ids, span, as_of=None):
    """1 for a branch whose final branch round ending in the span gave it a grade above the
    lowest band, without a veto."""
    wanted = set(org_ids)
    passed: dict[int, int] = {}
    rounds = _final_rounds(span, Target.BRANCHES).filter(participants__org_id__in=org_ids)
    for round_ in rounds.distinct().select_related("scheme"):
        lowest = round_.scheme.grades.order_by("at_least").first()
        for result in results(round_):
            if result.org_id not in wanted:
                continue
            if not result.vetoed and lowest is not None and result.grade != lowest.label:
                passed[result.org_id] = 1
    return for_each(org_ids, passed)


@register_fact("assessment.units_assessed", "参加考核单位数", "个")
def units_assessed(*, org_ids, span, as_of=None):
    """1 for an org that took part in a final round of a unit scheme ending in the span."""
    taking_part = Participant.objects.filter(
        org_id__in=org_ids, round__in=_final_rounds(span, Target.UNITS)
    ).values_list("org_id", flat=True)
    return for_each(org_ids, dict.fromkeys(taking_part, 1))


def _named(kind: str):
    def compute(*, org_ids, span, as_of=None):
        """Honours of the kind for a year of the span, still held on the reference day."""
        day = reference_day(span, as_of)
        rows = (
            Honour.objects.filter(
                org_id__in=org_ids,
                kind=kind,
                year__gte=span.start.year,
                year__lte=span.last.year,
            )
            .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=day))
            .values("org_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        return for_each(org_ids, {row["org_id"]: row["n"] for row in rows})

    compute.__name__ = f"named_{kind}"
    return compute


register_fact("assessment.advanced_units", "命名先进单位数", "个")(_named(HonourKind.ADVANCED_UNIT))
register_fact("assessment.advanced_branches", "命名先进党支部数", "个")(
    _named(HonourKind.ADVANCED_BRANCH)
)
register_fact("assessment.model_organs", "命名模范机关数", "个")(_named(HonourKind.MODEL_ORGAN))
