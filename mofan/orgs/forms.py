from django import forms

from mofan.core.excel import SPREADSHEET_HINT, is_spreadsheet
from mofan.core.forms import Form
from mofan.core.widgets import OrgTreeSelect, offer_orgs
from mofan.orgs.health import METRICS, OPERATORS
from mofan.orgs.models import CommitteePost, OrgType


class OrgForm(Form):
    name = forms.CharField(label="组织名称", max_length=100)
    short_name = forms.CharField(label="简称", max_length=50, required=False)
    code = forms.CharField(label="组织编码", max_length=32, help_text="全系统唯一，如 SZ-FGW-01")
    org_type = forms.ChoiceField(label="组织类型", choices=OrgType.choices)
    unit = forms.CharField(label="所在单位", max_length=100, required=False)
    established_on = forms.DateField(label="成立日期", required=False)
    sort_order = forms.IntegerField(label="排序号", initial=0, required=False)
    term_start = forms.DateField(label="本届任期开始", required=False)
    term_end = forms.DateField(label="本届任期届满", required=False)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["sort_order"] = data.get("sort_order") or 0
        return data


class MoveForm(Form):
    new_parent = forms.ModelChoiceField(
        label="新的上级组织", queryset=None, empty_label="请选择", widget=OrgTreeSelect
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        offer_orgs(self.fields["new_parent"], parents)


class DissolveForm(Form):
    reason = forms.CharField(label="撤销原因", max_length=200)
    dissolved_on = forms.DateField(label="撤销日期", required=False)


class CommitteeSeatForm(Form):
    # Checked by the service (the holder must be on the org's roll), so a POST needs no list.
    member = forms.IntegerField(label="党员记录", required=False, widget=forms.Select)
    name = forms.CharField(
        label="姓名", max_length=50, required=False, help_text="不在本组织党员名册中的人员填写姓名"
    )
    post = forms.ChoiceField(label="职务", choices=CommitteePost.choices)
    sort_order = forms.IntegerField(label="排序号", initial=0, required=False)

    def __init__(self, *args, holders=None, **kwargs):
        super().__init__(*args, **kwargs)
        if holders is not None:
            self.fields["member"].widget.choices = [
                ("", "（不在名册中，填写姓名）"),
                *((h.member_id, h.label) for h in holders),
            ]

    def seat_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "post": data["post"],
            "sort_order": data.get("sort_order") or 0,
            "member_id": data.get("member"),
        }


class OrgSearchForm(Form):
    q = forms.CharField(label="名称/编码/单位", required=False)
    org_type = forms.ChoiceField(
        label="类型", required=False, choices=[("", "全部类型"), *OrgType.choices]
    )
    include_dissolved = forms.BooleanField(label="含已撤销", required=False)


class ImportForm(Form):
    file = forms.FileField(label="Excel 文件（.xlsx、.xls 或 .ods）")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not is_spreadsheet(upload.name):
            raise forms.ValidationError(SPREADSHEET_HINT)
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError("文件不能超过 10 MB")
        return upload


# What a rule's message may quote, as the committee admin reads it on the form.
MESSAGE_PLACEHOLDERS = {
    "{name}": "组织名称",
    "{members}": "党员人数",
    "{full_members}": "正式党员人数",
    "{committee_size}": "班子成员人数",
    "{term_end}": "本届任期届满日期",
    "{days_to_term_end}": "距任期届满天数",
    "{days_overdue}": "任期已逾期天数",
}


class HealthRuleForm(Form):
    """The rule's name, message, level and switch; its conditions are a ConditionFormSet."""

    name = forms.CharField(label="规则名称", max_length=100)
    message = forms.CharField(
        label="提示语",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="可插入下方的占位符，显示时换成该组织的实际数值，如“{name} 有 {members} 名党员”。",
    )
    severity = forms.ChoiceField(label="级别", choices=[("warning", "提醒"), ("error", "问题")])
    enabled = forms.BooleanField(label="启用", required=False)


class ConditionForm(Form):
    """One condition of a rule: 指标, 比较, 数值. A row left empty is no condition."""

    metric = forms.ChoiceField(
        label="指标",
        required=False,
        choices=[("", "请选择指标")] + list(METRICS.items()),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "未知指标“%(value)s”，请从列表中选择"},
    )
    op = forms.ChoiceField(
        label="比较",
        required=False,
        choices=[(code, word) for code, (_test, word) in OPERATORS.items()],
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "未知比较方式“%(value)s”，请从列表中选择"},
    )
    value = forms.IntegerField(
        label="数值",
        required=False,
        widget=forms.NumberInput(
            attrs={"class": "form-control", "step": 1, "inputmode": "numeric"}
        ),
        error_messages={"invalid": "数值须为整数，如 50"},
    )

    def clean(self):
        cleaned = super().clean()
        metric, value = cleaned.get("metric"), cleaned.get("value")
        if self.errors:
            return cleaned
        if metric and value is None:
            self.add_error("value", "请填写该条件的数值")
        elif value is not None and not metric:
            self.add_error("metric", "请选择该条件的指标")
        return cleaned

    @property
    def is_blank(self) -> bool:
        return not self.cleaned_data.get("metric") and self.cleaned_data.get("value") is None


class BaseConditionFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.conditions():
            raise forms.ValidationError("规则至少需要一个条件：请选择指标并填写数值")

    def conditions(self) -> list[list]:
        """The filled rows as [metric, op, value], the shape HealthRule.conditions keeps."""
        return [
            [f.cleaned_data["metric"], f.cleaned_data["op"], f.cleaned_data["value"]]
            for f in self.forms
            if f not in self.deleted_forms and not f.is_blank
        ]


CONDITION_PREFIX = "conditions"
ConditionFormSet = forms.formset_factory(
    ConditionForm, formset=BaseConditionFormSet, extra=3, can_delete=True
)


def condition_formset(data=None, *, conditions=()) -> BaseConditionFormSet:
    """The rule's conditions, one row each, and three empty rows to add more."""
    initial = [{"metric": m, "op": op, "value": value} for m, op, value in conditions]
    return ConditionFormSet(data, initial=initial, prefix=CONDITION_PREFIX)
