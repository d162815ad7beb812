"""API calls of the member lifecycle: the same services as the pages."""

from datetime import date

from ninja import Field, Query, Router, Schema

from mofan.core.api import ERRORS, Page, named_enum, paginate
from mofan.core.errors import ApplicationError
from mofan.members import lifecycle
from mofan.members.api import MemberOut
from mofan.members.models import Status, Transfer
from mofan.members.selectors import member_get, transfer_get, transfer_list
from mofan.orgs.selectors import active_branches

MemberStatus = named_enum("MemberStatus", Status)
TransferStatus = named_enum("TransferStatus", Transfer.Status)

router = Router(tags=["党员"])


class MakeFullIn(Schema):
    on: date
    meeting: str = Field(..., min_length=1, max_length=100)


class ExtendIn(Schema):
    months: int
    on: date
    reason: str = Field(..., max_length=200)


class TransferIn(Schema):
    to_org_id: int
    letter_number: str = Field(..., max_length=50)
    on: date


class TransferOutIn(Schema):
    destination: str = Field(..., max_length=100)
    letter_number: str = Field(..., max_length=50)
    on: date


class StatusIn(Schema):
    status: MemberStatus
    on: date
    reason: str = Field("", max_length=200)


class AnswerIn(Schema):
    on: date
    reason: str = Field("", max_length=200)


class TransferOut(Schema):
    id: int
    member_id: int
    member_name: str = Field(..., alias="member.name")
    from_org_id: int
    to_org_id: int
    letter_number: str
    sent_on: date
    status: str
    answered_on: date | None
    note: str


@router.post("/members/{member_id}/make-full", response={200: MemberOut, **ERRORS}, summary="转正")
def make_full(request, member_id: int, payload: MakeFullIn):
    member = member_get(actor=request.user, member_id=member_id)
    return lifecycle.member_make_full(actor=request.user, member=member, **payload.dict())


@router.post(
    "/members/{member_id}/extend-probation",
    response={200: MemberOut, **ERRORS},
    summary="延长预备期",
)
def extend_probation(request, member_id: int, payload: ExtendIn):
    member = member_get(actor=request.user, member_id=member_id)
    return lifecycle.member_extend_probation(actor=request.user, member=member, **payload.dict())


@router.post(
    "/members/{member_id}/transfer",
    response={201: TransferOut, **ERRORS},
    summary="转接到系统内其他支部",
)
def transfer(request, member_id: int, payload: TransferIn):
    member = member_get(actor=request.user, member_id=member_id)
    to_org = active_branches().filter(pk=payload.to_org_id).first()
    if to_org is None:
        raise ApplicationError("转入组织不存在或不是党支部", field="to_org_id")
    data = payload.dict(exclude={"to_org_id"})
    return 201, lifecycle.transfer_send(actor=request.user, member=member, to_org=to_org, **data)


@router.post(
    "/members/{member_id}/transfer-out", response={200: MemberOut, **ERRORS}, summary="转出本系统"
)
def transfer_out(request, member_id: int, payload: TransferOutIn):
    member = member_get(actor=request.user, member_id=member_id)
    return lifecycle.member_transfer_out_of_system(
        actor=request.user, member=member, **payload.dict()
    )


@router.post(
    "/members/{member_id}/status", response={200: MemberOut, **ERRORS}, summary="变更党籍状态"
)
def set_status(request, member_id: int, payload: StatusIn):
    member = member_get(actor=request.user, member_id=member_id)
    return lifecycle.member_set_status(actor=request.user, member=member, **payload.dict())


def _transfer_in_reach(request, transfer_id: int) -> Transfer:
    return transfer_get(actor=request.user, transfer_id=transfer_id)


class TransferPage(Page):
    items: list[TransferOut]


class TransferFilters(Schema):
    status: TransferStatus = TransferStatus.PENDING
    page: int = 1
    page_size: int = 50


@router.get(
    "/transfers",
    response={200: TransferPage, **ERRORS},
    summary="待接收和已办理的组织关系转接（分页）",
)
def list_transfers(request, filters: Query[TransferFilters]):
    records = transfer_list(actor=request.user).filter(status=filters.status)
    items, page = paginate(records.order_by("-sent_on", "-id"), filters.page, filters.page_size)
    return {**page, "items": items}


@router.post(
    "/transfers/{transfer_id}/accept", response={200: MemberOut, **ERRORS}, summary="接收组织关系"
)
def accept_transfer(request, transfer_id: int, payload: AnswerIn):
    transfer = _transfer_in_reach(request, transfer_id)
    return lifecycle.transfer_accept(actor=request.user, transfer=transfer, on=payload.on)


@router.post(
    "/transfers/{transfer_id}/reject", response={200: TransferOut, **ERRORS}, summary="退回组织关系"
)
def reject_transfer(request, transfer_id: int, payload: AnswerIn):
    transfer = _transfer_in_reach(request, transfer_id)
    return lifecycle.transfer_reject(
        actor=request.user, transfer=transfer, on=payload.on, reason=payload.reason
    )
