"""Pages for members as users: accounts in bulk, the one-time sheet of first passwords, the
naming rule, and the corrections members propose."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mofan.core.access import scope_of
from mofan.core.errors import ApplicationError
from mofan.core.excel import xlsx_response
from mofan.core.views_helpers import form_errors, paginate_page, run_service
from mofan.members import corrections, logins
from mofan.members.forms import CorrectionForm, LoginRuleForm, RejectCorrectionForm
from mofan.members.models import Correction
from mofan.members.selectors import (
    correction_get,
    correction_list,
    login_sheet_get,
    login_sheet_list,
    member_get,
    members_without_login,
)
from mofan.orgs.selectors import org_get


def _require_enroller(user) -> None:
    if not scope_of(user).records_anywhere:
        raise PermissionDenied("您没有为党员开通账号的权限")


def _selection(request, data):
    """The branch (`org`) or the members (`member` ids) chosen, as the actor may record them."""
    org = org_get(actor=request.user, org_id=data["org"]) if data.get("org") else None
    if org is not None and not scope_of(request.user).can_record(org.path):
        raise PermissionDenied("您不能为该组织的党员开通账号")
    ids = [int(i) for i in data.getlist("member") if i.isdigit()] if "member" in data else None
    members = list(members_without_login(actor=request.user, org=org, member_ids=ids))
    if ids is not None and not members:
        raise Http404("未找到所选党员")
    return org, ids, members


@login_required
def logins_new(request):
    """Confirm, then create: who gets which username, who is skipped and why."""
    _require_enroller(request.user)
    data = request.POST if request.method == "POST" else request.GET
    org, ids, members = _selection(request, data)
    if request.method == "POST":
        try:
            sheet = logins.member_logins_create(actor=request.user, members=members, org=org)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("members:login_sheet", sheet.id)
    rule = logins.login_rule_get()
    return render(
        request,
        "members/logins_new.html",
        {
            "org": org,
            "ids": ids or [],
            "planned": logins.logins_plan(members, rule),
            "rule": rule,
        },
    )


@login_required
def login_sheets(request):
    _require_enroller(request.user)
    page = paginate_page(request, login_sheet_list(actor=request.user))
    return render(
        request,
        "members/login_sheets.html",
        {"page": page, "rule": logins.login_rule_get()},
    )


@login_required
def login_sheet(request, sheet_id):
    sheet = login_sheet_get(actor=request.user, sheet_id=sheet_id)
    return render(request, "members/login_sheet.html", {"sheet": sheet})


@login_required
@require_POST
def login_sheet_download(request, sheet_id):
    sheet = login_sheet_get(actor=request.user, sheet_id=sheet_id)
    try:
        export = logins.login_sheet_download(actor=request.user, sheet=sheet)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("members:login_sheet", sheet.id)
    return xlsx_response(export.workbook, export.filename)


@login_required
def login_rule(request):
    if not scope_of(request.user).is_committee_admin:
        raise PermissionDenied("只有工委管理员可以设置党员账号规则")
    rule = logins.login_rule_get()
    initial = {"username_source": rule.username_source, "code_prefix": rule.code_prefix}
    form = LoginRuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form, lambda: logins.login_rule_update(actor=request.user, **form.cleaned_data)
        )
        if saved is not None:
            messages.success(request, "党员账号规则已保存")
            return redirect("members:login_rule")
    return render(request, "members/login_rule.html", {"form": form})


@login_required
def correction_new(request, member_id):
    member = member_get(actor=request.user, member_id=member_id)
    if member.user_id != request.user.pk:
        raise PermissionDenied("只能申请更正本人的信息")
    initial = {"phone": member.phone, "address": member.address}
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        proposed = run_service(
            form,
            lambda: corrections.correction_propose(
                actor=request.user, member=member, **form.cleaned_data
            ),
        )
        if proposed is not None:
            messages.success(request, "更正申请已提交，支部处理后会通知您")
            return redirect("mine")
    pending = member.corrections.filter(status=Correction.Status.PENDING).first()
    return render(
        request,
        "members/correction_form.html",
        {"form": form, "member": member, "pending": pending},
    )


@login_required
def correction_index(request):
    _require_enroller(request.user)
    status = request.GET.get("status", Correction.Status.PENDING)
    if status not in Correction.Status.values:
        status = Correction.Status.PENDING
    records = correction_list(actor=request.user).filter(status=status)
    return render(
        request,
        "members/corrections.html",
        {
            "page": paginate_page(request, records),
            "status": status,
            "statuses": Correction.Status.choices,
            "reject_form": RejectCorrectionForm(),
            "query": f"status={status}",
        },
    )


@login_required
@require_POST
def correction_answer(request, correction_id, answer):
    correction = correction_get(actor=request.user, correction_id=correction_id)
    if answer not in ("accept", "reject"):
        raise Http404("未知操作")
    if not scope_of(request.user).can_record(correction.member.org.path):
        raise PermissionDenied("您没有处理该申请的权限")
    form = RejectCorrectionForm(request.POST)
    try:
        if answer == "accept":
            corrections.correction_accept(actor=request.user, correction=correction)
            messages.success(request, f"已采纳 {correction.member.name} 的更正申请")
        elif form.is_valid():
            corrections.correction_reject(
                actor=request.user, correction=correction, reason=form.cleaned_data["reason"]
            )
            messages.success(request, f"已退回 {correction.member.name} 的更正申请")
        else:
            messages.error(request, form_errors(form))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("members:corrections")
