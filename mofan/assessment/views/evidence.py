"""A unit's submission of its self-assessment and the evidence files of its items: upload,
download (scope-checked) and removal, each back to the unit's sheet."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from mofan.assessment import submissions
from mofan.assessment.selectors import evidence_get, indicator_get, participant_get, round_get
from mofan.core.errors import ApplicationError


def _sheet(round_id, org_id, anchor: str = ""):
    return redirect(f"/assessment/rounds/{round_id}/?org={org_id}{anchor}")


@login_required
@require_POST
def submit(request, round_id):
    round_ = round_get(actor=request.user, round_id=round_id)
    participant = participant_get(actor=request.user, round_=round_, org_id=request.POST.get("org"))
    try:
        done = submissions.self_submit(actor=request.user, round_=round_, org=participant.org)
        messages.success(
            request, f"已于 {timezone.localtime(done.submitted_at):%Y-%m-%d %H:%M} 提交自评"
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    return _sheet(round_.id, participant.org_id)


@login_required
@require_POST
def upload(request, round_id, indicator_id):
    round_ = round_get(actor=request.user, round_id=round_id)
    participant = participant_get(actor=request.user, round_=round_, org_id=request.POST.get("org"))
    indicator = indicator_get(actor=request.user, indicator_id=indicator_id)
    files = request.FILES.getlist("file")
    if not files:
        messages.error(request, "请选择要上传的文件")
    try:
        for file in files:
            submissions.evidence_add(
                actor=request.user,
                round_=round_,
                org=participant.org,
                indicator=indicator,
                upload=file,
            )
        if files:
            messages.success(request, f"已上传 {len(files)} 个佐证材料")
    except ApplicationError as error:
        messages.error(request, error.message)
    return _sheet(round_.id, participant.org_id, f"#indicator-{indicator.pk}")


@login_required
def download(request, evidence_id):
    item = evidence_get(actor=request.user, evidence_id=evidence_id)
    inline = item.content_type.startswith("image/") or item.content_type == "application/pdf"
    return FileResponse(
        item.file.open("rb"),
        as_attachment=not inline,
        filename=item.name,
        content_type=item.content_type,
    )


@login_required
@require_POST
def remove(request, evidence_id):
    item = evidence_get(actor=request.user, evidence_id=evidence_id)
    try:
        submissions.evidence_remove(actor=request.user, evidence=item)
        messages.success(request, f"已删除“{item.name}”")
    except ApplicationError as error:
        messages.error(request, error.message)
    return _sheet(item.round_id, item.org_id, f"#indicator-{item.indicator_id}")
