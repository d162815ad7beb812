"""Naming after a round (评先命名): advanced units or branches within a quota per category,
模范机关 from a 三年总评 (for units also advanced each of its three years), and revoking (摘牌) when a veto event follows.

Only units are named, never people. The proposal is the top of each category by total, without
vetoed units or units in the lowest grade; the committee decides, and its decision is checked
against the same quota.
"""

import math
from collections import defaultdict
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from mofan.assessment import compute
from mofan.assessment.models import Finding, Honour, HonourKind, Round, RoundKind, Target
from mofan.assessment.scoring import VETO
from mofan.core.access import scope_of
from mofan.core.audit import audit
from mofan.core.errors import ApplicationError
from mofan.core.locking import locked, refused_if_taken

DEFAULT_SHARE = 20  # % of each category


def _require_committee(actor, org) -> None:
    if not scope_of(actor).can_admin(org.path):
        raise PermissionDenied("只有组织考核的单位的管理员可以命名表彰")


def quota(units_in_category: int, share: int) -> int:
    """How many of a category may be named: the share, rounded up, at least one."""
    return max(1, math.ceil(units_in_category * share / 100)) if units_in_category else 0


def _eligible(result, lowest: str) -> bool:
    return not result.vetoed and not result.pending and result.grade != lowest


def proposal(round_: Round, share: int = DEFAULT_SHARE) -> dict[str, list]:
    """{category: [unit results proposed, best first]} for a final annual round."""
    grades = list(round_.scheme.grades.order_by("at_least"))
    lowest = grades[0].label if grades else ""
    by_category = defaultdict(list)
    for result in compute.results(round_):
        by_category[result.category].append(result)
    return {
        category: [r for r in results if _eligible(r, lowest)][: quota(len(results), share)]
        for category, results in by_category.items()
    }


def _honour_kind(round_: Round) -> str:
    if round_.scheme.target == Target.BRANCHES:
        return HonourKind.ADVANCED_BRANCH
    return HonourKind.ADVANCED_UNIT


@transaction.atomic
def advanced_name(
    *, actor, round_: Round, org_ids: list[int], decision: str, share: int = DEFAULT_SHARE
) -> list[Honour]:
    """Name the chosen units of a final annual round, each category within its quota."""
    _require_committee(actor, round_.scheme.org)
    round_ = locked(round_)
    if not round_.is_final or round_.kind != RoundKind.ANNUAL:
        raise ApplicationError("只能根据已定档的年度考评命名先进")
    if not decision.strip():
        raise ApplicationError("请填写命名决定（文号）", field="decision")
    if not 1 <= share <= 100:
        raise ApplicationError("名额比例应在 1% 到 100% 之间", field="share")
    table = {r.org_id: r for r in compute.results(round_)}
    chosen = [table[org_id] for org_id in dict.fromkeys(org_ids) if org_id in table]
    if len(chosen) != len(set(org_ids)) or not chosen:
        raise ApplicationError("请从本次考核的参评单位中选择", field="org_ids")
    _check_quota(table, chosen, share, round_)
    year = round_.ends_on.year
    kind = _honour_kind(round_)
    honours = [
        Honour(
            kind=kind,
            org_id=r.org_id,
            year=year,
            round=round_,
            decision=decision.strip(),
            decided_by=_user(actor),
        )
        for r in chosen
    ]
    with refused_if_taken(f"所选单位中已有{year}年度的{HonourKind(kind).label}"):
        Honour.objects.bulk_create(honours)
    audit(
        actor=actor,
        action="assessment.name",
        target=round_,
        detail=f"{HonourKind(kind).label} {len(honours)} 个：{'、'.join(r.org_name for r in chosen)}",
    )
    return honours


def _check_quota(table: dict, chosen: list, share: int, round_: Round) -> None:
    grades = list(round_.scheme.grades.order_by("at_least"))
    lowest = grades[0].label if grades else ""
    for result in chosen:
        if not _eligible(result, lowest):
            raise ApplicationError(f"“{result.org_name}”被一票否决或等次为{lowest}，不能评为先进")
    sizes = defaultdict(int)
    for result in table.values():
        sizes[result.category] += 1
    named = defaultdict(list)
    for result in chosen:
        named[result.category].append(result.org_name)
    for category, names in named.items():
        allowed = quota(sizes[category], share)
        if len(names) > allowed:
            label = category or "未分类"
            raise ApplicationError(
                f"“{label}”共 {sizes[category]} 个单位，先进名额为 {allowed} 个，现选了 {len(names)} 个"
            )


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _advanced_every_year(org_ids, years: set[int], kind: str) -> set[int]:
    held = defaultdict(set)
    for org_id, named_year in Honour.objects.filter(
        org_id__in=org_ids, kind=kind, year__in=years, revoked_on__isnull=True
    ).values_list("org_id", "year"):
        held[org_id].add(named_year)
    return {org_id for org_id, named in held.items() if named == years}


def model_organ_candidates(round_: Round) -> list:
    """The results of a final 三年总评 that may be named 模范机关, ranked: not vetoed, above
    the lowest grade, named advanced in each of its three years and not yet 模范机关."""
    if not round_.is_final or round_.kind != RoundKind.TRIENNIAL:
        return []
    table = compute.results(round_)
    grades = list(round_.scheme.grades.order_by("at_least"))
    lowest = grades[0].label if grades else ""
    org_ids = [r.org_id for r in table]
    years = set(range(round_.starts_on.year, round_.ends_on.year + 1))
    advanced = _advanced_every_year(org_ids, years, HonourKind.ADVANCED_UNIT)
    already = set(
        Honour.objects.filter(
            org_id__in=org_ids, kind=HonourKind.MODEL_ORGAN, revoked_on__isnull=True
        ).values_list("org_id", flat=True)
    )
    return [
        r
        for r in table
        if _eligible(r, lowest) and r.org_id in advanced and r.org_id not in already
    ]


@transaction.atomic
def model_organ_name(*, actor, round_: Round, org_ids, decision: str) -> list[Honour]:
    """Name the chosen candidates of a final 三年总评 模范机关 of its last year."""
    _require_committee(actor, round_.scheme.org)
    round_ = locked(round_)
    if not round_.is_final or round_.kind != RoundKind.TRIENNIAL:
        raise ApplicationError("只能根据已定档的三年总评命名模范机关")
    if not decision.strip():
        raise ApplicationError("请填写命名决定（文号）", field="decision")
    candidates = {r.org_id: r for r in model_organ_candidates(round_)}
    names = dict(round_.participants.values_list("org_id", "org__name"))
    chosen = list(dict.fromkeys(org_ids))
    if not chosen:
        raise ApplicationError("请选择单位", field="org_ids")
    refused = [org_id for org_id in chosen if org_id not in candidates]
    if refused:
        name = names.get(refused[0], "所选单位")
        raise ApplicationError(
            f"“{name}”不符合命名条件（三年总评未被否决、等次不是最低，且三年均被评为先进单位）",
            field="org_ids",
        )
    year = round_.ends_on.year
    honours = [
        Honour(
            kind=HonourKind.MODEL_ORGAN,
            org_id=org_id,
            year=year,
            round=round_,
            decision=decision.strip(),
            decided_by=_user(actor),
        )
        for org_id in chosen
    ]
    with refused_if_taken(f"所选单位中已有{year}年度的模范机关命名"):
        Honour.objects.bulk_create(honours)
    audit(
        actor=actor,
        action="assessment.name",
        target=round_,
        detail=f"模范机关 {len(chosen)} 个：{'、'.join(candidates[o].org_name for o in chosen)}",
    )
    return honours


def revoke_suggestions(honours) -> dict[int, list[Finding]]:
    """{honour id: veto findings recorded against its org in a later year's round}: the
    active honours a veto event calls into question (one query)."""
    honours = [h for h in honours if h.is_active]
    if not honours:
        return {}
    findings = Finding.objects.filter(
        indicator__rule=VETO, org_id__in={h.org_id for h in honours}
    ).select_related("round")
    suggested = defaultdict(list)
    for honour in honours:
        for finding in findings:
            if finding.org_id == honour.org_id and finding.round.starts_on.year > honour.year:
                suggested[honour.pk].append(finding)
    return dict(suggested)


@transaction.atomic
def honour_revoke(*, actor, honour: Honour, reason: str, on: date | None = None) -> Honour:
    if not scope_of(actor).can_admin_strictly_below(honour.org.path):
        raise PermissionDenied("只有命名单位的上级组织的管理员可以摘牌")
    honour = locked(honour)
    if not honour.is_active:
        raise ApplicationError("该称号已摘牌")
    if not reason.strip():
        raise ApplicationError("请填写摘牌原因", field="reason")
    honour.revoked_on = on or timezone.localdate()
    honour.revoke_reason = reason.strip()
    honour.save(update_fields=["revoked_on", "revoke_reason"])
    audit(actor=actor, action="assessment.revoke", target=honour, detail=reason.strip())
    return honour
