"""Reads of schemes, limited to what the acting user may see.

A scheme is seen by its org's sub-tree (the admins who write it, the leader who reads the whole
tree) and, once published, by every org it assesses: the orgs below the one that runs it."""

from django.db.models import Prefetch, Q, QuerySet

from mofan.assessment.models import Category, Indicator, Scheme, SchemeStatus
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
