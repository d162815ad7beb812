"""Objections (异议) to the preliminary results: a unit objects to one of its items while the
results are published, the committee is told and answers, and the unit is told the answer.
定档 waits until every objection is answered (rounds.round_advance)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from mofan.assessment.models import Indicator, Objection, Round, RoundStatus
from mofan.assessment.rounds import participant_in, require_runner, require_status, round_link
from mofan.core.access import scope_of
from mofan.core.audit import audit
from mofan.core.errors import ApplicationError
from mofan.core.locking import locked
from mofan.notifications.recipients import admins_of, recorders_of
from mofan.notifications.services import Message, notifications_send
from mofan.orgs.models import Org


@transaction.atomic
def objection_raise(
    *, actor, round_: Round, org: Org, indicator: Indicator, reason: str
) -> Objection:
    """While the preliminary results are published, a unit objects to one of its items."""
    if not scope_of(actor).can_record(org.path):
        raise PermissionDenied("只有本单位的管理员或书记可以提出异议")
    round_ = locked(round_)
    require_status(round_, RoundStatus.PRELIMINARY)
    if indicator.scheme_id != round_.scheme_id or indicator.is_area:
        raise ApplicationError("该指标不属于本次考核的方案", field="indicator")
    participant_in(round_, org)
    if not reason.strip():
        raise ApplicationError("请填写异议理由", field="reason")
    if round_.objections.filter(org=org, indicator=indicator, answered_at__isnull=True).exists():
        raise ApplicationError("该指标已有尚未答复的异议", field="reason")
    objection = Objection.objects.create(
        round=round_,
        org=org,
        indicator=indicator,
        reason=reason.strip(),
        raised_by=actor if getattr(actor, "pk", None) else None,
    )
    admins = admins_of([round_.scheme.org])[round_.scheme.org_id]
    notifications_send(
        actor=actor,
        messages=[
            Message(
                user_ids=admins - {getattr(actor, "pk", None)},
                key=f"assessment:objection:{objection.pk}",
                title=f"考核异议：{org.name}",
                body=f"{round_.name} · {indicator.name}：{_short(reason.strip())}",
                link=f"{round_link(round_)}?org={org.pk}#indicator-{indicator.pk}",
            )
        ],
    )
    audit(
        actor=actor,
        action="assessment.objection",
        target=round_,
        detail=f"{org.name}：{indicator.name}",
    )
    return objection


@transaction.atomic
def objection_answer(*, actor, objection: Objection, answer: str) -> Objection:
    """The reviewer's answer; a score it changes is adjusted separately, with its reason."""
    require_runner(actor, objection.round)
    require_status(locked(objection.round), RoundStatus.PRELIMINARY)
    objection = locked(objection)
    if not objection.is_open:
        raise ApplicationError("该异议已答复")
    if not answer.strip():
        raise ApplicationError("请填写答复", field="answer")
    objection.answer = answer.strip()
    objection.answered_by = actor if getattr(actor, "pk", None) else None
    objection.answered_at = timezone.now()
    objection.save()
    notifications_send(
        actor=actor,
        messages=[
            Message(
                user_ids=recorders_of([objection.org])[objection.org_id]
                - {getattr(actor, "pk", None)},
                key=f"assessment:objection.answered:{objection.pk}",
                title=f"考核异议已答复：{objection.indicator.name}",
                body=_short(objection.answer),
                link=f"{round_link(objection.round)}?org={objection.org_id}#indicator-{objection.indicator_id}",
            )
        ],
    )
    audit(
        actor=actor,
        action="assessment.objection_answer",
        target=objection.round,
        detail=f"{objection.org.name}：{objection.indicator.name}",
    )
    return objection


def _short(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
