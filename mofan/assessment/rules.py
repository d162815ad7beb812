"""An indicator's rule as written in its scheme (rule, fact code, params), checked and applied.

The scheme editor stores what a committee writes: which rule, which fact it reads and the
rule's numbers (`{"bands": [[95, 100], [80, 80]]}`, `{"each": "0.5"}`). `item_rule` checks
them, so that a published scheme can always be computed, and gives an `ItemRule` that turns the
fact's value for a unit into points.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from mofan.assessment import scoring
from mofan.assessment.scoring import (
    BONUS,
    DEDUCTION,
    FROM_RECORDS,
    PER_OCCURRENCE,
    RATIO,
    REVIEWED,
    RULE_LABELS,
    THRESHOLDS,
    VETO,
    Band,
    RuleError,
    decimal_or_refuse,
)
from mofan.core.facts import fact

NEEDS_FACT = FROM_RECORDS
MAY_READ_FACT = (DEDUCTION, VETO)  # from a fact, or from findings recorded in the round
NEEDS_EACH = (PER_OCCURRENCE, DEDUCTION, BONUS)


@dataclass(frozen=True)
class ItemRule:
    rule: str
    maximum: Decimal
    fact_code: str = ""
    bands: tuple[Band, ...] = ()
    each: Decimal = Decimal(0)
    veto_above: Decimal = Decimal(0)
    missing_report: bool = False  # a deduction for a quarterly report not submitted in time

    @property
    def label(self) -> str:
        return RULE_LABELS[self.rule]

    @property
    def reads_records(self) -> bool:
        return bool(self.fact_code)

    def points_from(self, value) -> Decimal:
        """The points a fact value earns (rules that read records)."""
        return _FROM_VALUE[self.rule](self, value)

    def vetoes(self, value) -> bool:
        return self.rule == VETO and value is not None and Decimal(value) > self.veto_above

    def describe(self) -> str:
        """The rule in words, as the scheme's Excel and pages print it."""
        return _DESCRIBE[self.rule](self)


def _count(value) -> int:
    return int(value or 0)


_FROM_VALUE: dict[str, Callable[[ItemRule, object], Decimal]] = {
    RATIO: lambda r, v: scoring.by_ratio(v, r.maximum),
    THRESHOLDS: lambda r, v: scoring.by_thresholds(v, r.bands, r.maximum),
    PER_OCCURRENCE: lambda r, v: scoring.per_occurrence(_count(v), r.each, r.maximum),
    DEDUCTION: lambda r, v: scoring.after_deduction_of_count(_count(v), r.each, r.maximum),
    VETO: lambda r, v: scoring.ZERO,
}


def number_words(value: Decimal) -> str:
    """2.50 → "2.5", 120.00 → "120": a number as a scheme's text writes it."""
    return f"{value.normalize():f}"


def _describe_bands(rule: ItemRule) -> str:
    return "；".join(f"≥{number_words(b.at_least)} 得 {number_words(b.share)}%" for b in rule.bands)


_DESCRIBE: dict[str, Callable[[ItemRule], str]] = {
    RATIO: lambda r: f"{_fact_label(r.fact_code)} × 分值",
    THRESHOLDS: lambda r: f"{_fact_label(r.fact_code)}：{_describe_bands(r)}",
    PER_OCCURRENCE: lambda r: (
        f"{_fact_label(r.fact_code)}每次加 {number_words(r.each)} 分，加满为止"
    ),
    DEDUCTION: lambda r: (
        f"自评截止日前未提交季度报告扣 {number_words(r.each)} 分"
        if r.missing_report
        else f"{_fact_label(r.fact_code) if r.fact_code else '每发现一次'}每次扣 {number_words(r.each)} 分，扣完为止"
    ),
    BONUS: lambda r: (
        f"每项经认定加 {number_words(r.each)} 分，本项最多 {number_words(r.maximum)} 分"
    ),
    VETO: lambda r: (
        f"{_fact_label(r.fact_code)}超过 {number_words(r.veto_above)} 即一票否决"
        if r.fact_code
        else "经核实发生即一票否决"
    ),
    REVIEWED: lambda r: f"单位自评、评审组按评分标准打分，0 至 {number_words(r.maximum)} 分",
}


def _fact_label(code: str) -> str:
    return fact(code).label if code else ""


def _check_fact(rule: str, code: str) -> None:
    if not code:
        raise RuleError(f"“{RULE_LABELS[rule]}”须选择数据来源")
    try:
        found = fact(code)
    except LookupError as missing:
        raise RuleError(str(missing)) from None
    if rule == RATIO and not found.is_rate:
        raise RuleError(f"按比例计分须选择比率类指标，“{found.label}”的单位是{found.unit}")


def _bands(raw) -> tuple[Band, ...]:
    if not isinstance(raw, list | tuple):
        raise RuleError("档次应为“最低值、得分比例”的列表")
    bands = []
    for row in raw:
        if not isinstance(row, list | tuple) or len(row) != 2:
            raise RuleError("每个档次须填写最低值和得分比例")
        bands.append(
            Band(decimal_or_refuse(row[0], "档次最低值"), decimal_or_refuse(row[1], "得分比例"))
        )
    scoring.check_bands(bands)
    return tuple(bands)


def item_rule(
    *, rule: str, max_points, fact_code: str = "", params: dict | None = None
) -> ItemRule:
    """The rule of an item, checked; a RuleError names what is wrong in Chinese."""
    params = params or {}
    if rule not in RULE_LABELS:
        raise RuleError("请选择计分方式")
    maximum = decimal_or_refuse(max_points, "分值")
    if maximum < 0 or (maximum == 0 and rule != VETO):
        raise RuleError("分值应大于 0")
    if rule in NEEDS_FACT or (rule in MAY_READ_FACT and fact_code):
        _check_fact(rule, fact_code)
    elif fact_code:
        raise RuleError(f"“{RULE_LABELS[rule]}”不从统计指标取数，请不要选择数据来源")
    each = Decimal(0)
    if rule in NEEDS_EACH:
        each = decimal_or_refuse(params.get("each", ""), "每次分值")
        if each <= 0:
            raise RuleError("每次分值应大于 0")
    bands = _bands(params.get("bands")) if rule == THRESHOLDS else ()
    veto_above = decimal_or_refuse(params.get("above", 0), "否决条件") if rule == VETO else 0
    missing_report = bool(params.get("missing_report"))
    if missing_report and (rule != DEDUCTION or fact_code):
        raise RuleError("“未按期提交季度报告”只能用于不从统计指标取数的扣分指标")
    return ItemRule(rule, maximum, fact_code, bands, each, Decimal(veto_above), missing_report)
