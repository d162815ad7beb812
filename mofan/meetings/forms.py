from decimal import Decimal

from django import forms

from mofan.core.forms import Form
from mofan.core.widgets import OrgTreeSelect, offer_orgs
from mofan.meetings.models import MAX_HOURS, Grade, Kind, MeetingStatus

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class MeetingForm(Form):
    kind = forms.ChoiceField(label="类型", choices=Kind.choices)
    topic = forms.CharField(label="主题", max_length=200)
    planned_on = forms.DateField(label="计划日期")
    held = forms.BooleanField(label="已召开（现在记录出席情况）", required=False)
    held_on = forms.DateField(label="召开日期", required=False)
    held_time = forms.TimeField(label="开始时间", widget=TIME, required=False)
    duration_hours = forms.DecimalField(
        label="时长（小时）",
        required=False,
        min_value=Decimal("0.1"),
        max_value=MAX_HOURS,
        max_digits=3,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5"}),
        help_text="不填时按该类会议的通常时长统计",
    )
    place = forms.CharField(label="地点", max_length=100, required=False)
    first_topic = forms.BooleanField(
        label="第一议题学习习近平总书记最新重要讲话和指示批示精神", required=False
    )
    first_topic_title = forms.CharField(label="第一议题内容", max_length=200, required=False)
    host = forms.CharField(label="主持人", max_length=50, required=False)
    recorder = forms.CharField(label="记录人", max_length=50, required=False)
    lecturer = forms.CharField(label="授课人（党课）", max_length=50, required=False)
    votes = forms.BooleanField(label="有表决事项", required=False)
    votes_for = forms.IntegerField(label="赞成票", min_value=0, required=False)
    minutes = forms.CharField(
        label="会议记录", widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    decisions = forms.CharField(
        label="决定事项", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    observer_notes = forms.CharField(
        label="巡听旁听意见（中心组学习）", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    observer_rating = forms.ChoiceField(
        label="巡听旁听评价",
        required=False,
        choices=[("", "—"), ("good", "好"), ("fair", "较好"), ("ordinary", "一般"), ("poor", "差")],
    )

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [(k, label) for k, label in Kind.choices if k in kinds]

    def clean(self):
        data = super().clean()
        if data.get("held") and not data.get("held_on"):
            self.add_error("held_on", "已召开的会议请填写召开日期")
        return data

    def service_fields(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "held"}
        for key in (
            "first_topic_title",
            "place",
            "host",
            "recorder",
            "lecturer",
            "minutes",
            "decisions",
            "observer_notes",
            "observer_rating",
        ):
            data[key] = data.get(key) or ""
        return data


class MeetingFilterForm(Form):
    org = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label="类型", required=False, choices=[("", "全部类型"), *Kind.choices]
    )
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *MeetingStatus.choices]
    )
    since = forms.DateField(label="从", required=False)
    until = forms.DateField(label="到", required=False)


class CancelForm(Form):
    reason = forms.CharField(label="取消原因", max_length=200)


class AttachmentForm(Form):
    file = forms.FileField(label="附件（照片、PDF、Word、Excel，20 MB 以内）")


class PeriodForm(Form):
    org = forms.IntegerField(required=False, widget=forms.HiddenInput)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    # The matrix page shows these selects without a <label>: aria-label names them.
    quarter = forms.TypedChoiceField(
        label="季度",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "全年"), (1, "一季度"), (2, "二季度"), (3, "三季度"), (4, "四季度")],
        widget=forms.Select(attrs={"aria-label": "季度"}),
    )
    month = forms.TypedChoiceField(
        label="月份",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—")] + [(m, f"{m}月") for m in range(1, 13)],
        widget=forms.Select(attrs={"aria-label": "月份"}),
    )
    kind = forms.ChoiceField(
        label="类型",
        required=False,
        choices=[("", "全部类型"), *Kind.choices],
        widget=forms.Select(attrs={"aria-label": "类型"}),
    )


class AppraisalForm(Form):
    org = forms.ModelChoiceField(
        label="党支部", queryset=None, empty_label="请选择", widget=OrgTreeSelect
    )
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    held_on = forms.DateField(label="评议日期")

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        offer_orgs(self.fields["org"], branches)


GRADE_CHOICES = [("", "—"), *Grade.choices]


class ElectionForm(Form):
    held_on = forms.DateField(label="选举日期")
    method = forms.ChoiceField(
        label="选举方式", choices=[("competitive", "差额选举"), ("equal", "等额选举")]
    )
    voters = forms.IntegerField(label="应到有选举权党员", min_value=1)
    ballots = forms.IntegerField(label="收回选票", min_value=0)
    elected = forms.CharField(
        label="当选委员",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="每行一人：姓名 职务 得票，如“张伟 书记 23”。职务：书记、副书记、组织委员、宣传委员、纪检委员、委员",
    )


class AnswerForm(Form):
    on = forms.DateField(label="批复日期")
    note = forms.CharField(label="意见", max_length=200, required=False)
