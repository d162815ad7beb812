from django import forms

from mofan.brands.models import CRITERIA
from mofan.core.forms import Form


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


def _criterion_field(name: str) -> str:
    return f"criterion_{CRITERIA.index(name)}"


def criterion_texts(cleaned: dict) -> dict[str, str]:
    return {name: cleaned.get(_criterion_field(name), "") for name in CRITERIA}


def criterion_initial(texts: dict[str, str]) -> dict[str, str]:
    return {_criterion_field(name): texts.get(name, "") for name in CRITERIA}


class CallForm(Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(
        label="名称", max_length=100, required=False, help_text="不填则为“某年度“四强”党支部创建”"
    )
    deadline = forms.DateField(label="申报截止日期", required=False)
    min_compliance = forms.DecimalField(
        label="组织生活按期完成率不低于（%）",
        min_value=0,
        max_value=100,
        decimal_places=1,
        initial=90,
    )
    require_checklist = forms.BooleanField(
        label="须党支部标准化规范化建设达标",
        required=False,
        initial=True,
        help_text="当年的标准化规范化建设检查已定档时勾选",
    )
    negative_list = forms.CharField(
        label="负面清单",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="每行一条；申报时支部须逐条确认不存在所列情形",
    )
    wide_fields = ("negative_list",)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in CRITERIA:
            key = _criterion_field(name)
            self.fields[key] = forms.CharField(
                label=f"{name}的标准",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.wide_fields = ("negative_list", *(_criterion_field(n) for n in CRITERIA))
        if editing:
            del self.fields["year"]


class ApplicationForm(Form):
    files = MultipleFileField(label="佐证材料（可多选）", required=False)

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        texts = {c["name"]: c.get("text", "") for c in call.criteria}
        for name in CRITERIA:
            self.fields[_criterion_field(name)] = forms.CharField(
                label=f"{name}：自评",
                required=False,
                max_length=3000,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=texts.get(name, ""),
            )
        self.negative_items = call.negative_items
        if self.negative_items:
            self.fields["negative"] = forms.MultipleChoiceField(
                label="负面清单：逐条确认本支部不存在所列情形",
                choices=[(str(i), f"不存在：{line}") for i, line in enumerate(self.negative_items)],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        self.order_fields([*(_criterion_field(n) for n in CRITERIA), "negative", "files"])
        self.wide_fields = (*(_criterion_field(n) for n in CRITERIA), "files")


def negative_initial(call, confirmed: bool) -> list[str]:
    return [str(i) for i in range(len(call.negative_items))] if confirmed else []


def negative_confirmed(form) -> bool:
    """Every line of the negative list ticked (a call without one asks nothing)."""
    ticked = set(form.cleaned_data.get("negative") or [])
    return bool(form.negative_items) and ticked == {str(i) for i in range(len(form.negative_items))}


class BrandForm(Form):
    org = forms.ModelChoiceField(label="申报组织", queryset=None, empty_label="请选择")
    name = forms.CharField(label="品牌名称", max_length=60)
    slogan = forms.CharField(label="品牌口号", max_length=100, required=False)
    description = forms.CharField(label="品牌内涵", widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label="主要举措", widget=forms.Textarea(attrs={"rows": 4}))
    results = forms.CharField(label="工作成效", widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label="佐证材料（可多选）", required=False)
    wide_fields = ("description", "measures", "results", "files")

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if orgs is None:
            del self.fields["org"]
        else:
            self.fields["org"].queryset = orgs


class BatchForm(Form):
    decided_on = forms.DateField(label="认定日期")
    note = forms.CharField(label="认定决定（文号）", max_length=500)


class FilterForm(Form):
    status = forms.ChoiceField(label="状态", required=False)
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "全部"), *statuses]
