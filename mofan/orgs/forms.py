from django import forms

from mofan.core.excel import SPREADSHEET_HINT, is_spreadsheet
from mofan.core.forms import Form
from mofan.orgs.models import CommitteePost, OrgType

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrgForm(Form):
    name = forms.CharField(label="组织名称", max_length=100)
    short_name = forms.CharField(label="简称", max_length=50, required=False)
    code = forms.CharField(label="组织编码", max_length=32, help_text="全系统唯一，如 SZ-FGW-01")
    org_type = forms.ChoiceField(label="组织类型", choices=OrgType.choices)
    unit = forms.CharField(label="所在单位", max_length=100, required=False)
    established_on = forms.DateField(label="成立日期", required=False, widget=DATE)
    sort_order = forms.IntegerField(label="排序号", initial=0, required=False)
    term_start = forms.DateField(label="本届任期开始", required=False, widget=DATE)
    term_end = forms.DateField(label="本届任期届满", required=False, widget=DATE)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["sort_order"] = data.get("sort_order") or 0
        return data


class MoveForm(Form):
    new_parent = forms.ModelChoiceField(label="新的上级组织", queryset=None, empty_label="请选择")
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = parents
        self.fields["new_parent"].label_from_instance = lambda o: f"{'　' * (o.depth - 1)}{o.name}"


class DissolveForm(Form):
    reason = forms.CharField(label="撤销原因", max_length=200)
    dissolved_on = forms.DateField(label="撤销日期", required=False, widget=DATE)


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


class HealthRuleForm(Form):
    name = forms.CharField(label="规则名称", max_length=100)
    conditions = forms.JSONField(label="条件", help_text='如 [["members", "gt", 50]]')
    message = forms.CharField(
        label="提示语", max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    severity = forms.ChoiceField(label="级别", choices=[("warning", "提醒"), ("error", "问题")])
    enabled = forms.BooleanField(label="启用", required=False)
