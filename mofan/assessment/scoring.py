"""How an indicator turns what the records say into points: the rule table of 量化考核.

Every function here is pure (numbers in, points out), so that the rules can be checked on
their own and the round can compute a whole score table from one batch of facts. Points are
Decimals with two places; a leaf never goes below 0 nor above its maximum, whatever the
records say. The rules a scheme may use:

- ratio: a rate in % times the maximum (出席率 92% of 5 points → 4.60);
- thresholds: the first band the value reaches gives its share of the maximum
  (≥95 → 100%, ≥80 → 80% …); below every band, 0;
- per occurrence: each occurrence adds `each`, capped at the maximum;
- deduction: the maximum minus `each` per event, each event (by its key) counted once;
- bonus: `each` per approved item, the scheme's bonus total capped;
- veto: a condition that sets the grade to the lowest, whatever the score;
- reviewed: a reviewer gives 0…max, with a reason.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

RATIO, THRESHOLDS, PER_OCCURRENCE, DEDUCTION, BONUS, VETO, REVIEWED = (
    "ratio",
    "thresholds",
    "per_occurrence",
    "deduction",
    "bonus",
    "veto",
    "reviewed",
)
RULE_LABELS = {
    RATIO: "按比例计分",
    THRESHOLDS: "按档次计分",
    PER_OCCURRENCE: "按次计分",
    DEDUCTION: "扣分",
    BONUS: "加分",
    VETO: "一票否决",
    REVIEWED: "评审打分",
}
FROM_RECORDS = (RATIO, THRESHOLDS, PER_OCCURRENCE)
CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")


class RuleError(ValueError):
    """A rule that cannot be applied as written, with a Chinese message for the scheme editor."""


def points(value) -> Decimal:
    """Two places, half up, as a committee rounds a score sheet."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def decimal_or_refuse(value, what: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise RuleError(f"{what}应为数字，现为“{value}”") from None
    if not number.is_finite():
        raise RuleError(f"{what}应为数字，现为“{value}”")
    return number


def clamp(value: Decimal, maximum: Decimal) -> Decimal:
    return points(min(max(value, ZERO), maximum))


def by_ratio(rate: Decimal | None, maximum: Decimal) -> Decimal:
    """A rate in % (None: nothing to divide, which scores nothing)."""
    if rate is None:
        return ZERO
    return clamp(Decimal(rate) * maximum / HUNDRED, maximum)


@dataclass(frozen=True)
class Band:
    """A threshold band: a value of at least `at_least` earns `share` % of the maximum."""

    at_least: Decimal
    share: Decimal


def check_bands(bands: Sequence[Band]) -> None:
    if not bands:
        raise RuleError("按档次计分至少需要一个档次")
    for band in bands:
        if not ZERO <= band.share <= HUNDRED:
            raise RuleError(f"档次“≥{band.at_least}”的得分比例应在 0 到 100 之间")
    ordered = sorted(bands, key=lambda b: b.at_least, reverse=True)
    for higher, lower in zip(ordered, ordered[1:], strict=False):
        if higher.at_least == lower.at_least:
            raise RuleError(f"档次“≥{higher.at_least}”重复")
        if lower.share > higher.share:
            raise RuleError(f"档次“≥{lower.at_least}”的得分比例不应高于“≥{higher.at_least}”")


def by_thresholds(value: Decimal | None, bands: Sequence[Band], maximum: Decimal) -> Decimal:
    if value is None:
        return ZERO
    for band in sorted(bands, key=lambda b: b.at_least, reverse=True):
        if Decimal(value) >= band.at_least:
            return clamp(maximum * band.share / HUNDRED, maximum)
    return ZERO


def per_occurrence(count: int, each: Decimal, maximum: Decimal) -> Decimal:
    return clamp(Decimal(count) * each, maximum)


@dataclass(frozen=True)
class Event:
    """Something recorded against an org that costs points, with where it was recorded.

    `key` identifies the record (e.g. "plans.task:41"), so the same event reported by two
    facts or twice by one is deducted once."""

    key: str
    label: str = ""
    url: str = ""


def distinct_events(events: Iterable[Event]) -> list[Event]:
    seen: dict[str, Event] = {}
    for event in events:
        seen.setdefault(event.key, event)
    return list(seen.values())


def after_deduction(events: Iterable[Event], each: Decimal, maximum: Decimal) -> Decimal:
    return clamp(maximum - each * len(distinct_events(events)), maximum)


def after_deduction_of_count(count: int, each: Decimal, maximum: Decimal) -> Decimal:
    """A deduction read from a fact, which counts distinct records already."""
    return clamp(maximum - each * max(count, 0), maximum)


def capped_bonus(items: Iterable[Decimal], cap: Decimal) -> Decimal:
    """The bonus a unit earns: the sum of its approved items, at most the scheme's cap."""
    return clamp(sum((Decimal(item) for item in items if item > 0), ZERO), cap)


def reviewed(score, maximum: Decimal) -> Decimal:
    """A reviewer's score, refused when it leaves 0…max (not silently clamped: it is typed)."""
    number = decimal_or_refuse(score, "评分")
    if number < 0 or number > maximum:
        raise RuleError(f"评分应在 0 到 {maximum.normalize():f} 分之间")
    return points(number)


@dataclass(frozen=True)
class Grade:
    """A grade band of the scheme: a total of at least `at_least` earns `label`."""

    label: str
    at_least: Decimal


def grade_for(total: Decimal, grades: Sequence[Grade], *, vetoed: bool = False) -> Grade:
    """The highest grade the total reaches; the lowest grade when vetoed or below every band."""
    if not grades:
        raise RuleError("考核方案没有设置等次")
    ordered = sorted(grades, key=lambda g: g.at_least, reverse=True)
    if vetoed:
        return ordered[-1]
    for grade in ordered:
        if total >= grade.at_least:
            return grade
    return ordered[-1]
