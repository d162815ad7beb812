from django import forms

from mofan.appraisal.models import Grade
from mofan.core.forms import Form
from mofan.core.widgets import OrgPicker, OrgTreeSelect, offer_orgs


class RoundForm(Form):
    org = forms.ModelChoiceField(label="组织单位", queryset=None, widget=OrgTreeSelect)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="名称", max_length=100)
    meeting_on = forms.DateField(label="述职评议会日期")

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        offer_orgs(self.fields["org"], orgs)


class RoundEditForm(Form):
    title = forms.CharField(label="名称", max_length=100)
    meeting_on = forms.DateField(label="述职评议会日期")
    value_good = forms.IntegerField(label="“好”计分", min_value=0, max_value=100)
    value_fair = forms.IntegerField(label="“较好”计分", min_value=0, max_value=100)
    value_average = forms.IntegerField(label="“一般”计分", min_value=0, max_value=100)
    value_poor = forms.IntegerField(label="“差”计分", min_value=0, max_value=100)


class ReportersForm(Form):
    orgs = forms.ModelMultipleChoiceField(
        label="述职的党组织（书记述职）", queryset=None, widget=OrgPicker
    )

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        offer_orgs(self.fields["orgs"], orgs)


class PanelForm(Form):
    weight = forms.DecimalField(
        label="权重（%）", min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    raters = forms.IntegerField(label="评议人数", min_value=0, max_value=100000)


class CodesForm(Form):
    count = forms.IntegerField(label="发放数量", min_value=1, max_value=500)


class ReportForm(Form):
    report = forms.FileField(label="述职报告", help_text="Word、PDF 或图片，不超过 20 MB")


class ReviewForm(Form):
    presented = forms.BooleanField(label="已在会上述职", required=False)
    comment = forms.CharField(
        label="点评", widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )


class RectificationForm(Form):
    problem = forms.CharField(label="存在问题", max_length=500)
    measure = forms.CharField(label="整改措施", max_length=500)
    deadline = forms.DateField(label="整改时限")


class CodeForm(Form):
    code = forms.CharField(
        label="评议码",
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


GRADE_CHOICES = [(g.value, g.label) for g in Grade]
