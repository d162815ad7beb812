"""The monthly dues ledger of a branch, recording payments, approvals, the yearly summary;
the two Excel exports are services in `exports.py`, shared with the API."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from mofan.core.access import scope_of
from mofan.core.excel import xlsx_response
from mofan.core.views_helpers import run_service
from mofan.members import dues, exports
from mofan.members.forms import ApprovalForm, LedgerForm, PayAllForm, PaymentForm
from mofan.members.selectors import member_get, member_list
from mofan.orgs.models import BRANCH_TYPES
from mofan.orgs.selectors import org_breadcrumb, org_get

ZERO = Decimal("0.00")
MIN_YEAR, MAX_YEAR = 1921, 2999  # a year the summary can be asked for


def _month(request):
    form = LedgerForm(request.GET or None)
    if form.is_valid():
        return dues.month_start(form.cleaned_data["month"])
    return dues.month_start(timezone.localdate())


def _branch(request):
    org = org_get(actor=request.user, org_id=request.GET.get("org") or request.POST.get("org"))
    if org.org_type not in BRANCH_TYPES:
        return org, False
    return org, True


@login_required
def ledger(request):
    if not request.GET.get("org"):
        first = (
            member_list(actor=request.user)
            .select_related(None)
            .values_list("org_id", flat=True)
            .first()
        )
        if first is None:
            return render(request, "members/dues_ledger.html", {"org": None})
        return redirect(f"{reverse('members:dues')}?org={first}")
    org, is_branch = _branch(request)
    if not is_branch:
        return redirect(f"{reverse('members:dues_summary')}?org={org.id}")
    month = _month(request)
    today = timezone.localdate()
    if request.GET.get("export"):
        export = exports.dues_ledger_export(actor=request.user, org=org, month=month, today=today)
        return xlsx_response(*export)
    rows = dues.dues_ledger(exports.dues_ledger_members(actor=request.user, org=org), month, today)
    scope = scope_of(request.user)
    return render(
        request,
        "members/dues_ledger.html",
        {
            "org": org,
            "month": month,
            "rows": rows,
            "can_write": scope.can_record(org.path),
            "can_export": scope.reads_roster(org.path),
            "pay_form": PaymentForm(initial={"paid_on": timezone.localdate()}),
            "all_form": PayAllForm(initial={"paid_on": timezone.localdate()}),
            "breadcrumb": org_breadcrumb(actor=request.user, org=org),
            "totals": {
                "due": sum((r.due for r in rows), ZERO),
                "paid": sum((r.payment.paid for r in rows if r.payment), ZERO),
            },
        },
    )


@login_required
@require_POST
def pay(request, member_id):
    member = member_get(actor=request.user, member_id=member_id)
    month_form = LedgerForm(request.POST)
    form = PaymentForm(request.POST)
    month = dues.month_start(month_form.cleaned_data["month"]) if month_form.is_valid() else None
    if month and form.is_valid():
        done = run_service(
            form,
            lambda: dues.dues_record_payment(
                actor=request.user, member=member, month=month, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, f"已登记 {member.name} {month:%Y年%m月}党费 {done.paid} 元")
    if month is None or form.errors:
        reasons = "；".join(
            e for errs in [*form.errors.values(), *month_form.errors.values()] for e in errs
        )
        messages.error(request, f"登记失败：{reasons}")
    shown = month or dues.month_start(timezone.localdate())
    return redirect(f"{reverse('members:dues')}?org={member.org_id}&month={shown:%Y-%m}")


@login_required
@require_POST
def pay_all(request):
    org, is_branch = _branch(request)
    month_form = LedgerForm(request.POST)
    form = PayAllForm(request.POST)
    if not is_branch or not month_form.is_valid() or not form.is_valid():
        messages.error(request, "请填写月份、缴纳日期和方式")
        return redirect(f"{reverse('members:dues')}?org={org.id}")
    if not scope_of(request.user).can_record(org.path):
        raise PermissionDenied("您没有维护该支部党费的权限")
    month = dues.month_start(month_form.cleaned_data["month"])
    count = dues.dues_record_all_at_standard(
        actor=request.user, members=dues.current_members_of(org), month=month, **form.cleaned_data
    )
    messages.success(request, f"已按标准登记 {count} 人 {month:%Y年%m月}的党费")
    return redirect(f"{reverse('members:dues')}?org={org.id}&month={month:%Y-%m}")


@login_required
def approve(request, member_id):
    member = member_get(actor=request.user, member_id=member_id)
    if not scope_of(request.user).can_record(member.org.path):
        raise PermissionDenied("您没有维护该党员信息的权限")
    form = ApprovalForm(request.POST or None, initial={"approved_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form, lambda: dues.dues_approve(actor=request.user, member=member, **form.cleaned_data)
        )
        if done is not None:
            messages.success(request, f"已登记 {member.name} 的党费减免")
            return redirect("members:detail", member.id)
    return render(
        request, "members/action.html", {"member": member, "form": form, "title": "党费减免"}
    )


@login_required
def summary(request):
    org = org_get(actor=request.user, org_id=request.GET["org"]) if request.GET.get("org") else None
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() else 0
    if not MIN_YEAR <= year <= MAX_YEAR:
        year = timezone.localdate().year
    if request.GET.get("export"):
        export = exports.dues_summary_export(actor=request.user, org=org, year=year)
        return xlsx_response(*export)
    rows = exports.dues_summary_rows(actor=request.user, org=org, year=year)
    scope = scope_of(request.user)
    return render(
        request,
        "members/dues_summary.html",
        {
            "org": org,
            "year": year,
            "rows": rows,
            "can_export": scope.reads_roster(org.path) if org else scope.reads_roster_anywhere,
            "total_due": sum((r.due for r in rows), ZERO),
            "total_paid": sum((r.paid for r in rows), ZERO),
        },
    )
