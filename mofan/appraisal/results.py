"""Counting a round's ratings: per reporter the count of each grade, the share of 好 and 较好,
and the weighted score.

The score of a reporter is, for each panel that rated them, the mean value of its ratings (好=100
/ 较好=80 / 一般=60 / 差=0 by default, the round's values otherwise), weighted by the panels'
weights. A panel nobody of which voted is left out and the other weights carry the score (a
score is never pulled down by a panel that did not take part). Ranks are by score, ties share a
rank (1, 2, 2, 4).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from mofan.appraisal.models import Grade

GRADES = [g.value for g in Grade]
GOOD_GRADES = (Grade.GOOD, Grade.FAIR)
HUNDRED = Decimal(100)
SCORE_PLACES = Decimal("0.01")
SHARE_PLACES = Decimal("0.1")


@dataclass
class Line:
    """One reporter's count: grades per panel, then the totals and the figures."""

    by_panel: dict[int, dict[str, int]] = field(default_factory=dict)
    score: Decimal = Decimal(0)
    rank: int = 0

    @property
    def counts(self) -> dict[str, int]:
        totals = dict.fromkeys(GRADES, 0)
        for counts in self.by_panel.values():
            for grade, n in counts.items():
                totals[grade] += n
        return totals

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def good_share(self) -> Decimal:
        return good_share(self.counts)


def good_share(counts: dict[str, int]) -> Decimal:
    """好 and 较好 over all ratings, in percent to one decimal (0 with no rating)."""
    total = sum(counts.values())
    if not total:
        return Decimal(0)
    good = sum(counts.get(g, 0) for g in GOOD_GRADES)
    return (HUNDRED * good / total).quantize(SHARE_PLACES, ROUND_HALF_UP)


def panel_mean(counts: dict[str, int], values: dict[str, int]) -> Decimal | None:
    total = sum(counts.values())
    if not total:
        return None
    return Decimal(sum(values[g] * n for g, n in counts.items())) / total


def weighted_score(
    by_panel: dict[int, dict[str, int]], weights: dict[int, Decimal], values: dict[str, int]
) -> Decimal:
    """The weighted mean of the panels' mean values, over the panels that rated."""
    pairs = [
        (mean, weights[panel_id])
        for panel_id, counts in by_panel.items()
        if (mean := panel_mean(counts, values)) is not None and weights.get(panel_id)
    ]
    weight = sum((w for _, w in pairs), Decimal(0))
    if not weight:
        return Decimal(0)
    score = sum((mean * w for mean, w in pairs), Decimal(0)) / weight
    return score.quantize(SCORE_PLACES, ROUND_HALF_UP)


def tally(
    ratings: Iterable[tuple[int, int, str]],
    *,
    reporter_ids: Iterable[int],
    weights: dict[int, Decimal],
    values: dict[str, int],
) -> dict[int, Line]:
    """`ratings` are (reporter id, panel id, grade) rows; every reporter gets a line."""
    lines = {reporter_id: Line() for reporter_id in reporter_ids}
    counts: dict[int, dict[int, dict[str, int]]] = defaultdict(dict)
    for reporter_id, panel_id, grade in ratings:
        panel = counts[reporter_id].setdefault(panel_id, dict.fromkeys(GRADES, 0))
        panel[grade] += 1
    for reporter_id, line in lines.items():
        line.by_panel = counts.get(reporter_id, {})
        line.score = weighted_score(line.by_panel, weights, values)
    _rank(lines)
    return lines


def _rank(lines: dict[int, Line]) -> None:
    ordered = sorted(lines.values(), key=lambda line: -line.score)
    previous, rank = None, 0
    for position, line in enumerate(ordered, start=1):
        if line.score != previous:
            rank, previous = position, line.score
        line.rank = rank
