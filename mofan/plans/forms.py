from django import forms

from mofan.core.forms import Form
from mofan.core.widgets import OrgPicker, OrgTreeSelect, offer_orgs
from mofan.plans.models import Instruction, Plan, TaskStatus


class OrgChoiceForm(Form):
    def limit_orgs(self, field: str, orgs):
        offer_orgs(self.fields[field], orgs)


class PlanForm(OrgChoiceForm):
    org = forms.ModelChoiceField(
        label="制定组织", queryset=None, empty_label="请选择", widget=OrgTreeSelect
    )
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label="类型", choices=Plan.Kind.choices)
    master = forms.ModelChoiceField(
        label="所属实施方案（分方案填写）", queryset=None, required=False, empty_label="—"
    )
    title = forms.CharField(label="标题", max_length=200)
    summary = forms.CharField(
        label="说明", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, orgs, masters, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_orgs("org", orgs)
        self.fields["master"].queryset = masters


class ItemForm(Form):
    number = forms.CharField(label="序号", max_length=20, required=False)
    title = forms.CharField(label="事项", max_length=200)
    content = forms.CharField(
        label="内容", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class TaskForm(OrgChoiceForm):
    item = forms.ModelChoiceField(label="方案事项", queryset=None, required=False, empty_label="—")
    owner_org = forms.ModelChoiceField(
        label="责任单位", queryset=None, empty_label="请选择", widget=OrgTreeSelect
    )
    title = forms.CharField(label="任务", max_length=200)
    content = forms.CharField(
        label="内容", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    target = forms.CharField(label="目标要求（可衡量）", max_length=300, required=False)
    owner_people = forms.CharField(label="责任人", max_length=100, required=False)
    leader = forms.CharField(label="分管领导", max_length=50, required=False)
    start_on = forms.DateField(label="开始日期")
    deadline = forms.DateField(label="完成时限")
    milestones = forms.CharField(
        label="节点安排", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    needs_evidence = forms.BooleanField(label="完成须上传佐证材料", required=False)
    weight = forms.DecimalField(
        label="权重", max_digits=6, decimal_places=2, min_value=0.01, initial=1
    )

    def __init__(self, *args, orgs, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_orgs("owner_org", orgs)
        if items is None:
            del self.fields["item"]
        else:
            self.fields["item"].queryset = items


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


class ReportForm(Form):
    text = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 3}))
    percent = forms.IntegerField(label="进度（%），100 即报请验收", min_value=0, max_value=100)
    files = MultipleFileField(label="佐证材料（可多选）", required=False)


class ReasonForm(Form):
    reason = forms.CharField(label="原因", max_length=300)


class AcceptForm(Form):
    """The assigner's 验收意见, kept in the task's timeline and sent to its owner."""

    reason = forms.CharField(
        label="验收意见",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "不填即为“验收通过”"}),
    )


class TaskFilterForm(Form):
    q = forms.CharField(label="任务/责任人", required=False)
    owner = forms.IntegerField(required=False, widget=forms.HiddenInput)
    plan = forms.IntegerField(required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[
            ("", "全部状态"),
            ("open", "未完成"),
            ("overdue", "逾期"),
            ("returned", "被退回"),
            *TaskStatus.choices,
        ],
    )
    due_after = forms.DateField(label="时限从", required=False)
    due_before = forms.DateField(label="到", required=False)


class WeeklyForm(Form):
    held_on = forms.DateField(label="日期")
    attendees = forms.CharField(label="参会人员", max_length=300)
    decisions = forms.CharField(
        label="议定事项", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class InstructionForm(OrgChoiceForm):
    org = forms.ModelChoiceField(
        label="督办组织", queryset=None, empty_label="请选择", widget=OrgTreeSelect
    )
    source = forms.ChoiceField(label="来源", choices=Instruction.Source.choices)
    level = forms.ChoiceField(label="等级", choices=Instruction.Level.choices)
    title = forms.CharField(label="事项", max_length=200)
    content = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 3}))
    received_on = forms.DateField(label="收到日期")
    units = forms.ModelMultipleChoiceField(
        label="承办单位（可多选）", queryset=None, widget=OrgPicker
    )
    deadline = forms.DateField(label="反馈时限")

    def __init__(self, *args, orgs, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_orgs("org", orgs)
        self.limit_orgs("units", units)


class FeedbackForm(Form):
    text = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    on = forms.DateField(label="日期")


class AnswerForm(FeedbackForm):
    """A 承办单位's answer, with its files (反馈材料)."""

    files = MultipleFileField(label="反馈材料（可多选）", required=False)
