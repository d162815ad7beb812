"""A unit's part of a round's self-assessment: submitting it (日常监督 counts a report not
submitted by the deadline), and the evidence files it attaches to an item."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from mofan.assessment.models import Evidence, Indicator, Participant, Round, RoundStatus
from mofan.core.access import scope_of
from mofan.core.audit import audit
from mofan.core.errors import ApplicationError
from mofan.core.locking import locked
from mofan.core.uploads import DOCUMENTS, check_upload
from mofan.orgs.models import Org

NOT_RECORDER = "只有本单位的管理员或书记可以填写自评"
MAX_MB = 20


def _require_recorder(actor, org: Org) -> None:
    if not scope_of(actor).can_record(org.path):
        raise PermissionDenied(NOT_RECORDER)


def _require_self_assessment(round_: Round) -> None:
    if round_.status != RoundStatus.SELF:
        raise ApplicationError(
            f"考核现处于“{round_.get_status_display()}”阶段，只能在单位自评阶段提交或修改材料"
        )


def _participant(round_: Round, org: Org) -> Participant:
    found = Participant.objects.select_for_update().filter(round=round_, org=org).first()
    if found is None:
        raise ApplicationError(f"“{org.name}”不是本次考核的参评单位", field="org")
    return found


@transaction.atomic
def self_submit(*, actor, round_: Round, org: Org, at=None) -> Participant:
    """The unit declares its self-assessment complete, with the time it did so (`at`, a
    moment already past when the submission is recorded afterwards; now by default)."""
    _require_recorder(actor, org)
    now = timezone.now()
    at = at or now
    if at > now:
        raise ApplicationError("提交时间不能晚于现在", field="at")
    round_ = locked(round_)
    _require_self_assessment(round_)
    participant = _participant(round_, org)
    if participant.submitted_at is not None:
        when = timezone.localtime(participant.submitted_at)
        raise ApplicationError(f"本单位已于 {when:%Y-%m-%d %H:%M} 提交自评")
    participant.submitted_at = at
    participant.submitted_by = actor if getattr(actor, "pk", None) else None
    participant.save(update_fields=["submitted_at", "submitted_by"])
    late = round_.self_deadline and timezone.localdate(at) > round_.self_deadline
    audit(
        actor=actor,
        action="assessment.self_submit",
        target=round_,
        detail=f"{org.name}{'（逾期）' if late else ''}",
    )
    return participant


@transaction.atomic
def evidence_add(*, actor, round_: Round, org: Org, indicator: Indicator, upload) -> Evidence:
    _require_recorder(actor, org)
    round_ = locked(round_)
    _require_self_assessment(round_)
    _participant(round_, org)
    if indicator.scheme_id != round_.scheme_id or indicator.is_area:
        raise ApplicationError("该指标不属于本次考核的方案", field="file")
    checked = check_upload(
        upload,
        allowed=DOCUMENTS,
        max_mb=MAX_MB,
        field="file",
        type_message=f"佐证材料只能是 {'、'.join(DOCUMENTS)} 文件",
        size_message=f"单个文件不能超过 {MAX_MB} MB",
    )
    evidence = Evidence(
        round=round_,
        org=org,
        indicator=indicator,
        name=checked.original_name,
        content_type=checked.content_type,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    evidence.file.save(checked.stored_name, upload, save=False)
    evidence.full_clean()
    evidence.save()
    audit(
        actor=actor,
        action="assessment.evidence_add",
        target=round_,
        detail=f"{org.name}：{indicator.name}：{evidence.name}",
    )
    return evidence


@transaction.atomic
def evidence_remove(*, actor, evidence: Evidence) -> None:
    _require_recorder(actor, evidence.org)
    _require_self_assessment(locked(evidence.round))
    detail = f"{evidence.org.name}：{evidence.indicator.name}：{evidence.name}"
    round_ = evidence.round
    evidence.file.delete(save=False)
    evidence.delete()
    audit(actor=actor, action="assessment.evidence_remove", target=round_, detail=detail)
