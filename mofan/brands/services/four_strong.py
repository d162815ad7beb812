"""四强党支部: the committee's yearly call, a branch's application through the unit's and the
committee's review, the published recognition, the yearly re-check and the revocation."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from mofan.brands.models import (
    CRITERIA,
    EDITABLE,
    Application,
    ApplicationFile,
    Call,
    CallStatus,
    Recheck,
    Status,
)
from mofan.brands.prerequisites import failed, prerequisites
from mofan.brands.services import steps
from mofan.brands.services.common import (
    link_to,
    require_committee,
    require_recorder,
    require_status,
    require_text,
    store_files,
    user_of,
)
from mofan.brands.services.steps import tell_applicant
from mofan.core.audit import audit, diff, snapshot
from mofan.core.errors import ApplicationError, full_clean_or_refuse
from mofan.core.locking import locked, refused_if_taken
from mofan.notifications.recipients import recorders_of
from mofan.notifications.services import Message, notifications_send
from mofan.orgs.models import BRANCH_TYPES, Org, OrgType

CALL_FIELDS = [
    "title",
    "criteria",
    "min_compliance",
    "require_checklist",
    "negative_list",
    "deadline",
]


TEXT_LIMIT = 3000


def _texts(texts: dict[str, str] | None, field: str) -> dict[str, str]:
    """The text for each criterion (the five, whatever else was sent), none too long."""
    texts = texts or {}
    found = {name: str(texts.get(name) or "").strip() for name in CRITERIA}
    for name, text in found.items():
        if len(text) > TEXT_LIMIT:
            raise ApplicationError(f"“{name}”最多 {TEXT_LIMIT} 字", field=field)
    return found


def _criteria(texts: dict[str, str] | None) -> list[dict]:
    return [{"name": name, "text": text} for name, text in _texts(texts, "criteria").items()]


def _check_call(call: Call) -> None:
    if not 0 <= call.min_compliance <= 100:
        raise ApplicationError("组织生活按期完成率应在 0 到 100 之间", field="min_compliance")
    full_clean_or_refuse(call)


@transaction.atomic
def call_create(
    *,
    actor,
    org: Org,
    year: int,
    title: str = "",
    criteria: dict[str, str] | None = None,
    min_compliance: Decimal = Decimal(90),
    require_checklist: bool = True,
    negative_list: str = "",
    deadline: date | None = None,
) -> Call:
    """Open a year's call; every branch under the committee hears of it."""
    require_committee(actor, org)
    if org.org_type != OrgType.WORKING_COMMITTEE:
        raise ApplicationError("四强党支部创建由机关工委组织", field="org")
    call = Call(
        org=org,
        year=year,
        title=(title or "").strip() or f"{year}年度“四强”党支部创建",
        criteria=_criteria(criteria),
        min_compliance=min_compliance,
        require_checklist=require_checklist,
        negative_list=(negative_list or "").strip(),
        deadline=deadline,
    )
    taken = f"{year}年度已有四强党支部创建申报"
    if Call.objects.filter(org=org, year=year).exists():
        raise ApplicationError(taken, field="year")
    _check_call(call)
    with refused_if_taken(taken, field="year"):
        call.save()
    audit(actor=actor, action="brands.call_create", target=call)
    branches = Org.objects.filter(
        path__startswith=org.path, org_type__in=BRANCH_TYPES, dissolved_on__isnull=True
    )
    recipients = recorders_of(branches)
    notifications_send(
        actor=actor,
        messages=[
            Message(
                user_ids=users,
                key=f"brands.call.{call.pk}",
                title=f"{call.title}开始申报",
                link=link_to("brands:call", call.pk),
            )
            for users in recipients.values()
        ],
    )
    return call


@transaction.atomic
def call_update(*, actor, call: Call, **fields) -> Call:
    require_committee(actor, call.org)
    call = locked(call)
    if not call.is_open:
        raise ApplicationError("申报已截止，不能再修改")
    before = snapshot(call, CALL_FIELDS)
    for name, value in fields.items():
        if name not in CALL_FIELDS:
            raise TypeError(f"call_update() got an unexpected field {name!r}")
        if name == "criteria":
            value = _criteria(value)
        elif isinstance(value, str):
            value = value.strip()
        setattr(call, name, value)
    _check_call(call)
    call.save()
    changes = diff(before, snapshot(call, CALL_FIELDS))
    if changes:
        audit(actor=actor, action="brands.call_update", target=call, changes=changes)
    return call


@transaction.atomic
def call_close(*, actor, call: Call) -> Call:
    require_committee(actor, call.org)
    call = locked(call)
    if not call.is_open:
        raise ApplicationError("申报已截止")
    call.status = CallStatus.CLOSED
    call.save(update_fields=["status"])
    audit(actor=actor, action="brands.call_close", target=call)
    return call


def _self_evaluation(texts: dict[str, str] | None) -> dict[str, str]:
    return _texts(texts, "self_evaluation")


@transaction.atomic
def application_create(
    *,
    actor,
    call: Call,
    org: Org,
    self_evaluation: dict[str, str] | None = None,
    negative_confirmed: bool = False,
    files=(),
) -> Application:
    require_recorder(actor, org)
    if not call.is_open:
        raise ApplicationError("申报已截止")
    if org.org_type not in BRANCH_TYPES or not org.path.startswith(call.org.path):
        raise ApplicationError("只有本工委所属的党支部可以申报四强党支部", field="org")
    application = Application(
        call=call,
        org=org,
        self_evaluation=_self_evaluation(self_evaluation),
        negative_confirmed=negative_confirmed,
        created_by=user_of(actor),
    )
    full_clean_or_refuse(application, exclude=["call", "org"])
    taken = f"“{org.name}”已申报{call.year}年度四强党支部"
    if Application.objects.filter(call=call, org=org).exists():
        raise ApplicationError(taken, field="org")
    with refused_if_taken(taken, field="org"):
        application.save()
    store_files(ApplicationFile, "application", application, files)
    audit(actor=actor, action="brands.application_create", target=application)
    return application


@transaction.atomic
def application_update(
    *,
    actor,
    application: Application,
    self_evaluation: dict[str, str],
    negative_confirmed: bool,
    files=(),
) -> Application:
    require_recorder(actor, application.org)
    application = locked(application)
    require_status(application, EDITABLE, "已提交的申报不能修改")
    before = snapshot(application, ["self_evaluation", "negative_confirmed"])
    application.self_evaluation = _self_evaluation(self_evaluation)
    application.negative_confirmed = negative_confirmed
    application.save()
    added = store_files(ApplicationFile, "application", application, files)
    changes = diff(before, snapshot(application, ["self_evaluation", "negative_confirmed"]))
    if changes or added:
        detail = f"增加材料 {added} 个" if added else ""
        audit(
            actor=actor,
            action="brands.application_update",
            target=application,
            changes=changes,
            detail=detail,
        )
    return application


def _check_complete(application: Application) -> None:
    missing = [name for name in CRITERIA if not application.self_evaluation.get(name)]
    if missing:
        raise ApplicationError(f"请填写“{missing[0]}”的自评", field="self_evaluation")
    if application.call.negative_items and not application.negative_confirmed:
        raise ApplicationError("请逐条对照负面清单，确认不存在所列情形", field="negative_confirmed")


def _submittable(application: Application, day: date) -> dict:
    """Refuse it after the deadline, incomplete or with a prerequisite failed on the records;
    else the prerequisites' values to keep with the application."""
    call = application.call
    if not call.is_open or (call.deadline and day > call.deadline):
        raise ApplicationError(
            f"申报已截止{f'（{call.deadline:%Y-%m-%d}）' if call.deadline else ''}"
        )
    _check_complete(application)
    found = prerequisites(application.call, application.org)
    bad = failed(found)
    if bad:
        raise ApplicationError(f"不符合申报条件：{bad[0].label}（{bad[0].value}）")
    return {"prerequisites": [p.as_dict() for p in found]}


@transaction.atomic
def application_submit(*, actor, application: Application, on: date | None = None) -> Application:
    """Submit to the unit: every criterion evaluated, the negative list confirmed and no
    prerequisite failed on the records (the values are kept with the application)."""
    return steps.submit(
        application,
        actor=actor,
        action="brands.application_submit",
        refused="该申报已提交",
        title=f"{application.org.name}申报四强党支部，请审核",
        on=on,
        check=_submittable,
    )


@transaction.atomic
def application_unit_pass(*, actor, application: Application, note: str = "") -> Application:
    return steps.unit_pass(
        application,
        actor=actor,
        note=note,
        action="brands.application_unit_pass",
        refused="只能审核待单位审核的申报",
        committee=application.call.org,
        title=f"{application.org.name}的四强党支部申报已通过单位审核，请认定",
    )


@transaction.atomic
def application_return(*, actor, application: Application, reason: str) -> Application:
    """The unit, or the committee after the unit, sends it back to the branch to change."""
    return steps.send_back(
        application,
        actor=actor,
        reason=reason,
        committee=application.call.org,
        action="brands.application_return",
        refused="只能退回待审核的申报",
        title=lambda a: f"四强党支部申报被退回：{a.reason}",
    )


@transaction.atomic
def application_recognise(
    *, actor, application: Application, on: date | None = None
) -> Application:
    application = steps.committee_takes(
        application,
        actor=actor,
        committee=application.call.org,
        needs=Status.UNIT_PASSED,
        refused="只能认定已通过单位审核的申报",
    )
    application.recognised_on = on or timezone.localdate()
    steps.moved(
        application,
        Status.RECOGNISED,
        ["recognised_on"],
        actor=actor,
        action="brands.application_recognise",
    )
    title = f"已认定为{application.call.year}年度四强党支部"
    tell_applicant(actor, application, "recognised", title)
    return application


@transaction.atomic
def application_reject(*, actor, application: Application, reason: str) -> Application:
    return steps.reject(
        application,
        actor=actor,
        reason=reason,
        committee=application.call.org,
        action="brands.application_reject",
        refused="只能对已通过单位审核的申报作出认定",
        title=lambda a: f"四强党支部申报未予认定：{a.reason}",
    )


@transaction.atomic
def recognition_recheck(*, actor, application: Application, year: int, note: str) -> Recheck:
    """The yearly review of a recognised branch that keeps its title (else: revoke)."""
    require_committee(actor, application.call.org)
    application = locked(application)
    require_status(application, [Status.RECOGNISED], "只能复核有效的四强党支部")
    if year <= application.call.year:
        raise ApplicationError("复核年度应晚于认定年度", field="year")
    recheck = Recheck(
        application=application,
        year=year,
        note=require_text(note, "请填写复核意见", "note"),
        by=user_of(actor),
    )
    with refused_if_taken(f"{year}年度已复核", field="year"):
        recheck.save()
    audit(actor=actor, action="brands.application_recheck", target=application, detail=note)
    return recheck


@transaction.atomic
def recognition_revoke(
    *, actor, application: Application, reason: str, on: date | None = None
) -> Application:
    return steps.revoke(
        application,
        actor=actor,
        reason=reason,
        on=on,
        committee=application.call.org,
        action="brands.application_revoke",
        refused="只能撤销有效的四强党支部",
        title=lambda a: f"四强党支部称号已撤销：{a.revoke_reason}",
    )
