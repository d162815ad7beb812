"""A round's score table: every unit × every item, with each point's source.

Record-based items read their fact once for all the round's units (a roll-up over each unit's
sub-tree, `orgs.facts.rollup_under`), so the cost grows with the number of distinct facts the
scheme names, not with units × items. What people wrote (review scores, approved bonus items,
adjustments, findings) comes in one query each. A final round reads the values frozen when it
closed instead of the records as they are now; `recompute` says what would differ.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone

from mofan.assessment.models import (
    Entry,
    Finding,
    FrozenValue,
    Indicator,
    Participant,
    Round,
    RoundKind,
)
from mofan.assessment.rules import ItemRule, item_rule
from mofan.assessment.scoring import (
    BONUS,
    DEDUCTION,
    REVIEWED,
    VETO,
    ZERO,
    Event,
    Grade,
    after_deduction,
    capped_bonus,
    clamp,
    grade_for,
    points,
)
from mofan.core.facts import shared_work
from mofan.core.periods import Span
from mofan.orgs.facts import rollup_under


@dataclass
class ItemScore:
    indicator_id: int
    points: Decimal
    value: Decimal | None = None  # the fact's value (record-based), or None
    source: str = ""  # fact code, "评审", "扣分事项" …
    pending: bool = False  # a reviewed item nobody has scored yet
    adjusted: bool = False
    vetoes: bool = False
    computed: Decimal | None = None  # record-based: the points before any adjustment


@dataclass
class UnitResult:
    org_id: int
    org_name: str
    category: str
    items: dict[int, ItemScore] = field(default_factory=dict)
    areas: dict[int, Decimal] = field(default_factory=dict)
    bonus: Decimal = ZERO
    total: Decimal = ZERO
    vetoed: bool = False
    grade: str = ""
    rank: int = 0
    category_order: int = 0
    pending: int = 0  # reviewed items not scored yet


@dataclass
class Leaf:
    indicator: Indicator
    rule: ItemRule


def round_span(round_: Round) -> Span:
    return Span.between(round_.starts_on, round_.ends_on)


def leaves_of(indicators: Iterable[Indicator]) -> list[Leaf]:
    return [
        Leaf(
            i,
            item_rule(rule=i.rule, max_points=i.max_points, fact_code=i.fact_code, params=i.params),
        )
        for i in indicators
        if not i.is_area
    ]


def fact_values(leaves: list[Leaf], org_ids: list[int], span: Span, as_of) -> dict:
    """{fact code: {org id: value}}, one roll-up per distinct fact."""
    codes = {leaf.rule.fact_code for leaf in leaves if leaf.rule.fact_code}
    with shared_work():
        return {
            code: rollup_under(code, root_ids=org_ids, span=span, as_of=as_of)
            for code in sorted(codes)
        }


def _frozen(round_: Round) -> dict[tuple[int, int], tuple]:
    rows = FrozenValue.objects.filter(round=round_).values_list(
        "org_id", "indicator_id", "value", "points"
    )
    return {(org_id, indicator_id): (value, points) for org_id, indicator_id, value, points in rows}


def _written(round_: Round):
    entries = {(e.org_id, e.indicator_id): e for e in Entry.objects.filter(round=round_)}
    findings = defaultdict(list)
    for finding in Finding.objects.filter(round=round_).values("id", "org_id", "indicator_id"):
        findings[(finding["org_id"], finding["indicator_id"])].append(
            Event(f"assessment.finding:{finding['id']}")
        )
    return entries, findings


def _score(leaf: Leaf, org_id: int, values, entry: Entry | None, findings, frozen: dict):
    rule, indicator_id = leaf.rule, leaf.indicator.pk
    if rule.rule == REVIEWED:
        if entry is None or entry.review_points is None:
            return ItemScore(indicator_id, ZERO, source="评审", pending=True)
        return ItemScore(indicator_id, points(entry.review_points), source="评审")
    if rule.rule == BONUS:
        approved = entry.approved_items if entry and entry.approved_items else 0
        return ItemScore(
            indicator_id, clamp(rule.each * approved, rule.maximum), Decimal(approved), "加分认定"
        )
    events = findings.get((org_id, indicator_id), [])
    if rule.missing_report:
        return _missing_report_score(leaf, events)
    if not rule.reads_records:
        if rule.rule == VETO:
            return ItemScore(
                indicator_id, ZERO, Decimal(len(events)), "否决事项", vetoes=bool(events)
            )
        return ItemScore(
            indicator_id,
            after_deduction(events, rule.each, rule.maximum),
            Decimal(len(events)),
            "扣分事项",
        )
    if (org_id, indicator_id) in frozen:
        value, earned = frozen[(org_id, indicator_id)]
    else:
        value = values.get(rule.fact_code, {}).get(org_id)
        earned = rule.points_from(value)
    vetoes = rule.vetoes(value) or (rule.rule == VETO and bool(events))
    if rule.rule == DEDUCTION and events:
        earned = clamp(earned - rule.each * len(events), rule.maximum)
    score = ItemScore(
        indicator_id,
        earned,
        None if value is None else Decimal(value),
        rule.fact_code,
        vetoes=vetoes,
        computed=earned,
    )
    if entry is not None and entry.adjusted_points is not None:
        score.points, score.adjusted = points(entry.adjusted_points), True
    return score


def missed_report(round_: Round, participant: Participant, today: date) -> bool:
    """Whether a unit had not submitted its self-assessment by the round's deadline, once the
    deadline is over (a report submitted late still counts as missed)."""
    deadline = round_.self_deadline
    if deadline is None or today <= deadline:
        return False
    submitted = participant.submitted_at
    return submitted is None or timezone.localdate(submitted) > deadline


def _missing_report_score(leaf: Leaf, events: list[Event]) -> ItemScore:
    rule = leaf.rule
    source = events[0].label if events else "按期提交"
    return ItemScore(
        leaf.indicator.pk,
        after_deduction(events, rule.each, rule.maximum),
        Decimal(len(events)),
        source,
    )


def _missing_reports(round_: Round, participants, leaves, findings, today: date) -> None:
    """Each unit that missed its report gets one event on every missing-report item."""
    items = [leaf.indicator.pk for leaf in leaves if leaf.rule.missing_report]
    if not items:
        return
    for participant in participants:
        if not missed_report(round_, participant, today):
            continue
        submitted = participant.submitted_at
        label = f"自评截止 {round_.self_deadline:%Y-%m-%d} 未提交" + (
            f"（{timezone.localtime(submitted):%Y-%m-%d %H:%M} 逾期提交）" if submitted else ""
        )
        for indicator_id in items:
            findings[(participant.org_id, indicator_id)].append(
                Event(f"assessment.missing_report:{round_.pk}:{participant.org_id}", label)
            )


def results(round_: Round, *, recompute: bool = False, only: int | None = None) -> list[UnitResult]:
    """Every participant's result, ranked within its category (best first); with `only`, the
    result of that one unit, unranked (a unit's sheet while the round is open). A 三年总评
    combines other rounds' results instead (triennial.py)."""
    if round_.kind == RoundKind.TRIENNIAL:
        from mofan.assessment.triennial import triennial_results  # it builds on this module

        return triennial_results(round_, only=only)
    scheme = round_.scheme
    indicators = list(Indicator.objects.filter(scheme=scheme))
    leaves = leaves_of(indicators)
    participants = Participant.objects.filter(round=round_)
    if only is not None:
        participants = participants.filter(org_id=only)
    participants = list(participants.select_related("org", "category").order_by("org__path"))
    org_ids = [p.org_id for p in participants]
    # A final round reads the values frozen when it closed, not the records.
    frozen = _frozen(round_) if round_.is_final and not recompute else {}
    values = (
        fact_values(leaves, org_ids, round_span(round_), round_.as_of)
        if org_ids and not frozen
        else {}
    )
    entries, findings = _written(round_)
    _missing_reports(round_, participants, leaves, findings, timezone.localdate())
    grades = [Grade(g.label, g.at_least) for g in scheme.grades.all()]
    table = [
        _unit_result(p, leaves, values, entries, findings, frozen, scheme.bonus_cap, grades)
        for p in participants
    ]
    if only is None:
        rank_within_categories(table)
    return table


def _unit_result(participant, leaves, values, entries, findings, frozen, cap, grades):
    category = participant.category
    result = UnitResult(
        participant.org_id,
        participant.org.name,
        category.name if category else "",
        category_order=category.sort_order if category else 1_000_000,
    )
    bonuses = []
    for leaf in leaves:
        entry = entries.get((participant.org_id, leaf.indicator.pk))
        score = _score(leaf, participant.org_id, values, entry, findings, frozen)
        result.items[leaf.indicator.pk] = score
        result.vetoed = result.vetoed or score.vetoes
        result.pending += score.pending
        if leaf.rule.rule == BONUS:
            bonuses.append(score.points)
            continue
        area = leaf.indicator.parent_id
        result.areas[area] = result.areas.get(area, ZERO) + score.points
    result.bonus = capped_bonus(bonuses, cap)
    result.total = points(sum(result.areas.values(), ZERO) + result.bonus)
    if grades:
        result.grade = grade_for(result.total, grades, vetoed=result.vetoed).label
    return result


def rank_within_categories(table: list[UnitResult]) -> None:
    """Competition ranking (1, 2, 2, 4) by total within each category; a vetoed unit ranks
    after every unit that was not."""
    by_category = defaultdict(list)
    for result in table:
        by_category[result.category].append(result)
    for group in by_category.values():
        group.sort(key=lambda r: (r.vetoed, -r.total))
        for position, result in enumerate(group, start=1):
            previous = group[position - 2] if position > 1 else None
            same = previous and (previous.vetoed, previous.total) == (result.vetoed, result.total)
            result.rank = previous.rank if same else position
    table.sort(key=lambda r: (r.category_order, r.category, r.rank, r.org_name))
