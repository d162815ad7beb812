"""The pages of a round: the results table, a unit's score sheet with its self-assessment and
review forms, and the step buttons."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mofan.assessment import compute, exports, objections, rounds, triennial
from mofan.assessment.forms import (
    AdjustForm,
    AnswerForm,
    FindingForm,
    ObjectionForm,
    ReviewForm,
    RoundForm,
    SelfAssessForm,
)
from mofan.assessment.models import RoundKind, RoundStatus
from mofan.assessment.rules import item_rule
from mofan.assessment.scoring import BONUS, DEDUCTION, REVIEWED, VETO
from mofan.assessment.selectors import (
    evidence_of,
    findings_of,
    indicator_get,
    objection_get,
    objections_of,
    open_objections,
    participant_get,
    participants_seen,
    round_get,
    round_list,
    scheme_get,
    scheme_with_indicators,
)
from mofan.core.access import scope_of
from mofan.core.errors import ApplicationError
from mofan.core.excel import xlsx_response
from mofan.core.facts import fact, records_url
from mofan.core.views_helpers import form_errors, paginate_page, run_service

PUBLIC_STEPS = (RoundStatus.PRELIMINARY, RoundStatus.FINAL)
ADVANCE_LABELS = {
    RoundStatus.SELF: "结束自评，开始评审",
    RoundStatus.REVIEW: "公示初步结果",
    RoundStatus.PRELIMINARY: "定档（冻结数据）",
}


def _runs(request, round_) -> bool:
    return scope_of(request.user).can_admin(round_.scheme.org.path)


@login_required
def round_index(request):
    found = round_list(actor=request.user).order_by("-ends_on", "name")
    return render(request, "assessment/rounds.html", {"page": paginate_page(request, found)})


@login_required
def round_new(request, scheme_id):
    scheme = scheme_get(actor=request.user, scheme_id=scheme_id)
    if not scope_of(request.user).can_admin(scheme.org.path):
        raise PermissionDenied(rounds.NO_PERMISSION)
    year = scheme.year
    form = RoundForm(
        request.POST or None,
        initial={
            "name": f"{year} 年度考评",
            "kind": "annual",
            "starts_on": f"{year}-01-01",
            "ends_on": f"{year}-12-31",
        },
    )
    if request.method == "POST" and form.is_valid():
        created = run_service(
            form,
            lambda: rounds.round_create(actor=request.user, scheme=scheme, **form.cleaned_data),
        )
        if created is not None:
            messages.success(request, f"已建立“{created.name}”，发布后各单位开始自评")
            return redirect("assessment:round", created.id)
    return render(request, "assessment/round_form.html", {"form": form, "scheme": scheme})


def _area_columns(scheme):
    """The areas that carry points (an area of bonus items only shows in the 加分 column)."""
    return [
        (area.pk, area.name)
        for area in scheme.areas
        if any(item.rule != BONUS for item in area.children.all())
    ]


@login_required
def round_detail(request, round_id):
    round_ = round_get(actor=request.user, round_id=round_id)
    if request.GET.get("org"):
        return _unit_sheet(request, round_, request.GET["org"])
    runs = _runs(request, round_)
    seen = list(participants_seen(actor=request.user, round_=round_))
    scheme = scheme_with_indicators(actor=request.user, scheme_id=round_.scheme_id)
    table = compute.results(round_) if _sees_table(request, round_) else []
    return render(
        request,
        "assessment/round.html",
        {
            "round": round_,
            "runs": runs,
            "areas": _area_columns(scheme),
            "years": triennial.years_of(round_) if round_.kind == RoundKind.TRIENNIAL else [],
            "table": table,
            "own": seen if not table else [],
            "advance_label": ADVANCE_LABELS.get(round_.status, ""),
            "open_objections": list(open_objections(round_=round_)) if runs else [],
        },
    )


def _sees_table(request, round_) -> bool:
    return _runs(request, round_) or round_.status in PUBLIC_STEPS


@login_required
def round_export(request, round_id):
    round_ = round_get(actor=request.user, round_id=round_id)
    if not _sees_table(request, round_):
        raise PermissionDenied("初步结果公示后才能导出得分表")
    export = exports.round_export(actor=request.user, round_=round_)
    return xlsx_response(export.workbook, export.filename)


def _fact_words(code: str) -> str:
    found = fact(code)
    return f"{found.label}（{found.unit}）"


def _sheet_rows(round_, scheme, result, entries, findings, objections, evidence):
    span = compute.round_span(round_)
    rows = []
    for area in scheme.areas:
        items = []
        for indicator in area.children.all():
            rule = item_rule(
                rule=indicator.rule,
                max_points=indicator.max_points,
                fact_code=indicator.fact_code,
                params=indicator.params,
            )
            items.append(
                {
                    "indicator": indicator,
                    "rule": rule,
                    "score": result.items[indicator.pk],
                    "fact": _fact_words(indicator.fact_code) if indicator.fact_code else "",
                    "records": records_url(indicator.fact_code, org_id=result.org_id, span=span)
                    if indicator.fact_code
                    else "",
                    "entry": entries.get(indicator.pk),
                    "findings": findings.get(indicator.pk, []),
                    "objections": objections.get(indicator.pk, []),
                    "evidence": evidence.get(indicator.pk, []),
                }
            )
        rows.append((area, result.areas.get(area.pk), items))
    return rows


def _triennial_row(request, round_, participant):
    """A unit's 三年总评 row: its components, ranked once the results are published."""
    ranked = round_.status in PUBLIC_STEPS
    table = compute.results(round_, only=None if ranked else participant.org_id)
    return render(
        request,
        "assessment/round.html",
        {
            "round": round_,
            "years": triennial.years_of(round_),
            "table": [r for r in table if r.org_id == participant.org_id],
        },
    )


def _unit_sheet(request, round_, org_id):
    participant = participant_get(actor=request.user, round_=round_, org_id=org_id)
    if round_.kind == RoundKind.TRIENNIAL:
        return _triennial_row(request, round_, participant)
    scheme = scheme_with_indicators(actor=request.user, scheme_id=round_.scheme_id)
    ranked = round_.status in PUBLIC_STEPS
    table = compute.results(round_, only=None if ranked else participant.org_id)
    result = next(r for r in table if r.org_id == participant.org_id)
    entries = {e.indicator_id: e for e in round_.entries.filter(org=participant.org)}
    findings = findings_of(round_=round_, org=participant.org)
    scope = scope_of(request.user)
    return render(
        request,
        "assessment/sheet.html",
        {
            "round": round_,
            "participant": participant,
            "result": result,
            "ranked": ranked,
            "rows": _sheet_rows(
                round_,
                scheme,
                result,
                entries,
                findings,
                objections_of(round_=round_, org=participant.org),
                evidence_of(round_=round_, org=participant.org),
            ),
            "can_object": round_.status == RoundStatus.PRELIMINARY
            and scope.can_record(participant.org.path),
            "can_answer": round_.status == RoundStatus.PRELIMINARY and _runs(request, round_),
            "can_self": round_.status == RoundStatus.SELF
            and scope.can_record(participant.org.path),
            "can_review": round_.status == RoundStatus.REVIEW and _runs(request, round_),
            "can_find": round_.status in (RoundStatus.SELF, RoundStatus.REVIEW)
            and _runs(request, round_),
            "rules": {"reviewed": REVIEWED, "bonus": BONUS, "deduction": DEDUCTION, "veto": VETO},
            "self_form": SelfAssessForm(),
            "review_form": ReviewForm(),
            "adjust_form": AdjustForm(),
            "finding_form": FindingForm(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def round_step(request, round_id):
    round_ = round_get(actor=request.user, round_id=round_id)
    if not _runs(request, round_):
        raise PermissionDenied(rounds.NO_PERMISSION)
    try:
        if round_.status == RoundStatus.DRAFT:
            count = rounds.round_open(actor=request.user, round_=round_)
            messages.success(request, f"已发布，{count} 个单位开始自评")
        else:
            round_ = rounds.round_advance(actor=request.user, round_=round_)
            messages.success(request, f"考核进入“{round_.get_status_display()}”阶段")
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("assessment:round", round_.id)


def _sheet_url(round_, org_id) -> str:
    return f"/assessment/rounds/{round_.id}/?org={org_id}"


def _write(request, round_id, indicator_id, form_class, call):
    """The POST of one row's form on a unit sheet; errors come back as a message, since the
    sheet holds one form per row."""
    round_ = round_get(actor=request.user, round_id=round_id)
    participant = participant_get(actor=request.user, round_=round_, org_id=request.POST.get("org"))
    indicator = indicator_get(actor=request.user, indicator_id=indicator_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(round_, participant.org, indicator, form.cleaned_data)
            messages.success(request, f"已保存“{indicator.name}”")
        except ApplicationError as error:
            messages.error(request, f"“{indicator.name}”：{error.message}")
    else:
        messages.error(request, f"“{indicator.name}”：{form_errors(form)}")
    return redirect(_sheet_url(round_, participant.org_id) + f"#indicator-{indicator.pk}")


@login_required
@require_POST
def self_assess(request, round_id, indicator_id):
    return _write(
        request,
        round_id,
        indicator_id,
        SelfAssessForm,
        lambda r, org, i, data: rounds.self_assess(
            actor=request.user, round_=r, org=org, indicator=i, **data
        ),
    )


@login_required
@require_POST
def review(request, round_id, indicator_id):
    return _write(
        request,
        round_id,
        indicator_id,
        ReviewForm,
        lambda r, org, i, data: rounds.review_score(
            actor=request.user, round_=r, org=org, indicator=i, **data
        ),
    )


@login_required
@require_POST
def adjust(request, round_id, indicator_id):
    return _write(
        request,
        round_id,
        indicator_id,
        AdjustForm,
        lambda r, org, i, data: rounds.score_adjust(
            actor=request.user, round_=r, org=org, indicator=i, **data
        ),
    )


@login_required
@require_POST
def objection(request, round_id, indicator_id):
    return _write(
        request,
        round_id,
        indicator_id,
        ObjectionForm,
        lambda r, org, i, data: objections.objection_raise(
            actor=request.user, round_=r, org=org, indicator=i, **data
        ),
    )


@login_required
@require_POST
def objection_answer(request, round_id, objection_id):
    round_ = round_get(actor=request.user, round_id=round_id)
    found = objection_get(actor=request.user, round_=round_, objection_id=objection_id)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            objections.objection_answer(actor=request.user, objection=found, **form.cleaned_data)
            messages.success(request, f"已答复“{found.indicator.name}”的异议")
        except ApplicationError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, form_errors(form))
    return redirect(_sheet_url(round_, found.org_id) + f"#indicator-{found.indicator_id}")


@login_required
@require_POST
def finding(request, round_id, indicator_id):
    return _write(
        request,
        round_id,
        indicator_id,
        FindingForm,
        lambda r, org, i, data: rounds.finding_record(
            actor=request.user, round_=r, org=org, indicator=i, **data
        ),
    )
