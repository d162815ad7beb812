"""Reads of schemes, limited to what the acting user may see.

A scheme is seen by its org's sub-tree (the admins who write it, the leader who reads the whole
tree) and, once published, by every org it assesses: the orgs below the one that runs it."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from mofan.assessment.models import (
    Category,
    Evidence,
    Finding,
    Honour,
    Indicator,
    Objection,
    Participant,
    Round,
    RoundKind,
    RoundStatus,
    Scheme,
    SchemeStatus,
)
from mofan.core.access import scope_of
from mofan.core.lookup import get_or_404
from mofan.orgs.models import Org


def _ancestor_paths(paths: list[str]) -> set[str]:
    step = Org.steplen
    return {path[:end] for path in paths for end in range(step, len(path) + 1, step)}


def scheme_list(*, actor) -> QuerySet[Scheme]:
    scope = scope_of(actor)
    above = _ancestor_paths(scope.root_paths)
    published = ~Q(status=SchemeStatus.DRAFT) & Q(org__path__in=above)
    return (
        Scheme.objects.filter(scope.visible_q("org__path") | published)
        .select_related("org")
        .distinct()
    )


def scheme_get(*, actor, scheme_id) -> Scheme:
    return get_or_404(scheme_list(actor=actor), scheme_id, "未找到该考核方案")


def scheme_with_indicators(*, actor, scheme_id) -> Scheme:
    """The scheme with its areas, their items and its grades, in a fixed number of queries."""
    queryset = scheme_list(actor=actor).prefetch_related(
        Prefetch(
            "indicators",
            queryset=Indicator.objects.filter(parent__isnull=True).prefetch_related("children"),
            to_attr="areas",
        ),
        "grades",
        "categories",
    )
    return get_or_404(queryset, scheme_id, "未找到该考核方案")


def category_list(*, actor) -> QuerySet[Category]:
    return Category.objects.filter(scope_of(actor).visible_q("org__path")).select_related("org")


def scheme_areas(scheme: Scheme) -> QuerySet[Indicator]:
    return Indicator.objects.filter(scheme=scheme, parent__isnull=True)


def indicator_get(*, actor, indicator_id) -> Indicator:
    visible = Indicator.objects.filter(scheme__in=scheme_list(actor=actor)).select_related(
        "scheme__org", "parent"
    )
    return get_or_404(visible, indicator_id, "未找到该考核指标")


def round_list(*, actor) -> QuerySet[Round]:
    """The rounds of the schemes the user sees; drafts only to those who run them."""
    scope = scope_of(actor)
    runs = (
        scope.paths_q(scope.admin_paths, "scheme__org__path") if scope.admin_paths else Q(pk__in=[])
    )
    return (
        Round.objects.filter(scheme__in=scheme_list(actor=actor))
        .filter(runs | ~Q(status=RoundStatus.DRAFT))
        .select_related("scheme__org")
    )


def round_get(*, actor, round_id) -> Round:
    return get_or_404(round_list(actor=actor), round_id, "未找到该考核")


def participants_seen(*, actor, round_: Round) -> QuerySet[Participant]:
    """The round's units whose sheets the user may open: all of them for those who run it or
    read the whole scheme org's tree, else the units in the user's sub-tree."""
    scope = scope_of(actor)
    units = round_.participants.select_related("org", "category").order_by("org__path")
    if scope.sees(round_.scheme.org.path):
        return units
    return units.filter(scope.visible_q("org__path"))


def participant_get(*, actor, round_: Round, org_id) -> Participant:
    try:
        found = participants_seen(actor=actor, round_=round_).filter(org_id=int(org_id)).first()
    except (ValueError, TypeError, OverflowError):
        found = None
    if found is None:
        raise Http404("未找到该参评单位")
    return found


def findings_of(*, round_: Round, org) -> dict[int, list[Finding]]:
    """The findings recorded against one unit in a round, by indicator (the caller has
    checked that the user may see the unit)."""
    found: dict[int, list[Finding]] = {}
    for finding in Finding.objects.filter(round=round_, org=org):
        found.setdefault(finding.indicator_id, []).append(finding)
    return found


def objections_of(*, round_: Round, org) -> dict[int, list[Objection]]:
    found: dict[int, list[Objection]] = {}
    for objection in Objection.objects.filter(round=round_, org=org):
        found.setdefault(objection.indicator_id, []).append(objection)
    return found


def open_objections(*, round_: Round) -> QuerySet[Objection]:
    return Objection.objects.filter(round=round_, answered_at__isnull=True).select_related(
        "org", "indicator"
    )


def objection_get(*, actor, round_: Round, objection_id) -> Objection:
    seen = participants_seen(actor=actor, round_=round_).values("org_id")
    visible = Objection.objects.filter(round=round_, org_id__in=seen).select_related(
        "round__scheme__org", "org", "indicator"
    )
    return get_or_404(visible, objection_id, "未找到该异议")


def honour_list(*, actor) -> QuerySet[Honour]:
    return Honour.objects.filter(scope_of(actor).visible_q("org__path")).select_related("org")


def honour_get(*, actor, honour_id) -> Honour:
    return get_or_404(honour_list(actor=actor), honour_id, "未找到该命名")


def latest_triennial_run(*, actor) -> Round | None:
    """The latest final 三年总评 the user runs (the basis of naming 模范机关), or None."""
    scope = scope_of(actor)
    if not scope.admin_paths:
        return None
    return (
        round_list(actor=actor)
        .filter(scope.paths_q(scope.admin_paths, "scheme__org__path"))
        .filter(kind=RoundKind.TRIENNIAL, status=RoundStatus.FINAL)
        .order_by("-ends_on", "-id")
        .first()
    )


def evidence_of(*, round_: Round, org) -> dict[int, list[Evidence]]:
    """A unit's evidence files in a round, by indicator (the caller has checked that the user
    may see the unit)."""
    found: dict[int, list[Evidence]] = {}
    for evidence in Evidence.objects.filter(round=round_, org=org):
        found.setdefault(evidence.indicator_id, []).append(evidence)
    return found


def evidence_get(*, actor, evidence_id) -> Evidence:
    """An evidence file, for the unit that attached it and those who see its round's sheets."""
    try:
        found = (
            Evidence.objects.select_related("round__scheme__org", "org", "indicator")
            .filter(pk=int(evidence_id))
            .first()
        )
    except (ValueError, TypeError, OverflowError):
        found = None
    if found is None or not round_list(actor=actor).filter(pk=found.round_id).exists():
        raise Http404("未找到该佐证材料")
    participant_get(actor=actor, round_=found.round, org_id=found.org_id)
    return found


def _one_or_list(count: int, single: str) -> str:
    return single if count == 1 else reverse("assessment:rounds")


def open_steps_for(*, actor, today) -> list[tuple[str, int, str]]:
    """The assessment steps waiting for the user, for the workbench, each as (label, count,
    link): self-assessments of the units they record to submit (in rounds they do not run),
    objections to answer and reviews to do in the rounds they run. Steps with nothing to do
    are left out; three queries whatever the number of rounds."""
    scope = scope_of(actor)
    runs = scope.paths_q(scope.admin_paths, "round__scheme__org__path")
    steps = []
    to_submit = list(
        Participant.objects.filter(round__status=RoundStatus.SELF, submitted_at__isnull=True)
        .exclude(round__kind=RoundKind.TRIENNIAL)  # it combines other rounds: nothing to fill
        .filter(scope.paths_q(scope.recorder_paths, "org__path"))
        .exclude(runs)
        .values_list("round_id", "org_id", "round__self_deadline")
    )
    if to_submit:
        round_id, org_id, _ = to_submit[0]
        late = sum(1 for *_, deadline in to_submit if deadline and deadline < today)
        label = "待提交的考核自评" + (f"（{late} 项已过截止日）" if late else "")
        sheet = f"{reverse('assessment:round', args=[round_id])}?org={org_id}"
        steps.append((label, len(to_submit), _one_or_list(len(to_submit), sheet)))
    objections = list(
        Objection.objects.filter(answered_at__isnull=True, round__status=RoundStatus.PRELIMINARY)
        .filter(runs)
        .values_list("round_id", "org_id", "indicator_id")
    )
    if objections:
        round_id, org_id, indicator_id = objections[0]
        link = (
            f"{reverse('assessment:round', args=[round_id])}?org={org_id}#indicator-{indicator_id}"
        )
        steps.append(("待答复的考核异议", len(objections), _one_or_list(len(objections), link)))
    reviews = list(
        Round.objects.filter(status=RoundStatus.REVIEW)
        .filter(scope.paths_q(scope.admin_paths, "scheme__org__path"))
        .values_list("id", flat=True)
    )
    if reviews:
        link = reverse("assessment:round", args=[reviews[0]])
        steps.append(("评审打分中的考核", len(reviews), _one_or_list(len(reviews), link)))
    return steps
