from django import forms

from mofan.core.registry import audit_labels


class AuditSearchForm(forms.Form):
    username = forms.CharField(label="用户", required=False)
    action = forms.ChoiceField(
        label="操作",
        required=False,
        choices=lambda: [("", "全部")] + sorted(audit_labels().items()),
    )
    target = forms.CharField(label="对象", required=False)
    since = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
