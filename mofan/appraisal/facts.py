"""Facts of 述职评议 (registered in core.facts at start-up).

A round counts in the span its meeting date falls in, once it has left its draft stage.
述职人数 counts for the reporter's org, 评议人数 (ballots cast) for the org running the round,
and the share of 好 and 较好 for the reporter's org over the ratings of closed rounds.
"""

from django.db.models import Count, Q

from mofan.appraisal.models import Ballot, Grade, Rating, Reporter, RoundStatus
from mofan.core.facts import for_each, register_fact, register_rate


def _in_span(span, prefix: str = "round__") -> Q:
    return Q(**{f"{prefix}meeting_on__gte": span.start, f"{prefix}meeting_on__lt": span.end}) & ~Q(
        **{f"{prefix}status": RoundStatus.DRAFT}
    )


@register_fact("appraisal.reporters", "述职评议 述职人数", "人")
def reporters(*, org_ids, span, as_of=None):
    rows = (
        Reporter.objects.filter(_in_span(span), org_id__in=org_ids)
        .values("org_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return for_each(org_ids, {row["org_id"]: row["n"] for row in rows})


@register_fact("appraisal.raters", "述职评议 评议人数", "人")
def raters(*, org_ids, span, as_of=None):
    rows = (
        Ballot.objects.filter(_in_span(span), round__org_id__in=org_ids)
        .values("round__org_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return for_each(org_ids, {row["round__org_id"]: row["n"] for row in rows})


@register_rate(
    "appraisal.good_share",
    "述职评议 好和较好评价占比",
    numerator="“好”和“较好”评价数",
    denominator="评价总数（已结束的述职评议）",
)
def good_share(*, org_ids, span, as_of=None):
    rows = (
        Rating.objects.filter(
            _in_span(span, "reporter__round__"),
            reporter__round__status=RoundStatus.CLOSED,
            reporter__org_id__in=org_ids,
        )
        .values("reporter__org_id")
        .annotate(
            good=Count("id", filter=Q(grade__in=[Grade.GOOD, Grade.FAIR])),
            total=Count("id"),
        )
        .order_by()
    )
    found = {row["reporter__org_id"]: (row["good"], row["total"]) for row in rows}
    return {org_id: found.get(org_id, (0, 0)) for org_id in org_ids}
