"""The committee's pages of a round: the list, create and edit, the round page (reporters,
panels, codes, stages), a reporter's page, the printable slips and the results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from mofan.appraisal import ballots, exports, services
from mofan.appraisal.forms import (
    CodesForm,
    PanelForm,
    RectificationForm,
    ReportersForm,
    ReportForm,
    ReviewForm,
    RoundEditForm,
    RoundForm,
)
from mofan.appraisal.models import RoundStatus
from mofan.appraisal.selectors import (
    oversees,
    panels_with_codes,
    rectification_get,
    reporter_get,
    reporter_list,
    round_figures,
    round_get,
    round_list,
    sees_results,
)
from mofan.core.access import ADMIN_ROLES
from mofan.core.errors import ApplicationError
from mofan.core.excel import xlsx_response
from mofan.core.views_helpers import form_errors, paginate_page, run_service
from mofan.orgs.selectors import org_subtree, orgs_under_roles

ROUND_FIELDS = services.ROUND_FIELDS


def _reporting_orgs(round_):
    return (
        org_subtree(round_.org)
        .filter(org_type__in=services.REPORTING_TYPES)
        .exclude(pk=round_.org_id)
        .order_by("path")
    )


@login_required
def round_index(request):
    found = round_list(actor=request.user).order_by("-year", "-meeting_on", "-id")
    can_create = orgs_under_roles(actor=request.user, roles=ADMIN_ROLES).exists()
    return render(
        request,
        "appraisal/rounds.html",
        {"page": paginate_page(request, found), "can_create": can_create},
    )


@login_required
def round_new(request):
    orgs = orgs_under_roles(actor=request.user, roles=ADMIN_ROLES)
    if not orgs.exists():
        raise PermissionDenied("只有组织的管理员可以开展述职评议")
    year = timezone.localdate().year
    form = RoundForm(
        request.POST or None,
        orgs=orgs,
        initial={"year": year, "title": f"{year} 年度基层党组织书记述职评议考核"},
    )
    if request.method == "POST" and form.is_valid():
        created = run_service(
            form, lambda: services.round_create(actor=request.user, **form.cleaned_data)
        )
        if created is not None:
            messages.success(request, f"已建立“{created.title}”，请确定述职人名单")
            return redirect("appraisal:round", created.id)
    return render(request, "appraisal/round_form.html", {"form": form})


@login_required
def round_edit(request, round_id):
    round_ = round_get(actor=request.user, round_id=round_id)
    services.require_runs(request.user, round_)
    form = RoundEditForm(
        request.POST or None, initial={f: getattr(round_, f) for f in ROUND_FIELDS}
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            lambda: services.round_update(actor=request.user, round_=round_, **form.cleaned_data),
        )
    ):
        messages.success(request, "已保存")
        return redirect("appraisal:round", round_.id)
    return render(request, "appraisal/round_form.html", {"form": form, "round": round_})


@login_required
def round_detail(request, round_id, reporters_form=None):
    round_ = round_get(actor=request.user, round_id=round_id)
    runs = services.runs(request.user, round_)
    panels = panels_with_codes(round_) if oversees(request.user, round_) else []
    return render(
        request,
        "appraisal/round.html",
        {
            "round": round_,
            "runs": runs,
            "reporters": reporter_list(actor=request.user, round_=round_),
            "panels": panels,
            "weights_total": services.weights_total(round_),
            "figures": round_figures(round_),
            "step_label": services.STEP_LABELS.get(round_.status, ""),
            "listing": round_.status in services.LISTING_STAGES,
            "reporters_form": reporters_form
            or (ReportersForm(orgs=_reporting_orgs(round_)) if runs else None),
            "codes_form": CodesForm(),
            "sees_results": sees_results(request.user, round_),
        },
    )


@login_required
@require_POST
def reporters_add(request, round_id):
    round_ = round_get(actor=request.user, round_id=round_id)
    services.require_runs(request.user, round_)
    form = ReportersForm(request.POST, orgs=_reporting_orgs(round_))
    if not form.is_valid():
        return round_detail(request, round_id, reporters_form=form)
    done = run_service(
        form,
        lambda: services.reporters_add(
            actor=request.user, round_=round_, orgs=form.cleaned_data["orgs"]
        ),
    )
    if done is None:
        return round_detail(request, round_id, reporters_form=form)
    added, skipped = done
    if added:
        messages.success(request, f"已增加述职人 {len(added)} 位")
    for org, reason in skipped:
        messages.error(request, f"{org.name}：{reason}")
    return redirect("appraisal:round", round_.id)


@login_required
@require_POST
def reporter_remove(request, reporter_id):
    reporter = reporter_get(actor=request.user, reporter_id=reporter_id)
    round_id = reporter.round_id
    _flash(
        request, lambda: services.reporter_remove(actor=request.user, reporter=reporter), "已移除"
    )
    return redirect("appraisal:round", round_id)


def _flash(request, call, success: str) -> bool:
    """Run a service from a button; its refusal becomes a flash message."""
    try:
        call()
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


@login_required
@require_POST
def round_step(request, round_id):
    round_ = round_get(actor=request.user, round_id=round_id)
    label = services.STEP_LABELS.get(round_.status, "")
    _flash(request, lambda: services.round_step(actor=request.user, round_=round_), f"已{label}")
    return redirect("appraisal:round", round_.id)


@login_required
@require_POST
def panel_update(request, round_id, panel_id):
    round_ = round_get(actor=request.user, round_id=round_id)
    panel = _panel(round_, panel_id)
    form = PanelForm(request.POST)
    if form.is_valid() and run_service(
        form, lambda: services.panel_update(actor=request.user, panel=panel, **form.cleaned_data)
    ):
        messages.success(request, f"已保存{panel}的权重和人数")
    else:
        messages.error(request, form_errors(form))
    return redirect("appraisal:round", round_.id)


def _panel(round_, panel_id):
    panel = next((p for p in round_.panels.all() if p.pk == panel_id), None)
    if panel is None:
        raise Http404("未找到该评议人类别")
    return panel


@login_required
@require_POST
def codes_issue(request, round_id, panel_id):
    """Issue codes and show their slips at once: the page is the only place they appear."""
    round_ = round_get(actor=request.user, round_id=round_id)
    panel = _panel(round_, panel_id)
    form = CodesForm(request.POST)
    codes = form.is_valid() and run_service(
        form,
        lambda: ballots.codes_issue(
            actor=request.user, panel=panel, count=form.cleaned_data["count"]
        ),
    )
    if not codes:
        messages.error(request, form_errors(form))
        return redirect("appraisal:round", round_.id)
    vote_url = request.build_absolute_uri(reverse("appraisal:vote"))
    return render(
        request,
        "appraisal/slips.html",
        {
            "round": round_,
            "panel": panel,
            "codes": [(code, ballots.shown(code)) for code in codes],
            "vote_url": vote_url,
        },
    )


@login_required
@require_POST
def codes_export(request, round_id):
    round_ = round_get(actor=request.user, round_id=round_id)
    try:
        export = exports.codes_export(
            actor=request.user, round_=round_, codes=request.POST.getlist("code")
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("appraisal:round", round_.id)
    return xlsx_response(export.workbook, export.filename)


@login_required
def reporter_detail(request, reporter_id, forms=None):
    reporter = reporter_get(actor=request.user, reporter_id=reporter_id)
    round_ = reporter.round
    runs = services.runs(request.user, round_)
    forms = forms or {}
    return render(
        request,
        "appraisal/reporter.html",
        {
            "reporter": reporter,
            "round": round_,
            "runs": runs,
            "may_upload": services.may_upload(request.user, reporter)
            and round_.status in services.REPORT_STAGES,
            "may_record": services.may_record_rectification(request.user, reporter),
            "result": getattr(reporter, "result", None)
            if sees_results(request.user, round_)
            else None,
            "items": reporter.rectifications.all(),
            "report_form": forms.get("report") or ReportForm(),
            "review_form": forms.get("review")
            or ReviewForm(initial={"presented": reporter.presented, "comment": reporter.comment}),
            "item_form": forms.get("item") or RectificationForm(),
        },
    )


@login_required
@require_POST
def report_upload(request, reporter_id):
    reporter = reporter_get(actor=request.user, reporter_id=reporter_id)
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid() and run_service(
        form,
        lambda: services.report_upload(
            actor=request.user, reporter=reporter, upload=form.cleaned_data["report"]
        ),
    ):
        messages.success(request, "已上传述职报告")
        return redirect("appraisal:reporter", reporter.id)
    return reporter_detail(request, reporter_id, forms={"report": form})


@login_required
def report_file(request, reporter_id):
    reporter = reporter_get(actor=request.user, reporter_id=reporter_id)
    if not reporter.report:
        raise Http404("尚未上传述职报告")
    inline = reporter.report_type.startswith("image/") or reporter.report_type == "application/pdf"
    return FileResponse(
        reporter.report.open("rb"),
        as_attachment=not inline,
        filename=reporter.report_name,
        content_type=reporter.report_type,
    )


@login_required
@require_POST
def reporter_review(request, reporter_id):
    reporter = reporter_get(actor=request.user, reporter_id=reporter_id)
    form = ReviewForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.reporter_review(
            actor=request.user, reporter=reporter, **form.cleaned_data
        ),
    ):
        messages.success(request, "已保存点评")
        return redirect("appraisal:reporter", reporter.id)
    return reporter_detail(request, reporter_id, forms={"review": form})


@login_required
@require_POST
def rectification_add(request, reporter_id):
    reporter = reporter_get(actor=request.user, reporter_id=reporter_id)
    form = RectificationForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.rectification_add(
            actor=request.user, reporter=reporter, **form.cleaned_data
        ),
    ):
        messages.success(request, "已增加整改事项")
        return redirect("appraisal:reporter", reporter.id)
    return reporter_detail(request, reporter_id, forms={"item": form})


@login_required
@require_POST
def rectification_done(request, item_id):
    item = rectification_get(actor=request.user, item_id=item_id)
    done = request.POST.get("done") == "1"
    _flash(
        request,
        lambda: services.rectification_done(actor=request.user, item=item, done=done),
        "已更新整改情况",
    )
    return redirect("appraisal:reporter", item.reporter_id)


@login_required
def results(request, round_id):
    round_ = round_get(actor=request.user, round_id=round_id)
    if not sees_results(request.user, round_):
        raise PermissionDenied("述职评议结束后才能查看结果")
    if request.GET.get("export"):
        export = exports.results_export(actor=request.user, round_=round_)
        return xlsx_response(export.workbook, export.filename)
    reporters = list(reporter_list(actor=request.user, round_=round_))
    live = None
    if round_.status != RoundStatus.CLOSED:
        live = ballots.round_tally(round_)
    rows = [(r, getattr(r, "result", None), live.get(r.pk) if live else None) for r in reporters]
    if live:
        rows.sort(key=lambda row: row[2].rank)
    else:
        rows.sort(key=lambda row: row[1].rank if row[1] else 10**6)
    return render(
        request,
        "appraisal/results.html",
        {
            "round": round_,
            "rows": rows,
            "live": live is not None,
            "figures": round_figures(round_),
            "panels": panels_with_codes(round_) if oversees(request.user, round_) else [],
        },
    )
