"""Lifecycle of a member record: 转正, extension of probation, transfers, status changes.

Nothing is deleted: a member who leaves keeps the record with a history status.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from mofan.core.audit import audit
from mofan.core.dates import add_months
from mofan.core.errors import ApplicationError
from mofan.core.locking import locked
from mofan.members import events
from mofan.members.counts import members_recount
from mofan.members.linked_accounts import disable_linked_account, move_linked_account
from mofan.members.models import (
    CURRENT_STATUSES,
    Candidate,
    Category,
    Member,
    MemberEvent,
    Status,
    Transfer,
)
from mofan.members.services import require_member_writer
from mofan.orgs.models import BRANCH_TYPES, Org

PROBATION_MONTHS = 12
EXTENSION_MONTHS = (6, 12)
# Statuses a member can be given by a status change (transfers have their own services).
LEAVING_STATUSES = {Status.SUSPENDED, Status.EXPELLED, Status.DECEASED}
FLAG_STATUSES = {Status.NORMAL, Status.MOBILE, Status.LOST}


def probation_ends(member: Member) -> date:
    return add_months(member.joined_on, PROBATION_MONTHS + member.probation_extended_months)


def _event(member: Member, kind: str, on: date, detail: str = "") -> None:
    MemberEvent.objects.create(member=member, kind=kind, on=on, detail=detail)


def _require_current(member: Member) -> None:
    if member.status not in CURRENT_STATUSES:
        raise ApplicationError(f"{member.name} 已{member.get_status_display()}，不能办理此事项")


@transaction.atomic
def member_make_full(*, actor, member: Member, on: date, meeting: str) -> Member:
    """转正: decided by a branch meeting on `on`, not before the probation (with any extension) ends."""
    require_member_writer(actor, member.org)
    _require_current(member)
    if member.category != Category.PROBATIONARY:
        raise ApplicationError(f"{member.name} 已是正式党员")
    if not meeting.strip():
        raise ApplicationError("请填写讨论转正的支部党员大会", field="meeting")
    if on > timezone.localdate():
        raise ApplicationError("转正日期不能晚于今天", field="on")
    ends = probation_ends(member)
    if on < ends:
        raise ApplicationError(
            f"预备期自 {member.joined_on:%Y-%m-%d} 起计算，{'含延长期' if member.probation_extended_months else ''}"
            f"至 {ends:%Y-%m-%d} 届满，{on:%Y-%m-%d} 尚未届满，不能转正",
            field="on",
        )
    member.category = Category.FULL
    member.full_member_on = on
    member.save(update_fields=["category", "full_member_on", "updated_at"])
    members_recount([member.org_id])
    _event(member, MemberEvent.Kind.BECAME_FULL, on, f"经{meeting.strip()}讨论通过")
    audit(
        actor=actor,
        action="member.make_full",
        target=member,
        changes={
            "category": [Category.PROBATIONARY.label, Category.FULL.label],
            "full_member_on": [None, on.isoformat()],
        },
        detail=meeting.strip(),
    )
    return member


@transaction.atomic
def member_extend_probation(*, actor, member: Member, months: int, on: date, reason: str) -> Member:
    require_member_writer(actor, member.org)
    _require_current(member)
    if member.category != Category.PROBATIONARY:
        raise ApplicationError("只有预备党员可以延长预备期")
    if member.probation_extended_months:
        raise ApplicationError("预备期只能延长一次")
    low, high = EXTENSION_MONTHS
    if not low <= months <= high:
        raise ApplicationError(f"延长预备期须为 {low}–{high} 个月", field="months")
    if not reason.strip():
        raise ApplicationError("请填写延长预备期的原因", field="reason")
    member.probation_extended_months = months
    member.save(update_fields=["probation_extended_months", "updated_at"])
    _event(member, MemberEvent.Kind.PROBATION_EXTENDED, on, f"延长 {months} 个月：{reason.strip()}")
    audit(
        actor=actor,
        action="member.extend_probation",
        target=member,
        changes={"probation_extended_months": [0, months]},
    )
    return member


@transaction.atomic
def transfer_send(*, actor, member: Member, to_org: Org, letter_number: str, on: date) -> Transfer:
    """转出 to another branch in the system; the member moves when the receiving org accepts."""
    require_member_writer(actor, member.org)
    _require_current(member)
    if to_org.org_type not in BRANCH_TYPES or to_org.is_dissolved:
        raise ApplicationError("转入组织须是未撤销的党支部或联合支部", field="to_org")
    if to_org.pk == member.org_id:
        raise ApplicationError("转入组织与现所在支部相同", field="to_org")
    if not letter_number.strip():
        raise ApplicationError("请填写介绍信编号", field="letter_number")
    locked(member)  # two sends at once: the second sees the first pending transfer
    if member.transfers.filter(status=Transfer.Status.PENDING).exists():
        raise ApplicationError(f"{member.name} 已有一笔待接收的转接")
    transfer = Transfer.objects.create(
        member=member,
        from_org=member.org,
        to_org=to_org,
        letter_number=letter_number.strip(),
        sent_on=on,
    )
    audit(
        actor=actor,
        action="member.transfer_send",
        target=member,
        changes={"org": [member.org.name, to_org.name]},
        detail=f"介绍信 {transfer.letter_number}",
    )
    events.transfer_sent(actor=actor, transfer=transfer)
    return transfer


@transaction.atomic
def transfer_accept(*, actor, transfer: Transfer, on: date) -> Member:
    locked(transfer)  # accepted or returned once, whichever answer commits first
    require_member_writer(actor, transfer.to_org)
    member = transfer.member
    _require_current(member)  # first: a member who left meanwhile is why the transfer closed
    if transfer.status != Transfer.Status.PENDING:
        raise ApplicationError("该转接已办理")
    if on < transfer.sent_on:
        raise ApplicationError("接收日期不能早于转出日期", field="on")
    transfer.status = Transfer.Status.ACCEPTED
    transfer.answered_on = on
    transfer.save(update_fields=["status", "answered_on"])
    letter = f"介绍信 {transfer.letter_number}"
    _event(
        member,
        MemberEvent.Kind.TRANSFER_OUT,
        transfer.sent_on,
        f"转出 {transfer.from_org.name}，{letter}",
    )
    _event(member, MemberEvent.Kind.TRANSFER_IN, on, f"转入 {transfer.to_org.name}，{letter}")
    member.org = transfer.to_org
    member.party_group = None
    member.save(update_fields=["org", "party_group", "updated_at"])
    members_recount([transfer.from_org_id, transfer.to_org_id])
    move_linked_account(actor=actor, member=member, from_branch=transfer.from_org)
    # A probationary member's development record (steps 16–25) goes with them.
    Candidate.objects.filter(member=member).update(org=transfer.to_org)
    audit(
        actor=actor,
        action="member.transfer_accept",
        target=member,
        changes={"org": [transfer.from_org.name, transfer.to_org.name]},
        detail=letter,
    )
    events.transfer_answered(actor=actor, transfer=transfer)
    return member


@transaction.atomic
def transfer_reject(*, actor, transfer: Transfer, on: date, reason: str) -> Transfer:
    locked(transfer)  # accepted or returned once, whichever answer commits first
    require_member_writer(actor, transfer.to_org)
    if transfer.status != Transfer.Status.PENDING:
        raise ApplicationError("该转接已办理")
    if not reason.strip():
        raise ApplicationError("请填写退回原因", field="reason")
    transfer.status = Transfer.Status.REJECTED
    transfer.answered_on = on
    transfer.note = reason.strip()
    transfer.save(update_fields=["status", "answered_on", "note"])
    audit(
        actor=actor, action="member.transfer_reject", target=transfer.member, detail=reason.strip()
    )
    events.transfer_answered(actor=actor, transfer=transfer)
    return transfer


def _withdraw_pending_transfers(member: Member, on: date, why: str) -> None:
    """A member who leaves the roll cannot still be waiting to be received elsewhere."""
    member.transfers.filter(status=Transfer.Status.PENDING).update(
        status=Transfer.Status.REJECTED, answered_on=on, note=f"转出方撤回：党员{why}"
    )


@transaction.atomic
def member_transfer_out_of_system(
    *, actor, member: Member, destination: str, letter_number: str, on: date
) -> Member:
    require_member_writer(actor, member.org)
    _require_current(member)
    if not destination.strip() or not letter_number.strip():
        raise ApplicationError("请填写转往的党组织和介绍信编号")
    before = member.get_status_display()
    member.status = Status.TRANSFERRED_OUT
    member.save(update_fields=["status", "updated_at"])
    members_recount([member.org_id])
    _withdraw_pending_transfers(member, on, "已转出本系统")
    disable_linked_account(actor=actor, member=member, reason=f"转出本系统：{destination.strip()}")
    _event(
        member,
        MemberEvent.Kind.TRANSFER_OUT,
        on,
        f"转往系统外：{destination.strip()}，介绍信 {letter_number.strip()}",
    )
    audit(
        actor=actor,
        action="member.transfer_out",
        target=member,
        changes={"status": [before, member.get_status_display()]},
        detail=destination.strip(),
    )
    return member


@transaction.atomic
def member_set_status(*, actor, member: Member, status: str, on: date, reason: str) -> Member:
    """停止党籍 / 出党 / 去世 (the record stays, as history), or the 流动 / 失联 / 正常 flags."""
    require_member_writer(actor, member.org)
    _require_current(member)
    if status not in LEAVING_STATUSES | FLAG_STATUSES:
        raise ApplicationError("状态不正确", field="status")
    if status == member.status:
        raise ApplicationError(
            f"{member.name} 已是“{member.get_status_display()}”状态", field="status"
        )
    if status in LEAVING_STATUSES and not reason.strip():
        raise ApplicationError("请填写原因或依据", field="reason")
    before = member.get_status_display()
    member.status = status
    member.save(update_fields=["status", "updated_at"])
    members_recount([member.org_id])
    if status in LEAVING_STATUSES:
        _withdraw_pending_transfers(member, on, f"已{member.get_status_display()}")
        disable_linked_account(
            actor=actor, member=member, reason=f"党员{member.get_status_display()}"
        )
    detail = f"{before} → {member.get_status_display()}" + (
        f"：{reason.strip()}" if reason.strip() else ""
    )
    _event(member, MemberEvent.Kind.STATUS, on, detail)
    audit(
        actor=actor,
        action="member.status",
        target=member,
        changes={"status": [before, member.get_status_display()]},
        detail=reason.strip(),
    )
    return member
