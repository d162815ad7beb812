from django import forms

from mofan.core.errors import CONTROL_CHARACTERS
from mofan.core.registry import audit_labels

CONTROL_MESSAGE = "不能包含控制字符（通常是从其他系统复制时带入的不可见字符），请删除后重试"


class Form(forms.Form):
    """The base of every form: text with control characters (other than tab and line breaks)
    is refused on its field, because no one types them and an Excel export cannot hold them."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
                self.add_error(name, CONTROL_MESSAGE)
        return cleaned


class AuditSearchForm(Form):
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
