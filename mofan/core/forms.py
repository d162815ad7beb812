from django import forms

from mofan.core.selectors import ACTION_LABELS


class AuditSearchForm(forms.Form):
    username = forms.CharField(label="用户", required=False)
    action = forms.ChoiceField(
        label="操作", required=False, choices=[("", "全部")] + sorted(ACTION_LABELS.items())
    )
    target = forms.CharField(label="对象", required=False)
    since = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
