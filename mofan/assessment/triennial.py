"""三年一总评: a triennial round combines, for each of its units, the final annual results of
its three years and the daily supervision (the final quarterly rounds of those years).

Each component is read as a percentage of its scheme's full marks, so that schemes of
different totals combine: the three years share the round's annual weight equally (a year
without a final result counts 0), and the quarterly results' mean carries the supervision
weight. A unit vetoed in any annual or quarterly round of the three years is vetoed here.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from mofan.assessment import compute
from mofan.assessment.models import Participant, Round, RoundKind, RoundStatus
from mofan.assessment.scoring import HUNDRED, ZERO, Grade, grade_for, points
from mofan.assessment.services import scheme_total

YEARS = 3


@dataclass
class TriennialResult(compute.UnitResult):
    years: dict[int, Decimal | None] = field(default_factory=dict)  # % of full marks
    supervision: Decimal | None = None  # mean % of the quarterly rounds
    quarters: int = 0  # how many quarterly results the mean is of


def years_of(round_: Round) -> list[int]:
    return list(range(round_.starts_on.year, round_.ends_on.year + 1))


def _components(round_: Round, kind: str):
    """The final rounds of `kind` of the same organiser and target within the period."""
    return (
        Round.objects.filter(
            kind=kind,
            status=RoundStatus.FINAL,
            scheme__org_id=round_.scheme.org_id,
            scheme__target=round_.scheme.target,
            ends_on__gte=round_.starts_on,
            ends_on__lte=round_.ends_on,
        )
        .select_related("scheme")
        .order_by("ends_on", "id")
    )


def _percent_table(component: Round, only: int | None) -> dict[int, compute.UnitResult]:
    return {r.org_id: r for r in compute.results(component, only=only)}


def _percent(result: compute.UnitResult, full: Decimal) -> Decimal:
    return points(result.total * HUNDRED / full) if full else ZERO


def annual_rounds(round_: Round) -> dict[int, Round]:
    """{year: its final annual round} (the latest one when a year has two)."""
    return {r.ends_on.year: r for r in _components(round_, RoundKind.ANNUAL)}


def quarterly_rounds(round_: Round) -> list[Round]:
    return list(_components(round_, RoundKind.QUARTERLY))


def triennial_results(round_: Round, *, only: int | None = None) -> list[TriennialResult]:
    participants = Participant.objects.filter(round=round_).select_related("org", "category")
    if only is not None:
        participants = participants.filter(org_id=only)
    annual = {year: _scored(r, only) for year, r in annual_rounds(round_).items()}
    quarterly = [_scored(r, only) for r in quarterly_rounds(round_)]
    grades = [Grade(g.label, g.at_least) for g in round_.scheme.grades.all()]
    table = [
        _combine(round_, p, annual, quarterly, grades) for p in participants.order_by("org__path")
    ]
    if only is None:
        compute.rank_within_categories(table)
    return table


def _scored(component: Round, only: int | None):
    """A component round's results (only the one unit's for a unit's row) and full marks."""
    return _percent_table(component, only), scheme_total(component.scheme)


def _combine(round_, participant, annual, quarterly, grades) -> TriennialResult:
    category = participant.category
    result = TriennialResult(
        participant.org_id,
        participant.org.name,
        category.name if category else "",
        category_order=category.sort_order if category else 1_000_000,
    )
    for year in years_of(round_):
        table, full = annual.get(year, ({}, ZERO))
        found = table.get(participant.org_id)
        result.years[year] = _percent(found, full) if found else None
        result.vetoed = result.vetoed or bool(found and found.vetoed)
    quarter_percents = []
    for table, full in quarterly:
        found = table.get(participant.org_id)
        if found:
            quarter_percents.append(_percent(found, full))
            result.vetoed = result.vetoed or found.vetoed
    result.quarters = len(quarter_percents)
    if quarter_percents:
        result.supervision = points(sum(quarter_percents, ZERO) / len(quarter_percents))
    year_share = round_.annual_weight / len(result.years) if result.years else ZERO
    weighted = sum((year_share * (v or ZERO) for v in result.years.values()), ZERO)
    weighted += round_.supervision_weight * (result.supervision or ZERO)
    result.total = points(weighted / HUNDRED)
    if grades:
        result.grade = grade_for(result.total, grades, vetoed=result.vetoed).label
    return result
