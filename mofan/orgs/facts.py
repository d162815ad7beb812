"""Facts about the org tree (registered in core.facts at start-up), and the roll-up of any fact
over the sub-trees of some orgs.

Health findings and terms are states: they are read on the reference day (the span's last
day, or today while the span runs), with the committee and member numbers as they are now.
"""

import operator
from collections.abc import Iterable
from datetime import date
from functools import reduce

from django.db.models import Q

from mofan.core.facts import for_each, reference_day, register_fact, reuse, rollup
from mofan.core.periods import Span
from mofan.orgs.health import TERM_ORG_TYPES, health_of, top_paths
from mofan.orgs.models import Org


def rollup_under(
    code: str,
    *,
    root_ids: Iterable[int],
    span: Span,
    as_of: date | None = None,
    how: str | None = None,
) -> dict:
    """The fact `code` for each root org, counting the root and every org below it (dissolved
    ones too: their records in the span still count). Two queries plus the fact's own; inside
    `shared_work()` the two are made once for the same roots."""
    roots, below = reuse(("orgs.rollup_under", tuple(root_ids)), lambda: _sub_trees(root_ids))
    if not roots:
        return {}
    return rollup(
        code,
        orgs=below,
        span=span,
        as_of=as_of,
        roots=[org_id for org_id, _ in roots],
        how=how,
    )


def _sub_trees(root_ids: Iterable[int]) -> tuple[list, list]:
    """(the roots' (id, path) rows, the (id, path) rows of every org in their sub-trees)."""
    roots = list(Org.objects.filter(pk__in=list(root_ids)).values_list("id", "path"))
    if not roots:
        return [], []
    below = Org.objects.filter(
        reduce(operator.or_, (Q(path__startswith=p) for p in top_paths([p for _, p in roots])))
    )
    return roots, list(below.values_list("id", "path"))


def _count_findings(org_ids, span, as_of, severity=None) -> dict[int, int]:
    counts: dict[int, int] = {}
    for finding in health_of(org_ids, today=reference_day(span, as_of)):
        if severity is None or finding.severity == severity:
            counts[finding.org_id] = counts.get(finding.org_id, 0) + 1
    return for_each(org_ids, counts)


@register_fact("orgs.health.findings", "组织设置检查提示（问题和提醒）", "个")
def health_findings(*, org_ids, span, as_of=None):
    return _count_findings(org_ids, span, as_of)


@register_fact("orgs.health.problems", "组织设置检查发现的问题", "个")
def health_problems(*, org_ids, span, as_of=None):
    return _count_findings(org_ids, span, as_of, severity="error")


@register_fact("orgs.terms.overdue", "任期届满未换届的组织", "个")
def terms_overdue(*, org_ids, span, as_of=None):
    """1 for an org whose term had ended by the reference day without a new one, else 0."""
    day = reference_day(span, as_of)
    overdue = Org.objects.filter(
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day),
        pk__in=org_ids,
        org_type__in=TERM_ORG_TYPES,
        term_end__lt=day,
    )
    return for_each(org_ids, dict.fromkeys(overdue.values_list("id", flat=True), 1))
