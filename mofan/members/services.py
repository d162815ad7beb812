"""Writes to member records: each checks scope and rules, and leaves an audit record."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from mofan.core.access import scope_of
from mofan.core.audit import audit, diff, snapshot
from mofan.core.dates import add_years
from mofan.core.errors import ApplicationError, full_clean_or_refuse
from mofan.core.locking import refused_if_taken
from mofan.core.uploads import PICTURES, check_upload
from mofan.members import crypto, idcard
from mofan.members.counts import members_recount
from mofan.members.linked_accounts import move_linked_account
from mofan.members.models import PHOTO_MAX_MB, Category, Member, MemberEvent
from mofan.members.search import name_grams_keep
from mofan.orgs.models import BRANCH_TYPES, Org, OrgType

# org and party_group are checked by _check_org (and the foreign keys); full_clean would
# re-read both orgs for every row of a roster import.
MEMBER_CLEAN_EXCLUDE = [
    "id_number_cipher",
    "id_number_hash",
    "id_number_masked",
    "photo",
    "org",
    "party_group",
]

MEMBER_FIELDS = [
    "name",
    "sex",
    "ethnicity",
    "birth_date",
    "native_place",
    "education",
    "category",
    "org",
    "party_group",
    "joined_on",
    "full_member_on",
    "work_unit",
    "post",
    "phone",
    "address",
    "is_hardship",
    "remarks",
    "dues_category",
    "dues_base",
]
AUDITED_FIELDS = [*MEMBER_FIELDS, "id_number_masked", "status"]
MIN_JOIN_AGE = 18
ID_NUMBER_TAKEN = "该公民身份号码已登记在系统中"


def require_member_writer(actor, org: Org) -> None:
    if not scope_of(actor).can_record(org.path):
        raise PermissionDenied("您没有维护该组织党员信息的权限")


def require_reveal_right(actor, org: Org) -> None:
    if not scope_of(actor).can_admin(org.path):
        raise PermissionDenied("只有单位管理员及以上可以查看完整的公民身份号码")


def _check_org(org: Org, party_group: Org | None) -> None:
    if org.org_type not in BRANCH_TYPES:
        raise ApplicationError("党员须编入党支部或联合支部", field="org")
    if org.is_dissolved:
        raise ApplicationError(f"“{org.name}”已撤销，不能编入", field="org")
    if party_group is not None and not (
        party_group.org_type == OrgType.PARTY_GROUP and party_group.path.startswith(org.path)
    ):
        raise ApplicationError("党小组须是所在支部下的党小组", field="party_group")


def apply_id_number(member, raw: str, taken=None) -> None:
    """Check the number against the record (a Member or a Candidate), then store it encrypted,
    hashed and masked; the number must be new among the `taken` records (default: members)."""
    try:
        parsed = idcard.parse(raw)
    except ValueError as exc:
        raise ApplicationError(str(exc), field="id_number") from exc
    if member.birth_date and member.birth_date != parsed.birth_date:
        raise ApplicationError(
            f"出生日期 {member.birth_date:%Y-%m-%d} 与公民身份号码中的 {parsed.birth_date:%Y-%m-%d} 不一致",
            field="birth_date",
        )
    if member.sex and member.sex != parsed.sex:
        raise ApplicationError("性别与公民身份号码（第 17 位）不一致", field="sex")
    member.birth_date = member.birth_date or parsed.birth_date
    member.sex = member.sex or parsed.sex
    digest = crypto.keyed_hash(parsed.number)
    taken = Member.objects.all() if taken is None else taken
    if taken.filter(id_number_hash=digest).exclude(pk=member.pk).exists():
        raise ApplicationError(ID_NUMBER_TAKEN, field="id_number")
    member.id_number_hash = digest
    member.id_number_cipher = crypto.encrypt(parsed.number)
    member.id_number_masked = parsed.masked


def _check_dates(member: Member) -> None:
    if (
        member.joined_on
        and member.birth_date
        and member.joined_on < add_years(member.birth_date, MIN_JOIN_AGE)
    ):
        raise ApplicationError(
            f"入党时须年满 {MIN_JOIN_AGE} 岁，请核对入党日期和出生日期", field="joined_on"
        )
    if member.category == Category.PROBATIONARY and member.full_member_on:
        raise ApplicationError("预备党员不应有转正日期", field="full_member_on")
    if member.full_member_on and member.joined_on and member.full_member_on <= member.joined_on:
        raise ApplicationError("转正日期须晚于入党日期", field="full_member_on")
    if member.joined_on and member.joined_on > timezone.localdate():
        raise ApplicationError("入党日期不能晚于今天", field="joined_on")


def member_rule_check(member: Member) -> None:
    """The record rules that need no database, shared with the roster import's preview."""
    _check_org(member.org, member.party_group)
    _check_dates(member)


def _audit_view(member: Member) -> dict:
    return snapshot(member, AUDITED_FIELDS)


def _save(member: Member) -> None:
    """Two clerks entering the same person at once: the second is told as if it had been first."""
    with refused_if_taken(ID_NUMBER_TAKEN, field="id_number"):
        member.save()


@transaction.atomic
def member_create(*, actor, id_number: str, photo=None, **fields) -> Member:
    member = Member(**{k: v for k, v in fields.items() if k in MEMBER_FIELDS})
    _check_org(member.org, member.party_group)
    require_member_writer(actor, member.org)
    apply_id_number(member, id_number)
    _check_dates(member)
    full_clean_or_refuse(member, MEMBER_CLEAN_EXCLUDE)
    _save(member)
    members_recount([member.org_id])
    name_grams_keep([member])
    MemberEvent.objects.create(
        member=member,
        kind=MemberEvent.Kind.JOINED,
        on=member.joined_on,
        detail=f"加入中国共产党，编入{member.org.name}",
    )
    if member.full_member_on:
        MemberEvent.objects.create(
            member=member, kind=MemberEvent.Kind.BECAME_FULL, on=member.full_member_on
        )
    audit(actor=actor, action="member.create", target=member, changes=diff({}, _audit_view(member)))
    if photo:
        member_set_photo(actor=actor, member=member, upload=photo)
    return member


@transaction.atomic
def member_update(
    *, actor, member: Member, id_number: str | None = None, photo=None, **fields
) -> Member:
    require_member_writer(actor, member.org)
    before = _audit_view(member)
    before_org = member.org
    identity = (member.birth_date, member.sex)
    for name, value in fields.items():
        if name in MEMBER_FIELDS:
            setattr(member, name, value)
    _check_org(member.org, member.party_group)
    require_member_writer(actor, member.org)
    if member.org_id != before_org.pk and member.transfers.filter(status="pending").exists():
        raise ApplicationError("该党员有待接收的组织关系转接，请先办理转接", field="org")
    if id_number:
        apply_id_number(member, id_number)
    elif (member.birth_date, member.sex) != identity:
        # A changed birth date or sex must still agree with the number on record.
        apply_id_number(member, crypto.decrypt(member.id_number_cipher))
    _check_dates(member)
    full_clean_or_refuse(member, MEMBER_CLEAN_EXCLUDE)
    _save(member)
    members_recount([before_org.pk, member.org_id])
    if member.name != before["name"]:
        name_grams_keep([member])
    move_linked_account(actor=actor, member=member, from_branch=before_org)
    changes = diff(before, _audit_view(member))
    if changes:
        audit(actor=actor, action="member.update", target=member, changes=changes)
    if photo:
        member_set_photo(actor=actor, member=member, upload=photo)
    return member


@transaction.atomic
def member_reveal_id_number(*, actor, member: Member) -> str:
    """The full number, for unit admins and above; every reveal is audited."""
    require_reveal_right(actor, member.org)
    audit(actor=actor, action="member.reveal_id", target=member, detail="查看完整公民身份号码")
    return crypto.decrypt(member.id_number_cipher)


@transaction.atomic
def member_set_photo(*, actor, member: Member, upload) -> Member:
    """A JPG or PNG photo (5 MB at most) stored under a random name."""
    require_member_writer(actor, member.org)
    checked = check_upload(
        upload,
        allowed=PICTURES,
        max_mb=PHOTO_MAX_MB,
        field="photo",
        type_message="照片须为 JPG 或 PNG 格式",
        size_message="照片不能超过 5 MB",
    )
    if member.photo:
        member.photo.delete(save=False)
    member.photo.save(checked.stored_name, upload, save=False)
    member.save(update_fields=["photo", "updated_at"])
    audit(actor=actor, action="member.photo", target=member)
    return member
