"""A member proposes corrections of their own phone and address; the branch accepts or rejects
them, and the member is told either way."""

import re

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mofan.accounts.selectors import branch_handlers
from mofan.core.audit import audit
from mofan.core.errors import ApplicationError
from mofan.core.locking import locked
from mofan.members.models import Correction, Member
from mofan.members.services import member_update, require_member_writer
from mofan.notifications.services import notification_send

PHONE = re.compile(r"^[0-9+\- ]{5,20}$")


def _check_values(member: Member, phone: str, address: str) -> None:
    if phone and not PHONE.match(phone):
        raise ApplicationError("联系电话只能包含数字、空格、+ 和 -，5–20 位", field="phone")
    if len(address) > 200:
        raise ApplicationError("通讯地址不能超过 200 个字", field="address")
    if (phone, address) == (member.phone, member.address):
        raise ApplicationError("联系电话和通讯地址与现有记录相同，没有需要更正的内容")


@transaction.atomic
def correction_propose(
    *, actor, member: Member, phone: str, address: str, note: str = ""
) -> Correction:
    """Only the member linked to this record proposes; one proposal waits at a time."""
    if getattr(actor, "pk", None) is None or member.user_id != actor.pk:
        raise PermissionDenied("只能申请更正本人的信息")
    locked(member)  # pressed twice at once: the second sees the first's proposal
    if not member.is_current:
        raise ApplicationError(f"该记录已{member.get_status_display()}，不能申请更正")
    phone, address = phone.strip(), address.strip()
    _check_values(member, phone, address)
    if member.corrections.filter(status=Correction.Status.PENDING).exists():
        raise ApplicationError("您已有一条待处理的更正申请，请等支部处理后再提交")
    correction = Correction.objects.create(
        member=member,
        proposed_by=actor,
        old_phone=member.phone,
        old_address=member.address,
        phone=phone,
        address=address,
        note=note.strip()[:200],
    )
    audit(
        actor=actor,
        action="member.correction_propose",
        target=member,
        changes={label: pair for label, pair in correction.changes.items()},
    )
    notification_send(
        actor=actor,
        user_ids=branch_handlers(branch=member.org).values_list("pk", flat=True),
        key=f"correction:{correction.pk}:proposed",
        title=f"{member.name} 申请更正个人信息",
        body="；".join(
            f"{k}：{old or '（空）'} → {new or '（空）'}"
            for k, (old, new) in correction.changes.items()
        ),
        link=reverse("members:corrections"),
    )
    return correction


def _require_pending(correction: Correction) -> None:
    """Accepted and rejected at once: the second waits for the first and is told."""
    locked(correction)
    if correction.status != Correction.Status.PENDING:
        raise ApplicationError(f"该申请已处理（{correction.get_status_display()}）")


def _decide(correction: Correction, actor, status: str, reason: str = "") -> None:
    correction.status = status
    correction.decided_by = actor if getattr(actor, "pk", None) else None
    correction.decided_at = timezone.now()
    correction.reason = reason
    correction.save(update_fields=["status", "decided_by", "decided_at", "reason"])


def _tell_the_member(correction: Correction, actor, title: str, body: str) -> None:
    if correction.proposed_by_id is None:
        return
    notification_send(
        actor=actor,
        user_ids=[correction.proposed_by_id],
        key=f"correction:{correction.pk}:{correction.status}",
        title=title,
        body=body,
        link=reverse("mine"),
    )


@transaction.atomic
def correction_accept(*, actor, correction: Correction) -> Correction:
    """The record takes the proposed values (through member_update, with its checks and audit)."""
    member = correction.member
    require_member_writer(actor, member.org)
    _require_pending(correction)
    member_update(actor=actor, member=member, phone=correction.phone, address=correction.address)
    _decide(correction, actor, Correction.Status.ACCEPTED)
    audit(actor=actor, action="member.correction_accept", target=member)
    _tell_the_member(
        correction, actor, "您的信息更正申请已采纳", "联系电话和通讯地址已按申请更正。"
    )
    return correction


@transaction.atomic
def correction_reject(*, actor, correction: Correction, reason: str) -> Correction:
    member = correction.member
    require_member_writer(actor, member.org)
    _require_pending(correction)
    reason = reason.strip()
    if not reason:
        raise ApplicationError("请填写未采纳的原因", field="reason")
    _decide(correction, actor, Correction.Status.REJECTED, reason[:200])
    audit(actor=actor, action="member.correction_reject", target=member, detail=reason)
    _tell_the_member(correction, actor, "您的信息更正申请未采纳", f"原因：{reason}")
    return correction
