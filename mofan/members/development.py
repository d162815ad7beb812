"""Member development (发展党员): 5 stages, 25 steps, timing rules kept as data.

Every step is recorded in order with its date; a step that breaks a timing rule is refused
with a sentence naming the rule and the dates. Step 15 (支部大会讨论) creates the probationary
member record from the candidate's data; step 23 (支部大会讨论转正) makes them a full member.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from mofan.core.access import scope_of
from mofan.core.audit import audit
from mofan.core.dates import add_months, add_years
from mofan.core.errors import ApplicationError
from mofan.core.locking import refused_if_taken
from mofan.members import crypto
from mofan.members.lifecycle import member_make_full
from mofan.members.models import Candidate, Category, DevelopmentRule, DevelopmentStep, Member
from mofan.members.services import (
    ID_NUMBER_TAKEN,
    apply_id_number,
    member_create,
    require_member_writer,
)
from mofan.orgs.models import BRANCH_TYPES

STAGES = [
    (1, "申请入党", range(1, 3)),
    (2, "入党积极分子的确定和培养教育", range(3, 7)),
    (3, "发展对象的确定和考察", range(7, 12)),
    (4, "预备党员的接收", range(12, 19)),
    (5, "预备党员的教育考察和转正", range(19, 26)),
]
STEPS = {
    1: "递交入党申请书",
    2: "党组织派人谈话",
    3: "推荐和确定入党积极分子",
    4: "上级党委备案",
    5: "指定培养联系人",
    6: "培养教育考察",
    7: "确定发展对象",
    8: "报上级党委备案",
    9: "确定入党介绍人",
    10: "进行政治审查",
    11: "开展集中培训",
    12: "支部委员会审查",
    13: "上级党委预审",
    14: "填写入党志愿书",
    15: "支部大会讨论",
    16: "上级党委派人谈话",
    17: "上级党委审批",
    18: "再上一级党委组织部门备案",
    19: "编入党支部和党小组",
    20: "入党宣誓",
    21: "继续教育考察",
    22: "提出转正申请",
    23: "支部大会讨论转正",
    24: "上级党委审批转正",
    25: "材料归档",
}
REVIEW_STEP = 6  # repeated every few months while an activist
LAST_STEP = 25

DEFAULT_RULES = [
    ("min-age", "申请入党须年满", 18, "岁", "党章第一条"),
    ("talk-within", "收到入党申请书后派人谈话", 1, "个月内", "细则第七条"),
    ("activist-review", "对入党积极分子每半年考察一次", 6, "个月", "细则第十三条"),
    ("activist-min", "培养教育一年以上方可列为发展对象", 12, "个月", "细则第十四条"),
    ("training-hours", "发展对象集中培训不少于", 24, "学时（3 天）", "细则第十八条"),
    ("introducers", "入党介绍人（正式党员）", 2, "名", "细则第十六条"),
    ("approval-within", "上级党委审批时限", 3, "个月内", "细则第二十九条"),
    ("approval-special", "特殊情况下审批时限可延长至", 6, "个月", "细则第二十九条"),
]


def rules() -> dict[str, int]:
    return dict(DevelopmentRule.objects.values_list("code", "value"))


def stage_of(step_number: int) -> tuple[int, str]:
    for number, name, steps in STAGES:
        if step_number in steps:
            return number, name
    return 0, "未开始"


def _dates(candidate: Candidate) -> dict[int, date]:
    """The latest date recorded for each step number."""
    found: dict[int, date] = {}
    for step in candidate.steps.all():
        found[step.number] = max(step.on, found.get(step.number, step.on))
    return found


@transaction.atomic
def candidate_apply(
    *, actor, org, name: str, id_number: str, applied_on: date, **fields
) -> Candidate:
    """Register a 入党申请人 with step 1 (递交入党申请书)."""
    require_member_writer(actor, org)
    if org.org_type not in BRANCH_TYPES or org.is_dissolved:
        raise ApplicationError("入党申请须向党支部提出", field="org")
    if not name.strip():
        raise ApplicationError("请填写姓名", field="name")
    candidate = Candidate(org=org, name=name.strip(), **fields)
    apply_id_number(candidate, id_number, taken=Candidate.objects.filter(stopped_on__isnull=True))
    if Member.objects.filter(id_number_hash=candidate.id_number_hash).exists():
        raise ApplicationError("该公民身份号码已登记为党员，不能再申请入党", field="id_number")
    minimum = rules()["min-age"]
    if applied_on < add_years(candidate.birth_date, minimum):
        raise ApplicationError(
            f"申请入党须年满 {minimum} 岁：{candidate.name} 生于 {candidate.birth_date:%Y-%m-%d}，"
            f"{applied_on:%Y-%m-%d} 递交申请时未满 {minimum} 岁",
            field="applied_on",
        )
    if applied_on > timezone.localdate():
        raise ApplicationError("申请日期不能晚于今天", field="applied_on")
    with refused_if_taken(ID_NUMBER_TAKEN, field="id_number"):  # applied twice at once
        candidate.save()
    DevelopmentStep.objects.create(candidate=candidate, number=1, on=applied_on)
    candidate.last_step = 1
    candidate.save(update_fields=["last_step"])
    audit(
        actor=actor,
        action="development.apply",
        target=candidate,
        detail=f"{applied_on:%Y-%m-%d} 递交入党申请书",
    )
    return candidate


def _check_order(candidate: Candidate, number: int, on: date, recorded: dict[int, date]) -> None:
    if candidate.last_step >= LAST_STEP:
        raise ApplicationError("25 个步骤已全部完成，发展程序已结束", field="number")
    repeat_review = number == REVIEW_STEP and candidate.last_step == REVIEW_STEP
    if number != candidate.last_step + 1 and not repeat_review:
        expected = candidate.last_step + 1
        raise ApplicationError(
            f"应先办理第 {expected} 步“{STEPS[expected]}”，不能跳到第 {number} 步", field="number"
        )
    last_date = max(recorded.values()) if recorded else None
    if last_date and on < last_date:
        raise ApplicationError(
            f"日期 {on:%Y-%m-%d} 早于上一步的日期 {last_date:%Y-%m-%d}", field="on"
        )
    if on > timezone.localdate():
        raise ApplicationError("日期不能晚于今天", field="on")


def _check_timing(
    candidate: Candidate, number: int, on: date, handled_by: str, hours, note: str, recorded
) -> None:
    limits = rules()
    if number == 7:
        earliest = add_months(recorded[3], limits["activist-min"])
        if on < earliest:
            raise ApplicationError(
                f"入党积极分子须经 {limits['activist-min']} 个月以上培养教育才能列为发展对象："
                f"{candidate.name} 于 {recorded[3]:%Y-%m-%d} 确定为积极分子，最早可于 {earliest:%Y-%m-%d} 确定为发展对象",
                field="on",
            )
    if number == 9:
        names = [n for n in re.split(r"[、，,;；\s]+", handled_by.strip()) if n]
        if len(names) < limits["introducers"]:
            raise ApplicationError(
                f"须确定 {limits['introducers']} 名正式党员作入党介绍人，请在“经办人/参与人”中填写姓名（用顿号分隔）",
                field="handled_by",
            )
    if number == 11 and (hours is None or Decimal(hours) < limits["training-hours"]):
        raise ApplicationError(
            f"集中培训不少于 3 天或 {limits['training-hours']} 个学时，请填写学时", field="hours"
        )
    if number == 17:
        normal = add_months(recorded[15], limits["approval-within"])
        special = add_months(recorded[15], limits["approval-special"])
        if on > special:
            raise ApplicationError(
                f"上级党委审批最迟须在支部大会（{recorded[15]:%Y-%m-%d}）后 {limits['approval-special']} 个月内，即 {special:%Y-%m-%d} 前完成",
                field="on",
            )
        if on > normal and not note.strip():
            raise ApplicationError(
                f"超过 {limits['approval-within']} 个月（{normal:%Y-%m-%d}）审批须在“说明”中注明特殊情况",
                field="note",
            )


@transaction.atomic
def candidate_record_step(
    *,
    actor,
    candidate: Candidate,
    number: int,
    on: date,
    handled_by: str = "",
    document: str = "",
    hours=None,
    note: str = "",
) -> DevelopmentStep:
    require_member_writer(actor, candidate.org)
    if candidate.stopped_on:
        raise ApplicationError("该发展对象的发展程序已终止")
    if number not in STEPS:
        raise ApplicationError("步骤须在 1–25 之间", field="number")
    recorded = _dates(candidate)
    _check_order(candidate, number, on, recorded)
    _check_timing(candidate, number, on, handled_by, hours, note, recorded)
    step = DevelopmentStep.objects.create(
        candidate=candidate,
        number=number,
        on=on,
        handled_by=handled_by.strip(),
        document=document.strip(),
        hours=hours,
        note=note.strip(),
    )
    if number == 15:
        candidate.member = _admit(actor, candidate, on)
    if number == 23:
        member_make_full(
            actor=actor, member=candidate.member, on=on, meeting=document.strip() or "支部党员大会"
        )
    candidate.last_step = number
    candidate.save(update_fields=["last_step", "member"])
    audit(
        actor=actor,
        action="development.step",
        target=candidate,
        detail=f"第 {number} 步 {STEPS[number]}（{on:%Y-%m-%d}）",
    )
    return step


def _admit(actor, candidate: Candidate, on: date):
    """Step 15: the branch meeting admits → the probationary member record, typed once."""
    return member_create(
        actor=actor,
        id_number=crypto.decrypt(candidate.id_number_cipher),
        name=candidate.name,
        sex=candidate.sex,
        ethnicity=candidate.ethnicity,
        birth_date=candidate.birth_date,
        education=candidate.education,
        category=Category.PROBATIONARY,
        org=candidate.org,
        joined_on=on,
        work_unit=candidate.work_unit,
        post=candidate.post,
        phone=candidate.phone,
    )


@transaction.atomic
def candidate_stop(*, actor, candidate: Candidate, on: date, reason: str) -> Candidate:
    require_member_writer(actor, candidate.org)
    if not reason.strip():
        raise ApplicationError("请填写终止原因", field="reason")
    if candidate.last_step >= 15:
        raise ApplicationError("已接收为预备党员，请在党员信息中办理")
    candidate.stopped_on = on
    candidate.stop_reason = reason.strip()
    candidate.save(update_fields=["stopped_on", "stop_reason"])
    audit(actor=actor, action="development.stop", target=candidate, detail=reason.strip())
    return candidate


@dataclass
class PipelineRow:
    candidate: Candidate
    stage: str
    next_step: int | None
    due: date | None
    earliest: date | None

    @property
    def next_name(self) -> str:
        return STEPS.get(self.next_step, "") if self.next_step else "已完成"

    def overdue(self, today: date) -> bool:
        return self.due is not None and self.due < today


def pipeline_row(candidate: Candidate, limits: dict[str, int]) -> PipelineRow:
    recorded = _dates(candidate)
    last = candidate.last_step
    next_step = last + 1 if last < LAST_STEP else None
    due = earliest = None
    if last == 1:
        due = add_months(recorded[1], limits["talk-within"])
    elif 3 <= last <= 6:
        last_review = recorded.get(REVIEW_STEP, recorded[3])
        earliest = add_months(recorded[3], limits["activist-min"])
        if last == REVIEW_STEP:
            next_step = 7
            due = add_months(last_review, limits["activist-review"])  # the next review is due
    elif 15 <= last < 17:
        due = add_months(recorded[15], limits["approval-within"])
    elif 19 <= last <= 22 and candidate.member is not None:
        from mofan.members.lifecycle import probation_ends

        earliest = probation_ends(candidate.member)
    return PipelineRow(candidate, stage_of(next_step or last)[1], next_step, due, earliest)


def pipeline(candidates) -> list[PipelineRow]:
    limits = rules()
    return [pipeline_row(c, limits) for c in candidates]


@transaction.atomic
def development_rule_update(*, actor, rule: DevelopmentRule, value: int) -> DevelopmentRule:
    if not scope_of(actor).is_committee_admin:
        raise PermissionDenied("只有工委管理员可以调整发展党员时限规则")
    before = rule.value
    rule.value = value
    rule.save(update_fields=["value"])
    audit(actor=actor, action="development.rule", target=rule, changes={"value": [before, value]})
    return rule
