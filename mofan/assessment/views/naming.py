"""The naming pages: the proposal of a final annual round, and the honours list with the
模范机关 candidates and the revoke suggestions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mofan.assessment import exports, naming
from mofan.assessment.forms import NamingForm, RevokeForm
from mofan.assessment.models import HonourKind, RoundKind
from mofan.assessment.selectors import (
    honour_get,
    honour_list,
    latest_triennial_run,
    round_get,
)
from mofan.core.access import scope_of
from mofan.core.errors import ApplicationError
from mofan.core.excel import xlsx_response
from mofan.core.views_helpers import run_service


def _share(request) -> int:
    raw = request.POST.get("share") or request.GET.get("share") or ""
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= 100 else naming.DEFAULT_SHARE


@login_required
def round_naming(request, round_id):
    round_ = round_get(actor=request.user, round_id=round_id)
    if not scope_of(request.user).can_admin(round_.scheme.org.path):
        raise PermissionDenied("只有组织考核的单位的管理员可以命名表彰")
    if not round_.is_final or round_.kind != RoundKind.ANNUAL:
        messages.error(request, "只能根据已定档的年度考评命名先进")
        return redirect("assessment:round", round_.id)
    share = _share(request)
    form = NamingForm(request.POST or None, initial={"share": share})
    chosen = [int(v) for v in request.POST.getlist("org") if v.isdigit()]
    if request.method == "POST" and form.is_valid():
        named = run_service(
            form,
            lambda: naming.advanced_name(
                actor=request.user,
                round_=round_,
                org_ids=chosen,
                decision=form.cleaned_data["decision"],
                share=form.cleaned_data["share"],
            ),
        )
        if named is not None:
            messages.success(request, f"已命名 {len(named)} 个先进")
            return redirect("assessment:honours")
    proposal = naming.proposal(round_, share)
    proposed = {r.org_id for results in proposal.values() for r in results}
    return render(
        request,
        "assessment/naming.html",
        {
            "round": round_,
            "form": form,
            "proposal": proposal,
            "checked": set(chosen) if request.method == "POST" else proposed,
            "share": share,
            "named": round_.honours.select_related("org").order_by("org__path"),
        },
    )


@login_required
def honours(request):
    found = honour_list(actor=request.user).order_by("-year", "-kind", "org__path")
    year = request.GET.get("year", "")
    if year.isdigit():
        found = found.filter(year=int(year))
    if request.GET.get("export"):
        export = exports.honours_export(actor=request.user, honours=found)
        return xlsx_response(export.workbook, export.filename)
    scope = scope_of(request.user)
    triennial = latest_triennial_run(actor=request.user)
    candidates = naming.model_organ_candidates(triennial) if triennial else []
    shown = list(found)
    return render(
        request,
        "assessment/honours.html",
        {
            "honours": shown,
            "year": year,
            "suggestions": naming.revoke_suggestions(shown),
            "candidates": candidates,
            "triennial": triennial,
            "can_revoke": {h.pk for h in shown if scope.can_admin_strictly_below(h.org.path)},
            "model_organ": HonourKind.MODEL_ORGAN,
        },
    )


@login_required
@require_POST
def model_organs(request):
    round_ = round_get(actor=request.user, round_id=request.POST.get("round") or 0)
    if not scope_of(request.user).can_admin(round_.scheme.org.path):
        raise PermissionDenied("只有组织考核的单位的管理员可以命名模范机关")
    ids = [int(v) for v in request.POST.getlist("org") if v.isdigit()]
    try:
        named = naming.model_organ_name(
            actor=request.user,
            round_=round_,
            org_ids=ids,
            decision=request.POST.get("decision", ""),
        )
        messages.success(request, f"已命名 {len(named)} 个模范机关")
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("assessment:honours")


@login_required
@require_POST
def revoke(request, honour_id):
    honour = honour_get(actor=request.user, honour_id=honour_id)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写摘牌原因")
        return redirect("assessment:honours")
    try:
        naming.honour_revoke(actor=request.user, honour=honour, reason=form.cleaned_data["reason"])
        messages.success(request, f"已摘牌：{honour}")
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("assessment:honours")
