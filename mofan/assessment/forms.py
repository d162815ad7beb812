from django import forms

from mofan.assessment.models import RoundKind, Target
from mofan.assessment.scoring import (
    BONUS,
    DEDUCTION,
    PER_OCCURRENCE,
    RULE_LABELS,
    THRESHOLDS,
    VETO,
)
from mofan.core.facts import facts
from mofan.core.forms import Form
from mofan.core.widgets import OrgPicker, OrgTreeSelect, offer_orgs

BAND_ROWS = 4
GRADE_ROWS = 5


def fact_choices():
    return [("", "—（不从记录取数）")] + [(f.code, f"{f.label}（{f.unit}）") for f in facts()]


class SchemeForm(Form):
    org = forms.ModelChoiceField(
        label="制定组织", queryset=None, empty_label="请选择", widget=OrgTreeSelect
    )
    name = forms.CharField(label="方案名称", max_length=100)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    target = forms.ChoiceField(label="考核对象", choices=Target.choices)
    bonus_cap = forms.DecimalField(
        label="加分上限",
        min_value=0,
        max_digits=6,
        decimal_places=2,
        initial=0,
        help_text="加分项合计最多加多少分；0 表示不设加分项",
    )
    categories = forms.ModelMultipleChoiceField(
        label="适用类别",
        queryset=None,
        required=False,
        help_text="不选表示适用于全部单位",
    )
    description = forms.CharField(
        label="说明", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, orgs, categories, **kwargs):
        super().__init__(*args, **kwargs)
        offer_orgs(self.fields["org"], orgs)
        self.fields["categories"].queryset = categories


class AreaForm(Form):
    name = forms.CharField(label="一级指标（领域）", max_length=200)
    max_points = forms.DecimalField(
        label="分值",
        min_value=0,
        max_digits=6,
        decimal_places=2,
        required=False,
        help_text="可不填；填写后发布时核对其下指标分值合计",
    )


class ItemForm(Form):
    """An item: its rule and the numbers the rule needs, as plain fields instead of JSON."""

    parent = forms.ModelChoiceField(label="所属领域", queryset=None, empty_label="请选择")
    name = forms.CharField(label="指标名称", max_length=200)
    max_points = forms.DecimalField(label="分值", min_value=0, max_digits=6, decimal_places=2)
    rule = forms.ChoiceField(label="计分方式", choices=[("", "请选择")] + list(RULE_LABELS.items()))
    fact_code = forms.ChoiceField(label="数据来源", choices=fact_choices, required=False)
    each = forms.DecimalField(
        label="每次分值",
        min_value=0,
        max_digits=6,
        decimal_places=2,
        required=False,
        help_text="按次计分、扣分、加分时填写",
    )
    above = forms.DecimalField(
        label="否决条件：超过",
        max_digits=8,
        decimal_places=2,
        required=False,
        initial=0,
        help_text="一票否决时填写：数据超过此值即否决（如 0 表示发生一次即否决）",
    )
    missing_report = forms.BooleanField(
        label="扣分依据：未按期提交季度报告",
        required=False,
        help_text="扣分时可选：单位在自评截止日前未提交季度自评即扣“每次分值”（日常监督）",
    )
    guidance = forms.CharField(
        label="评分标准", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    evidence = forms.CharField(
        label="佐证材料", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = areas
        for row in range(1, BAND_ROWS + 1):
            self.fields[f"band{row}_at"] = forms.DecimalField(
                label=f"第 {row} 档：不低于", max_digits=8, decimal_places=2, required=False
            )
            self.fields[f"band{row}_share"] = forms.DecimalField(
                label=f"第 {row} 档：得分比例（%）",
                min_value=0,
                max_value=100,
                max_digits=5,
                decimal_places=2,
                required=False,
            )

    def service_arguments(self) -> dict:
        """What the indicator services take, built from the plain fields."""
        data = self.cleaned_data
        rule = data["rule"]
        params = {}
        if rule in (PER_OCCURRENCE, DEDUCTION, BONUS):
            params["each"] = "" if data["each"] is None else str(data["each"])
        if rule == THRESHOLDS:
            params["bands"] = [
                [str(data[f"band{row}_at"]), str(data[f"band{row}_share"])]
                for row in range(1, BAND_ROWS + 1)
                if data[f"band{row}_at"] is not None and data[f"band{row}_share"] is not None
            ]
        if rule == VETO:
            params["above"] = str(data["above"] or 0)
        if data.get("missing_report"):
            params["missing_report"] = True
        return {
            "parent": data["parent"],
            "name": data["name"],
            "max_points": data["max_points"],
            "rule": rule,
            "fact_code": data["fact_code"],
            "params": params,
            "guidance": data["guidance"],
            "evidence": data["evidence"],
        }

    @staticmethod
    def initial_of(indicator) -> dict:
        initial = {
            "parent": indicator.parent_id,
            "name": indicator.name,
            "max_points": indicator.max_points,
            "rule": indicator.rule,
            "fact_code": indicator.fact_code,
            "each": indicator.params.get("each"),
            "above": indicator.params.get("above", 0),
            "missing_report": bool(indicator.params.get("missing_report")),
            "guidance": indicator.guidance,
            "evidence": indicator.evidence,
        }
        for row, (at_least, share) in enumerate(indicator.params.get("bands", []), start=1):
            initial[f"band{row}_at"], initial[f"band{row}_share"] = at_least, share
        return initial


class GradesForm(Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for row in range(1, GRADE_ROWS + 1):
            self.fields[f"label{row}"] = forms.CharField(
                label=f"第 {row} 等次", max_length=20, required=False
            )
            self.fields[f"at_least{row}"] = forms.DecimalField(
                label="最低分", min_value=0, max_digits=6, decimal_places=2, required=False
            )

    def grades(self) -> list[tuple[str, object]]:
        data = self.cleaned_data
        return [
            (data[f"label{row}"], data[f"at_least{row}"])
            for row in range(1, GRADE_ROWS + 1)
            if data[f"label{row}"]
        ]

    def clean(self):
        cleaned = super().clean()
        for row in range(1, GRADE_ROWS + 1):
            if cleaned.get(f"label{row}") and cleaned.get(f"at_least{row}") is None:
                self.add_error(f"at_least{row}", "请填写该等次的最低分")
        return cleaned

    @staticmethod
    def initial_of(grades) -> dict:
        initial = {}
        for row, grade in enumerate(grades, start=1):
            initial[f"label{row}"], initial[f"at_least{row}"] = grade.label, grade.at_least
        return initial


DEFAULT_GRADES = {
    "label1": "好",
    "at_least1": 90,
    "label2": "较好",
    "at_least2": 80,
    "label3": "一般",
    "at_least3": 60,
    "label4": "差",
    "at_least4": 0,
}


class CategoryForm(Form):
    name = forms.CharField(label="类别名称", max_length=40)


class PlacementForm(Form):
    category = forms.ModelChoiceField(label="考核类别", queryset=None, empty_label="请选择")
    units = forms.ModelMultipleChoiceField(
        label="单位（可多选，可搜索）", queryset=None, widget=OrgPicker
    )

    def __init__(self, *args, categories, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        offer_orgs(self.fields["units"], units)


class RoundForm(Form):
    name = forms.CharField(label="考核名称", max_length=100)
    kind = forms.ChoiceField(label="考核类型", choices=RoundKind.choices)
    starts_on = forms.DateField(label="考核期开始")
    ends_on = forms.DateField(label="考核期结束")
    self_deadline = forms.DateField(label="自评截止", required=False)
    annual_weight = forms.DecimalField(
        label="三年年度考评合计权重（%）",
        initial=70,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text="仅三年总评：三个年度平均分配",
    )
    supervision_weight = forms.DecimalField(
        label="日常监督权重（%）",
        initial=30,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text="仅三年总评：三年内各季度日常监督结果的平均；两项合计 100%",
    )


class SelfAssessForm(Form):
    points = forms.DecimalField(label="自评分", required=False, max_digits=6, decimal_places=2)
    note = forms.CharField(
        label="自评说明", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ReviewForm(Form):
    points = forms.CharField(label="评审得分（加分项填认定项数）", max_length=10)
    reason = forms.CharField(label="评审意见", max_length=500, required=False)


class AdjustForm(Form):
    points = forms.DecimalField(label="调整后得分", max_digits=6, decimal_places=2)
    reason = forms.CharField(label="调整理由", max_length=500)


class FindingForm(Form):
    description = forms.CharField(label="情况", max_length=300)
    source = forms.CharField(label="依据（文件、记录编号）", max_length=200, required=False)


class ObjectionForm(Form):
    reason = forms.CharField(
        label="异议理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class AnswerForm(Form):
    answer = forms.CharField(
        label="答复", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class NamingForm(Form):
    decision = forms.CharField(
        label="命名决定（文号）", max_length=200, help_text="如：市直机关工委〔2026〕12 号"
    )
    share = forms.IntegerField(
        label="名额比例（%）", min_value=1, max_value=100, initial=20, widget=forms.HiddenInput
    )


class RevokeForm(Form):
    reason = forms.CharField(label="摘牌原因", max_length=300)
