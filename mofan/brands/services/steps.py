"""The review steps the 四强 application and the 党建品牌 share (both are `Decided`): each step
locks the item, checks who acts and the status the step needs, moves the item on and audits it.
Each tells whom the step concerns; the callers give the messages (`title(item)` for the
applicant's notice is read once the step is taken, so it can quote the reason)."""

from collections.abc import Callable
from datetime import date

from django.utils import timezone

from mofan.brands.models import EDITABLE, Decided, Status
from mofan.brands.services.common import (
    link_to,
    require_committee,
    require_recorder,
    require_status,
    require_text,
    require_unit,
    tell_admins,
    tell_recorders,
    tell_unit,
)
from mofan.core.audit import audit
from mofan.core.locking import locked
from mofan.orgs.models import Org

Title = Callable[[Decided], str]  # the applicant's notice, from the item after the step


def _stamp() -> str:
    return f"{timezone.now():%Y%m%d%H%M%S%f}"


def _link(item) -> str:
    return link_to(f"brands:{item._meta.model_name}", item.pk)


def _key(item, step: str) -> str:
    return f"brands.{item._meta.model_name}.{item.pk}.{step}"


def tell_applicant(actor, item, step: str, title: str) -> None:
    """The secretaries and admins of the org that applied."""
    key = f"{_key(item, step)}.{_stamp()}"
    tell_recorders(actor, item.org, key=key, title=title, link=_link(item))


def moved(item, to: Status, fields=(), *, actor, action: str, detail: str = ""):
    """Save the item in its new status (with the fields the step set) and audit the step."""
    item.status = to
    item.save(update_fields=["status", *fields])
    audit(actor=actor, action=action, target=item, detail=detail)
    return item


def submit(item, *, actor, action: str, refused: str, title: str, on: date | None, check=None):
    """The applicant sends a draft (or a returned one) to the unit. `check(item, day)` refuses
    what may not be sent yet and gives the further fields to keep."""
    require_recorder(actor, item.org)
    item = locked(item)
    require_status(item, EDITABLE, refused)
    day = on or timezone.localdate()
    extra = check(item, day) if check else {}
    for name, value in extra.items():
        setattr(item, name, value)
    item.submitted_on, item.reason = day, ""
    moved(item, Status.SUBMITTED, ["submitted_on", "reason", *extra], actor=actor, action=action)
    tell_unit(
        actor, item.org, key=f"{_key(item, 'submitted')}.{_stamp()}", title=title, link=_link(item)
    )
    return item


def unit_pass(
    item, *, actor, note: str, action: str, refused: str, committee: Org | None, title: str
):
    """The unit passes it on to the committee, whose admins hear of it."""
    require_unit(actor, item.org)
    item = locked(item)
    require_status(item, [Status.SUBMITTED], refused)
    item.unit_note = (note or "").strip()
    moved(item, Status.UNIT_PASSED, ["unit_note"], actor=actor, action=action, detail=note)
    if committee is not None:
        tell_admins(actor, committee, key=_key(item, "unit_passed"), title=title, link=_link(item))
    return item


def send_back(item, *, actor, reason: str, committee: Org, action: str, refused: str, title: Title):
    """The unit, or the committee after the unit, returns it to the applicant to change."""
    item = locked(item)
    if item.status == Status.UNIT_PASSED:
        require_committee(actor, committee)
    else:
        require_unit(actor, item.org)
        require_status(item, [Status.SUBMITTED], refused)
    item.reason = require_text(reason, "请填写退回原因", "reason")
    moved(item, Status.RETURNED, ["reason"], actor=actor, action=action, detail=reason)
    tell_applicant(actor, item, "returned", title(item))
    return item


def committee_takes(item, *, actor, committee: Org, needs: Status, refused: str):
    """The item locked for a committee's step, in the status the step needs."""
    require_committee(actor, committee)
    item = locked(item)
    require_status(item, [needs], refused)
    return item


def reject(item, *, actor, reason: str, committee: Org, action: str, refused: str, title: Title):
    item = committee_takes(
        item, actor=actor, committee=committee, needs=Status.UNIT_PASSED, refused=refused
    )
    item.reason = require_text(reason, "请填写不予认定的原因", "reason")
    moved(item, Status.REJECTED, ["reason"], actor=actor, action=action, detail=reason)
    tell_applicant(actor, item, "rejected", title(item))
    return item


def revoke(
    item,
    *,
    actor,
    reason: str,
    on: date | None,
    committee: Org,
    action: str,
    refused: str,
    title: Title,
):
    item = committee_takes(
        item, actor=actor, committee=committee, needs=Status.RECOGNISED, refused=refused
    )
    item.revoke_reason = require_text(reason, "请填写撤销原因", "reason")
    item.revoked_on = on or timezone.localdate()
    fields = ["revoke_reason", "revoked_on"]
    moved(item, Status.REVOKED, fields, actor=actor, action=action, detail=reason)
    tell_applicant(actor, item, "revoked", title(item))
    return item
