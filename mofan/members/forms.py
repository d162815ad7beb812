from decimal import Decimal

from django import forms

from mofan.core.excel import SPREADSHEET_HINT, is_spreadsheet
from mofan.core.forms import Form
from mofan.core.widgets import OrgTreeSelect, offer_orgs
from mofan.members import idcard
from mofan.members.models import (
    PHOTO_MAX_MB,
    Category,
    DuesCategory,
    Education,
    PaymentMethod,
    Sex,
    Status,
    UsernameSource,
)
from mofan.orgs.models import Org


class PathSelect(forms.Select):
    """A select whose options carry their org's tree path (data-path), so that the member
    form's script can show only the 党小组 under the chosen branch."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-path"] = instance.path
        return option


class MemberForm(Form):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(
        label="公民身份号码",
        max_length=18,
        min_length=18,
        required=False,
        help_text="填写后自动识别性别和出生日期",
        widget=forms.TextInput(attrs={"data-id-number": "", "autocomplete": "off"}),
    )
    sex = forms.ChoiceField(
        label="性别",
        choices=[("", "按公民身份号码识别"), *Sex.choices],
        required=False,
        widget=forms.Select(attrs={"data-id-sex": ""}),
    )
    ethnicity = forms.CharField(label="民族", max_length=20, initial="汉族")
    birth_date = forms.DateField(
        label="出生日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "data-id-birth": ""}, format="%Y-%m-%d"),
        help_text="不填时按公民身份号码识别",
    )
    native_place = forms.CharField(label="籍贯", max_length=50, required=False)
    education = forms.ChoiceField(
        label="学历", choices=[("", "—"), *Education.choices], required=False
    )
    category = forms.ChoiceField(label="人员类别", choices=Category.choices)
    org = forms.ModelChoiceField(
        label="所在支部",
        queryset=None,
        empty_label="请选择",
        widget=OrgTreeSelect(attrs={"data-branch-select": ""}),
    )
    party_group = forms.ModelChoiceField(
        label="党小组",
        queryset=None,
        required=False,
        empty_label="—",
        widget=PathSelect(attrs={"data-group-select": ""}),
        help_text="只列出所选支部下的党小组",
    )
    joined_on = forms.DateField(label="入党日期")
    full_member_on = forms.DateField(label="转正日期", required=False)
    work_unit = forms.CharField(label="工作单位", max_length=100, required=False)
    post = forms.CharField(label="职务", max_length=50, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    address = forms.CharField(label="通讯地址", max_length=200, required=False)
    is_hardship = forms.BooleanField(label="困难党员", required=False)
    dues_category = forms.ChoiceField(label="党费类别", choices=DuesCategory.choices)
    dues_base = forms.DecimalField(
        label="党费计算基数（元/月）", max_digits=10, decimal_places=2, min_value=0, initial=0
    )
    remarks = forms.CharField(
        label="备注", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    photo = forms.FileField(
        label="照片（JPG 或 PNG，可不填）",
        required=False,
        help_text=f"不超过 {PHOTO_MAX_MB} MB",
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,image/jpeg,image/png"}),
    )

    def __init__(self, *args, branches, groups, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        offer_orgs(self.fields["org"], branches)
        self.fields["party_group"].queryset = groups
        self.fields["party_group"].label_from_instance = lambda g: g.name
        self.fields["id_number"].required = creating
        if not creating:
            self.fields["id_number"].help_text = "不修改请留空；填写后自动识别性别和出生日期"

    def clean(self):
        data = super().clean()
        self._check_identity(data)
        org, group = data.get("org"), data.get("party_group")
        if org is not None and group is not None and not group.path.startswith(org.path):
            self.add_error("party_group", f"党小组“{group.name}”不属于{org.name}，请重新选择")
        return data

    def _check_identity(self, data) -> None:
        """Sex and birth date left blank come from the citizen number; given ones must agree."""
        raw = data.get("id_number")
        if not raw or "id_number" in self.errors:
            for name, label in (("sex", "性别"), ("birth_date", "出生日期")):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, f"请填写{label}，或填写公民身份号码由系统识别")
            return
        try:
            parsed = idcard.parse(raw)
        except ValueError as exc:
            self.add_error("id_number", str(exc))
            return
        data["id_number"] = parsed.number
        if not data.get("sex"):
            data["sex"] = parsed.sex
        elif data["sex"] != parsed.sex and "sex" not in self.errors:
            shown = Sex(parsed.sex).label
            self.add_error("sex", f"性别与公民身份号码不一致（号码第 17 位表示{shown}性）")
        if not data.get("birth_date"):
            data["birth_date"] = parsed.birth_date
        elif data["birth_date"] != parsed.birth_date and "birth_date" not in self.errors:
            given, derived = data["birth_date"], parsed.birth_date
            self.add_error(
                "birth_date",
                f"出生日期 {given:%Y-%m-%d} 与公民身份号码中的 {derived:%Y-%m-%d} 不一致",
            )

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        if not data.get("photo"):
            data.pop("photo", None)
        if not data.get("id_number"):
            data.pop("id_number", None)
        return data


class MemberFilterForm(Form):
    q = forms.CharField(label="姓名/电话", required=False)
    org = forms.IntegerField(required=False, widget=forms.HiddenInput)
    category = forms.ChoiceField(
        label="类别", required=False, choices=[("", "全部类别"), *Category.choices]
    )
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "在册党员"), ("history", "历史党员"), *Status.choices],
    )
    sex = forms.ChoiceField(label="性别", required=False, choices=[("", "性别"), *Sex.choices])
    education = forms.ChoiceField(
        label="学历", required=False, choices=[("", "全部学历"), *Education.choices]
    )
    age_min = forms.IntegerField(label="年龄从", required=False, min_value=0, max_value=120)
    age_max = forms.IntegerField(label="到", required=False, min_value=0, max_value=120)
    joined_year = forms.IntegerField(
        label="入党年份", required=False, min_value=1921, max_value=2100
    )
    arrears = forms.BooleanField(label="本年度欠缴党费", required=False)


class ImportForm(Form):
    file = forms.FileField(label="花名册（.xlsx、.xls 或 .ods）")
    org = forms.ModelChoiceField(
        label="没有“所在支部”的行导入到",
        queryset=Org.objects.none(),
        required=False,
        empty_label="（每行须写明所在支部）",
        widget=OrgTreeSelect,
        help_text="导入本支部自己的花名册时选择本支部",
    )

    def __init__(self, *args, branches=None, **kwargs):
        super().__init__(*args, **kwargs)
        if branches is not None:
            offer_orgs(self.fields["org"], branches.order_by("path"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not is_spreadsheet(upload.name):
            raise forms.ValidationError(SPREADSHEET_HINT)
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError("文件不能超过 20 MB")
        return upload


class MakeFullForm(Form):
    on = forms.DateField(label="转正日期（支部大会日期）")
    meeting = forms.CharField(
        label="讨论转正的支部党员大会", max_length=100, help_text="如：2026年7月10日支部党员大会"
    )


class ExtendProbationForm(Form):
    months = forms.TypedChoiceField(
        label="延长期限", coerce=int, choices=[(m, f"{m} 个月") for m in range(6, 13)]
    )
    on = forms.DateField(label="决定日期")
    reason = forms.CharField(label="原因", max_length=200)


class TransferForm(Form):
    to_org = forms.ModelChoiceField(
        label="转入支部", queryset=None, empty_label="请选择", widget=OrgTreeSelect
    )
    letter_number = forms.CharField(label="介绍信编号", max_length=50)
    on = forms.DateField(label="转出日期")

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        offer_orgs(self.fields["to_org"], branches)


class TransferOutForm(Form):
    destination = forms.CharField(label="转往的党组织（系统外）", max_length=100)
    letter_number = forms.CharField(label="介绍信编号", max_length=50)
    on = forms.DateField(label="转出日期")


class StatusForm(Form):
    status = forms.ChoiceField(
        label="新的状态",
        choices=[
            (s.value, s.label)
            for s in (
                Status.NORMAL,
                Status.MOBILE,
                Status.LOST,
                Status.SUSPENDED,
                Status.EXPELLED,
                Status.DECEASED,
            )
        ],
    )
    on = forms.DateField(label="日期")
    reason = forms.CharField(label="原因或依据", max_length=200, required=False)


class AnswerTransferForm(Form):
    on = forms.DateField(label="办理日期")
    reason = forms.CharField(label="退回原因", max_length=200, required=False)


class LedgerForm(Form):
    month = forms.DateField(
        label="月份",
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )


class PaymentForm(Form):
    paid = forms.DecimalField(
        label="实缴（元）", max_digits=10, decimal_places=2, min_value=Decimal("0.01")
    )
    paid_on = forms.DateField(label="缴纳日期")
    method = forms.ChoiceField(label="方式", choices=PaymentMethod.choices)


class PayAllForm(Form):
    paid_on = forms.DateField(label="缴纳日期")
    method = forms.ChoiceField(label="方式", choices=PaymentMethod.choices)


class ApprovalForm(Form):
    amount = forms.DecimalField(
        label="核定标准（元/月，免交填 0）", max_digits=10, decimal_places=2, min_value=0
    )
    valid_from = forms.DateField(
        label="起始月份",
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    reason = forms.CharField(label="原因", max_length=200)
    approved_by = forms.CharField(label="批准组织", max_length=100)
    approved_on = forms.DateField(label="批准日期")


class CandidateForm(Form):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="公民身份号码", max_length=18, min_length=18)
    sex = forms.ChoiceField(label="性别", choices=Sex.choices)
    birth_date = forms.DateField(label="出生日期")
    ethnicity = forms.CharField(label="民族", max_length=20, initial="汉族")
    education = forms.ChoiceField(
        label="学历", choices=[("", "—"), *Education.choices], required=False
    )
    work_unit = forms.CharField(label="工作单位", max_length=100, required=False)
    post = forms.CharField(label="职务", max_length=50, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    org = forms.ModelChoiceField(
        label="所在支部", queryset=None, empty_label="请选择", widget=OrgTreeSelect
    )
    applied_on = forms.DateField(label="递交入党申请书日期")

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        offer_orgs(self.fields["org"], branches)


class StepForm(Form):
    number = forms.IntegerField(widget=forms.HiddenInput)
    on = forms.DateField(label="日期")
    handled_by = forms.CharField(
        label="经办人/参与人",
        max_length=100,
        required=False,
        help_text="第 9 步填写两名入党介绍人，用顿号分隔",
    )
    document = forms.CharField(label="材料/文号", max_length=100, required=False)
    hours = forms.DecimalField(
        label="学时",
        max_digits=6,
        decimal_places=1,
        required=False,
        help_text="第 11 步集中培训填写",
    )
    note = forms.CharField(label="说明", max_length=200, required=False)


class StopForm(Form):
    on = forms.DateField(label="终止日期")
    reason = forms.CharField(label="终止原因", max_length=200)


class DevelopmentRuleForm(Form):
    value = forms.IntegerField(label="数值", min_value=0, max_value=1000)


class LoginRuleForm(Form):
    username_source = forms.ChoiceField(label="用户名规则", choices=UsernameSource.choices)
    code_prefix = forms.RegexField(
        label="编码前缀",
        regex=r"^[a-z]{1,8}$",
        max_length=8,
        help_text="按“生成编码”规则时使用，如 dy → dy000123；1–8 个小写英文字母",
        error_messages={"invalid": "编码前缀须为 1–8 个小写英文字母"},
    )


class CorrectionForm(Form):
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    address = forms.CharField(label="通讯地址", max_length=200, required=False)
    note = forms.CharField(label="说明（可不填）", max_length=200, required=False)


class RejectCorrectionForm(Form):
    reason = forms.CharField(label="未采纳原因", max_length=200)
