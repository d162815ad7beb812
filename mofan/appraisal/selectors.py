"""Reads of 述职评议, limited to the acting user's reach: the org running a round sees all of
it (its admins and leaders); a unit sees the reporters of its sub-tree; a secretary the rounds
they report in. Results are seen by others only once the round is closed."""

from django.db.models import Count, Q, QuerySet

from mofan.appraisal.models import Panel, Rectification, Reporter, Round, RoundStatus
from mofan.core.access import scope_of
from mofan.core.lookup import get_or_404


def _reporters_seen_q(actor) -> Q:
    scope = scope_of(actor)
    mine = Q(user_id=actor.pk) if getattr(actor, "pk", None) else Q(pk__in=[])
    return scope.visible_q("org__path") | scope.visible_q("round__org__path") | mine


def round_list(*, actor) -> QuerySet[Round]:
    seen = Reporter.objects.filter(_reporters_seen_q(actor)).values("round_id")
    return Round.objects.filter(
        scope_of(actor).visible_q("org__path") | Q(pk__in=seen)
    ).select_related("org")


def round_get(*, actor, round_id) -> Round:
    return get_or_404(round_list(actor=actor), round_id, "未找到该述职评议")


def oversees(actor, round_: Round) -> bool:
    """Belongs to the org running the round (its admins and read-only leaders)."""
    return scope_of(actor).sees(round_.org.path)


def reporter_list(*, actor, round_: Round) -> QuerySet[Reporter]:
    reporters = Reporter.objects.filter(round=round_)
    if not oversees(actor, round_):
        reporters = reporters.filter(_reporters_seen_q(actor))
    return reporters.select_related("org", "result").order_by("sort_order", "id")


def reporter_get(*, actor, reporter_id) -> Reporter:
    reporters = Reporter.objects.filter(_reporters_seen_q(actor)).select_related(
        "org", "round__org", "result"
    )
    return get_or_404(reporters, reporter_id, "未找到该述职人")


def sees_results(actor, round_: Round) -> bool:
    if round_.status == RoundStatus.CLOSED:
        return True  # of the reporters the actor sees
    return scope_of(actor).can_admin(round_.org.path)  # a live count, for those running it


def panels_with_codes(round_: Round) -> list[Panel]:
    """The panels with the codes issued and used, and the ballots cast."""
    return list(
        round_.panels.annotate(
            issued=Count("codes", distinct=True),
            used=Count("codes", filter=Q(codes__used=True), distinct=True),
        ).order_by("id")
    )


def rectifications_of(reporter: Reporter) -> QuerySet[Rectification]:
    return reporter.rectifications.all()


def rectification_get(*, actor, item_id) -> Rectification:
    items = Rectification.objects.filter(
        reporter__in=Reporter.objects.filter(_reporters_seen_q(actor))
    ).select_related("reporter__org", "reporter__round__org")
    return get_or_404(items, item_id, "未找到该整改事项")


def round_figures(round_: Round) -> dict[str, int]:
    """The figures a report quotes: reporters, raters (codes used), ballots."""
    return {
        "reporters": round_.reporters.count(),
        "raters": round_.ballots.count(),
        "issued": round_.codes.count(),
    }
