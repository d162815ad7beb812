"""The scoring rule read from the words of a 计分方式 cell."""

import re
from decimal import Decimal

from mofan.assessment.rules import number_words
from mofan.assessment.scoring import (
    BONUS,
    DEDUCTION,
    PER_OCCURRENCE,
    RATIO,
    REVIEWED,
    RULE_LABELS,
    THRESHOLDS,
    VETO,
    RuleError,
)

NUM = r"(\d+(?:\.\d+)?)"
BAND = re.compile(
    rf"(?:≥|>=|不低于|达到)\s*{NUM}\s*%?\s*[，,：:]?\s*(?:的?得分?|计)?\s*(?:(满分)|{NUM}\s*(%|分))"
)
RULE_BY_LABEL = {label: rule for rule, label in RULE_LABELS.items()}
RULE_HINT = (
    "请写成如“按比例”“达标档次 ≥95% 满分 ≥80% 得80%”“每次加 1 分”“每次扣 2 分”"
    "“一票否决”“评审打分”“加分项每项 1 分”"
)


def _each(words: str, pattern: str, example: str) -> dict:
    match = re.search(pattern, words)
    if not match:
        raise RuleError(f"须写明每次（每项）的分值，如“{example}”")
    return {"each": number_words(Decimal(match.group(1)))}


def _bands(words: str, maximum: Decimal | None) -> dict:
    bands = []
    for at_least, full, number, unit in BAND.findall(words):
        if full:
            share = Decimal(100)
        elif unit == "%":
            share = Decimal(number)
        elif maximum:
            share = Decimal(number) * 100 / maximum
        else:
            raise RuleError("按分数写的档次须先填写分值")
        bands.append([number_words(Decimal(at_least)), number_words(share)])
    if not bands:
        raise RuleError("按档次计分须写明各档，如“≥95% 满分 ≥80% 得80%”")
    return {"bands": bands}


def rule_from_text(text: str, *, label: str = "", maximum: Decimal | None = None):
    """(rule, params) from the 计分方式 words; the fact's label, when the words start with it,
    is not read as part of the rule. A RuleError says what could not be read."""
    words = re.sub(r"\s+", " ", text.replace("％", "%").replace("＞", ">")).strip()
    if label and words.startswith(label):
        words = words[len(label) :]
    if words in RULE_BY_LABEL and RULE_BY_LABEL[words] in (RATIO, VETO, REVIEWED):
        rule = RULE_BY_LABEL[words]
        return rule, ({"above": "0"} if rule == VETO else {})
    if "否决" in words:
        above = re.search(rf"(?:超过|大于|>)\s*{NUM}", words)
        return VETO, {"above": number_words(Decimal(above.group(1))) if above else "0"}
    if "加分项" in words or "每项" in words or "认定" in words or words == "加分":
        return BONUS, _each(words, rf"(?:每项|认定)\D{{0,6}}?{NUM}\s*分", "加分项每项 1 分")
    if "扣" in words:
        params = _each(words, rf"扣\s*{NUM}\s*分", "每次扣 2 分")
        if "未提交" in words and "报告" in words:  # 自评截止日前未提交季度报告扣 N 分
            params["missing_report"] = True
        return DEDUCTION, params
    if ("每" in words and "加" in words) or "按次" in words:
        return PER_OCCURRENCE, _each(words, rf"加\s*{NUM}\s*分", "每次加 1 分，最多 5 分")
    if "≥" in words or ">=" in words or "档" in words:
        return THRESHOLDS, _bands(words, maximum)
    if "比例" in words or "比率" in words or "×" in words:
        return RATIO, {}
    if "评审" in words or "打分" in words or "自评" in words:
        return REVIEWED, {}
    raise RuleError(f"无法识别计分方式“{text}”：{RULE_HINT}")
