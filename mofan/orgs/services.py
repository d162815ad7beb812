"""Writes to the org tree. Each checks the actor's scope and leaves an audit record."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from mofan.core.access import scope_of
from mofan.core.audit import audit, diff, snapshot
from mofan.core.errors import ApplicationError, full_clean_or_refuse
from mofan.core.locking import locked, refused_if_taken
from mofan.orgs.models import ALLOWED_CHILDREN, CommitteeSeat, HealthRule, Org, OrgType
from mofan.orgs.seat_holders import SeatHolder, seat_holder

ORG_CLEAN_EXCLUDE = ["path", "depth", "numchild", "code"]

ORG_FIELDS = [
    "name",
    "short_name",
    "code",
    "org_type",
    "unit",
    "established_on",
    "sort_order",
    "term_start",
    "term_end",
]
NO_PERMISSION = "您没有管理该组织的权限"


def _require_admin_over(actor, org: Org) -> None:
    if not scope_of(actor).can_admin(org.path):
        raise PermissionDenied(NO_PERMISSION)


def _require_admin_above(actor, org: Org) -> None:
    if not scope_of(actor).can_admin_strictly_below(org.path):
        raise PermissionDenied("只有上级组织的管理员可以移动或撤销本组织")


def _check_fits_under(parent: Org | None, org_type: str) -> None:
    if parent is None:
        if org_type != OrgType.WORKING_COMMITTEE:
            raise ApplicationError("只有机关工委可以作为顶层组织", field="parent")
        return
    if parent.is_dissolved:
        raise ApplicationError(f"上级组织“{parent.name}”已撤销", field="parent")
    if org_type not in ALLOWED_CHILDREN[OrgType(parent.org_type)]:
        raise ApplicationError(
            f"{parent.get_org_type_display()}下不能设立{OrgType(org_type).label}", field="org_type"
        )


def _check_term(term_start: date | None, term_end: date | None) -> None:
    if term_start and term_end and term_end <= term_start:
        raise ApplicationError("任期届满日期必须晚于任期开始日期", field="term_end")


def _code_taken(code: str) -> str:
    return f"组织编码“{code}”已被使用"


def _check_code_free(code: str, exclude_pk=None) -> None:
    taken = Org.objects.filter(code=code)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ApplicationError(_code_taken(code), field="code")


@transaction.atomic
def org_create(*, actor, parent: Org | None, **fields) -> Org:
    """Create an org under `parent` (None: a top-level 机关工委, for the system only)."""
    if parent is None and not actor.is_superuser:
        raise PermissionDenied("只有系统管理员可以创建顶层组织")
    if parent is not None:
        parent = Org.objects.get(pk=parent.pk)  # fresh numchild for treebeard
        _require_admin_over(actor, parent)
    org = Org(**{k: v for k, v in fields.items() if k in ORG_FIELDS})
    org.code = (org.code or "").strip()
    if not org.code:
        raise ApplicationError("请填写组织编码", field="code")
    _check_code_free(org.code)
    _check_fits_under(parent, org.org_type)
    _check_term(org.term_start, org.term_end)
    full_clean_or_refuse(org, ORG_CLEAN_EXCLUDE)
    # Entered twice at once: the check above saw neither (treebeard locks only the parent).
    with refused_if_taken(_code_taken(org.code), field="code"):
        org = (
            Org.objects.add_child(parent, instance=org)
            if parent
            else Org.objects.add_root(instance=org)
        )
    audit(actor=actor, action="org.create", target=org, changes=diff({}, snapshot(org, ORG_FIELDS)))
    return org


@transaction.atomic
def org_update(*, actor, org: Org, **fields) -> Org:
    _require_admin_over(actor, org)
    if org.is_dissolved:
        raise ApplicationError("已撤销的组织不能修改，其记录保留在历史中")
    before = snapshot(org, ORG_FIELDS)
    for name, value in fields.items():
        if name in ORG_FIELDS:
            setattr(org, name, value)
    org.code = (org.code or "").strip()
    if not org.code:
        raise ApplicationError("请填写组织编码", field="code")
    _check_code_free(org.code, exclude_pk=org.pk)
    if before["org_type"] != org.org_type:
        _check_fits_under(Org.objects.get_parent(org, update=True), org.org_type)
        _check_children_fit(org)
    _check_term(org.term_start, org.term_end)
    full_clean_or_refuse(org, ORG_CLEAN_EXCLUDE)
    with refused_if_taken(_code_taken(org.code), field="code"):
        org.save()
    changes = diff(before, snapshot(org, ORG_FIELDS))
    if changes:
        audit(actor=actor, action="org.update", target=org, changes=changes)
    return org


def _check_children_fit(org: Org) -> None:
    allowed = ALLOWED_CHILDREN[OrgType(org.org_type)]
    children = Org.objects.filter(path__startswith=org.path, depth=org.depth + 1)
    misfit = children.exclude(org_type__in=allowed).first()
    if misfit is not None:
        raise ApplicationError(
            f"下级组织“{misfit.name}”（{misfit.get_org_type_display()}）不能设在"
            f"{OrgType(org.org_type).label}下",
            field="org_type",
        )


@transaction.atomic
def org_move(*, actor, org: Org, new_parent: Org) -> Org:
    org = Org.objects.get(pk=org.pk)
    new_parent = Org.objects.get(pk=new_parent.pk)
    _require_admin_above(actor, org)
    _require_admin_over(actor, new_parent)
    if new_parent.path.startswith(org.path):
        raise ApplicationError("不能把组织移动到它自己或它的下级组织之下", field="parent")
    if org.is_dissolved:
        raise ApplicationError("已撤销的组织不能移动")
    _check_fits_under(new_parent, org.org_type)
    old_parent = Org.objects.get_parent(org)
    if old_parent and old_parent.pk == new_parent.pk:
        raise ApplicationError("新的上级组织与原上级组织相同", field="parent")
    Org.objects.move(org, new_parent, pos="last-child")
    org = Org.objects.get(pk=org.pk)
    audit(
        actor=actor,
        action="org.move",
        target=org,
        changes={"parent": [str(old_parent) if old_parent else None, str(new_parent)]},
    )
    return org


@transaction.atomic
def org_dissolve(*, actor, org: Org, reason: str, on: date | None = None) -> Org:
    _require_admin_above(actor, org)
    if org.is_dissolved:
        raise ApplicationError("该组织已经撤销")
    if not reason.strip():
        raise ApplicationError("请填写撤销原因", field="reason")
    active_child = Org.objects.filter(
        path__startswith=org.path, depth=org.depth + 1, dissolved_on__isnull=True
    ).first()
    if active_child is not None:
        raise ApplicationError(f"请先撤销或移走下级组织“{active_child.name}”")
    before = snapshot(org, ["dissolved_on", "dissolve_reason"])
    org.dissolved_on = on or timezone.localdate()
    org.dissolve_reason = reason.strip()
    org.save(update_fields=["dissolved_on", "dissolve_reason"])
    changes = diff(before, snapshot(org, ["dissolved_on", "dissolve_reason"]))
    audit(actor=actor, action="org.dissolve", target=org, changes=changes)
    return org


def _linked_holder(org: Org, member_id: int | None, name: str) -> SeatHolder | None:
    if member_id is None:
        return None
    holder = seat_holder(org, member_id)
    if holder is None:
        raise ApplicationError(f"所选党员不是“{org.name}”的在册党员", field="member")
    if name and name != holder.name:
        raise ApplicationError(f"姓名“{name}”与所选党员记录（{holder.name}）不一致", field="name")
    locked(org)  # the same member seated twice at once: the second sees the first seat
    if org.committee.filter(member_id=member_id).exists():
        raise ApplicationError(f"{holder.name} 已在班子中", field="member")
    return holder


@transaction.atomic
def committee_seat_add(
    *, actor, org: Org, name: str, post: str, sort_order: int = 0, member_id: int | None = None
):
    """A seat for a member on the roll (`member_id`; the name is taken from the record and kept
    for history) or for someone outside it (the typed name only)."""
    _require_admin_over(actor, org)
    if org.is_dissolved:
        raise ApplicationError("已撤销的组织不能调整班子成员")
    name = name.strip()
    holder = _linked_holder(org, member_id, name)
    name = holder.name if holder else name
    if not name:
        raise ApplicationError("请填写姓名或选择党员记录", field="name")
    seat = CommitteeSeat(org=org, name=name, post=post, sort_order=sort_order, member_id=member_id)
    try:
        seat.full_clean(exclude=["member"])
    except ValidationError as exc:
        raise ApplicationError("职务不正确", field="post") from exc
    seat.save()
    audit(
        actor=actor,
        action="org.committee.add",
        target=org,
        changes={"committee": [None, str(seat)]},
        detail="关联党员记录" if holder else "",
    )
    return seat


@transaction.atomic
def committee_seat_link(*, actor, seat: CommitteeSeat, member_id: int) -> CommitteeSeat:
    """Link a seat typed by name to the member record of the same person."""
    _require_admin_over(actor, seat.org)
    if seat.member_id == member_id:
        return seat
    holder = _linked_holder(seat.org, member_id, seat.name)
    seat.member_id = holder.member_id
    seat.save(update_fields=["member"])
    audit(
        actor=actor,
        action="org.committee.link",
        target=seat.org,
        changes={"committee": [seat.name, holder.label]},
    )
    return seat


@transaction.atomic
def committee_seat_remove(*, actor, seat: CommitteeSeat) -> None:
    _require_admin_over(actor, seat.org)
    audit(
        actor=actor,
        action="org.committee.remove",
        target=seat.org,
        changes={"committee": [str(seat), None]},
    )
    seat.delete()


RULE_FIELDS = ["name", "conditions", "message", "severity", "enabled"]


@transaction.atomic
def health_rule_update(*, actor, rule: HealthRule, **fields) -> HealthRule:
    if not scope_of(actor).is_committee_admin:
        raise PermissionDenied("只有工委管理员可以调整检查规则")
    from mofan.orgs.health import validate_conditions

    before = snapshot(rule, RULE_FIELDS)
    for name, value in fields.items():
        if name in RULE_FIELDS:
            setattr(rule, name, value)
    validate_conditions(rule.conditions)
    rule.save()
    changes = diff(before, snapshot(rule, RULE_FIELDS))
    if changes:
        audit(actor=actor, action="health_rule.update", target=rule, changes=changes)
    return rule
