"""Documents of assessment: scheme import/export in Excel and the Word notice of a round."""

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from mofan.accounts.selectors import administered_orgs
from mofan.assessment import excel, notice, services
from mofan.assessment.models import SchemeStatus, Target
from mofan.assessment.selectors import round_get, scheme_list, scheme_with_indicators
from mofan.core.access import scope_of
from mofan.core.errors import ApplicationError
from mofan.core.excel import SPREADSHEET_HINT, is_spreadsheet, xlsx_response
from mofan.core.forms import Form

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class SchemeImportForm(Form):
    file = forms.FileField(
        label="考核方案表格（.xlsx、.xls 或 .ods）",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods"}),
    )
    into = forms.ModelChoiceField(
        label="导入到",
        queryset=None,
        required=False,
        empty_label="新建方案草稿",
        help_text="选择已有草稿时，表中的一级指标和具体指标加在其后，表中有等次的替换原等次",
    )
    org = forms.ModelChoiceField(label="制定组织", queryset=None, required=False)
    name = forms.CharField(
        label="方案名称", max_length=100, required=False, help_text="不填则取表格的标题行"
    )
    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        required=False,
        help_text="不填则取标题行中的年度",
    )
    target = forms.ChoiceField(
        label="考核对象",
        choices=[("", "按表格（未写明的为单位）"), *Target.choices],
        required=False,
    )

    def __init__(self, *args, orgs, drafts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        self.fields["into"].queryset = drafts

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not is_spreadsheet(upload.name):
            raise forms.ValidationError(SPREADSHEET_HINT)
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("文件不能超过 10 MB")
        return upload

    def clean(self):
        data = super().clean()
        if not data.get("into") and not data.get("org"):
            self.add_error("org", "新建方案须选择制定组织")
        return data


def _drafts_to_fill(actor, orgs):
    return scheme_list(actor=actor).filter(status=SchemeStatus.DRAFT, org__in=orgs)


@login_required
def scheme_import(request):
    orgs = administered_orgs(actor=request.user).order_by("path")
    if not orgs.exists():
        raise PermissionDenied(services.NO_PERMISSION)
    drafts = _drafts_to_fill(request.user, orgs).order_by("-year", "name")
    form = SchemeImportForm(
        request.POST or None,
        request.FILES or None,
        orgs=orgs,
        drafts=drafts,
        initial={"org": orgs.first(), "into": request.GET.get("into")},
    )
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = excel.scheme_import(
                actor=request.user,
                upload=data["file"],
                org=data["org"],
                into=data["into"],
                name=data["name"],
                year=data["year"],
                target=data["target"],
            )
        except ApplicationError as error:
            form.add_error("file", error.message)
        if result is not None and result.ok:
            messages.success(
                request,
                f"已导入一级指标 {len(result.areas)} 个、具体指标 {result.item_count} 个，"
                "请检查后发布",
            )
            return redirect("assessment:scheme", result.scheme.id)
    return render(request, "assessment/documents_import.html", {"form": form, "result": result})


@login_required
def scheme_import_template(request):
    if not administered_orgs(actor=request.user).exists():
        raise PermissionDenied(services.NO_PERMISSION)
    return xlsx_response(excel.import_template(), "考核方案导入模板.xlsx")


@login_required
def scheme_export(request, scheme_id):
    scheme = scheme_with_indicators(actor=request.user, scheme_id=scheme_id)
    export = excel.scheme_export(actor=request.user, scheme=scheme)
    return xlsx_response(export.workbook, export.filename)


@login_required
def round_notice(request, round_id):
    round_ = round_get(actor=request.user, round_id=round_id)
    if not scope_of(request.user).can_admin(round_.scheme.org.path):
        raise PermissionDenied(notice.NO_PERMISSION)
    try:
        content, filename = notice.round_notice(actor=request.user, round_=round_)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("assessment:round", round_.id)
    response = HttpResponse(content, content_type=notice.DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


urlpatterns: list = [
    path("import/", scheme_import, name="scheme_import"),
    path("import/template/", scheme_import_template, name="scheme_import_template"),
    path("<int:scheme_id>/export/", scheme_export, name="scheme_export"),
    path("rounds/<int:round_id>/notice/", round_notice, name="round_notice"),
]
