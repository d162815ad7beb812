from django import forms
from django.contrib.auth.forms import AuthenticationForm

from mofan.accounts.validators import LengthAndVarietyValidator
from mofan.core.access import Role
from mofan.core.forms import Form, prepare_fields
from mofan.core.widgets import OrgTreeSelect, offer_orgs

PASSWORD_HELP = LengthAndVarietyValidator().get_help_text() + "不能包含用户名。"


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。连续 5 次输错，账号将被锁定 15 分钟。",
        "inactive": "该账号已停用，请联系管理员。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        prepare_fields(self)  # Django's own form: give it the Chinese messages of core Form


class PasswordChangeForm(Form):
    old_password = forms.CharField(label="原密码", widget=forms.PasswordInput)
    new_password1 = forms.CharField(
        label="新密码", widget=forms.PasswordInput, help_text=PASSWORD_HELP
    )
    new_password2 = forms.CharField(label="再次输入新密码", widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data


class UserCreateForm(Form):
    username = forms.CharField(label="用户名", max_length=150)
    name = forms.CharField(label="姓名", max_length=50)
    password = forms.CharField(
        label="初始密码",
        widget=forms.PasswordInput(render_value=True),
        help_text=PASSWORD_HELP + "用户首次登录须修改。",
    )
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    org = forms.ModelChoiceField(
        label="授权组织", queryset=None, empty_label="请选择", widget=OrgTreeSelect
    )

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        offer_orgs(self.fields["org"], orgs)


class GrantForm(Form):
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    org = forms.ModelChoiceField(
        label="组织", queryset=None, empty_label="请选择", widget=OrgTreeSelect
    )

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        offer_orgs(self.fields["org"], orgs)


class ResetPasswordForm(Form):
    password = forms.CharField(
        label="新的临时密码", widget=forms.PasswordInput(render_value=True), help_text=PASSWORD_HELP
    )


class TokenForm(Form):
    name = forms.CharField(label="用途", max_length=100, initial="数据对接")


class UserSearchForm(Form):
    q = forms.CharField(label="用户名/姓名", required=False)
    role = forms.ChoiceField(
        label="角色", required=False, choices=[("", "全部角色"), *Role.choices]
    )
    inactive = forms.BooleanField(label="含已停用", required=False)
