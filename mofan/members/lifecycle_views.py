"""Pages for 转正, extension, transfers and status changes of a member."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from mofan.core.access import scope_of
from mofan.core.excel import xlsx_response
from mofan.core.views_helpers import form_errors, paginate_page, run_service
from mofan.members import exports, lifecycle
from mofan.members.forms import (
    AnswerTransferForm,
    ExtendProbationForm,
    MakeFullForm,
    StatusForm,
    TransferForm,
    TransferOutForm,
)
from mofan.members.models import Transfer
from mofan.members.selectors import member_get, transfer_get, transfer_list
from mofan.orgs.selectors import active_branches, org_breadcrumb

ACTIONS = {
    "make-full": ("转正", MakeFullForm),
    "extend": ("延长预备期", ExtendProbationForm),
    "transfer": ("转到系统内其他支部", TransferForm),
    "transfer-out": ("转出本系统", TransferOutForm),
    "status": ("变更党籍状态", StatusForm),
}


def _run(action: str, actor, member, data: dict):
    if action == "make-full":
        return lifecycle.member_make_full(actor=actor, member=member, **data)
    if action == "extend":
        return lifecycle.member_extend_probation(actor=actor, member=member, **data)
    if action == "transfer":
        return lifecycle.transfer_send(actor=actor, member=member, **data)
    if action == "transfer-out":
        return lifecycle.member_transfer_out_of_system(actor=actor, member=member, **data)
    return lifecycle.member_set_status(actor=actor, member=member, **data)


def _form(action: str, data=None):
    title, form_class = ACTIONS[action]
    today = {"on": timezone.localdate()}
    if form_class is TransferForm:
        return title, form_class(data, initial=today, branches=active_branches())
    return title, form_class(data, initial=today)


@login_required
def member_action(request, member_id, action):
    if action not in ACTIONS:
        raise Http404("未知操作")
    member = member_get(actor=request.user, member_id=member_id)
    if not scope_of(request.user).can_record(member.org.path):
        raise PermissionDenied("您没有维护该党员信息的权限")
    title, form = _form(action, request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(form, lambda: _run(action, request.user, member, form.cleaned_data))
        if done is not None:
            messages.success(request, f"已办理：{title}")
            return redirect("members:detail", member.id)
    return render(
        request,
        "members/action.html",
        {
            "member": member,
            "form": form,
            "title": title,
            "breadcrumb": org_breadcrumb(actor=request.user, org=member.org),
        },
    )


def _transfer_in_reach(request, transfer_id) -> Transfer:
    return transfer_get(actor=request.user, transfer_id=transfer_id)


@login_required
def transfers(request):
    scope = scope_of(request.user)
    records = transfer_list(actor=request.user)
    status = request.GET.get("status", Transfer.Status.PENDING)
    if status in Transfer.Status.values:
        records = records.filter(status=status)
    if request.GET.get("export"):
        label = Transfer.Status(status).label if status in Transfer.Status.values else "全部"
        export = exports.transfer_export(
            actor=request.user, transfers=records.order_by("-sent_on", "-id"), status_label=label
        )
        return xlsx_response(*export)
    page = paginate_page(request, records.order_by("-sent_on", "-id"))
    answerable = {t.id for t in page if scope.can_record(t.to_org.path)}
    return render(
        request,
        "members/transfers.html",
        {
            "page": page,
            "answerable": answerable,
            "status": status,
            "statuses": Transfer.Status.choices,
            "query": f"status={status}",
            "form": AnswerTransferForm(initial={"on": timezone.localdate()}),
        },
    )


@login_required
def transfer_answer(request, transfer_id, answer):
    if answer not in ("accept", "reject"):
        raise Http404("未知操作")
    transfer = _transfer_in_reach(request, transfer_id)
    if request.method != "POST":
        return redirect("members:transfers")
    form = AnswerTransferForm(request.POST)
    if form.is_valid():
        on = form.cleaned_data["on"]
        if answer == "accept":
            done = run_service(
                form,
                lambda: lifecycle.transfer_accept(actor=request.user, transfer=transfer, on=on),
            )
        else:
            done = run_service(
                form,
                lambda: lifecycle.transfer_reject(
                    actor=request.user, transfer=transfer, on=on, reason=form.cleaned_data["reason"]
                ),
            )
        if done is not None:
            messages.success(
                request,
                f"已{'接收' if answer == 'accept' else '退回'} {transfer.member.name} 的组织关系",
            )
            return redirect("members:transfers")
    messages.error(request, form_errors(form))
    return redirect("members:transfers")
