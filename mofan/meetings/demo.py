"""Demo organisational life: a year of meetings with realistic gaps, attendance, two appraisal
rounds. Everything goes through the services, as a secretary would record it."""

import random
from datetime import date, timedelta

from mofan.core.access import DEMO
from mofan.core.dates import add_months
from mofan.meetings.appraisal import appraisal_close, appraisal_grade, appraisal_open
from mofan.meetings.models import Attendance, Grade, Kind, Meeting
from mofan.meetings.services import (
    AttendanceRow,
    Committee,
    HeldRecord,
    expected_members,
    meeting_plan,
    meetings_record_bulk,
)
from mofan.members.models import Category
from mofan.orgs.models import BRANCH_TYPES, Org, OrgType

TOPICS = {
    Kind.BRANCH_GENERAL: [
        "讨论接收预备党员",
        "学习贯彻党的二十届四中全会精神",
        "年度党费收缴情况通报",
        "选举出席上级党代会代表",
    ],
    Kind.COMMITTEE: [
        "研究本月组织生活安排",
        "研究发展党员工作",
        "研究创建模范机关任务分解",
        "研究主题党日活动方案",
    ],
    Kind.LECTURE: [
        "书记讲党课：以党的创新理论武装头脑",
        "发扬斗争精神 增强斗争本领",
        "弘扬伟大建党精神",
        "推进全面从严治党",
    ],
    Kind.THEME_DAY: [
        "重温入党誓词",
        "参观红色教育基地",
        "志愿服务进社区",
        "学习先进典型事迹",
        "开展廉政警示教育",
    ],
    Kind.LIFE_MEETING: ["年度组织生活会暨民主评议党员"],
    Kind.TALK: ["支部委员与党员谈心谈话"],
    Kind.GROUP: ["党小组学习"],
    Kind.CENTER_GROUP: ["理论学习中心组集体学习"],
}
FIRST_TOPIC = "学习习近平总书记最新重要讲话和重要指示批示精神"


def _day(month_start: date, rng: random.Random) -> date:
    return month_start + timedelta(days=rng.randint(2, 24))


def _schedule(org: Org, index: int, months: list[date], has_committee: bool, rng: random.Random):
    """(kind, date) pairs for a year, with gaps some branches really have."""
    plan = []
    for i, month in enumerate(months):
        quarter_month = i % 3 == 1
        if org.org_type in BRANCH_TYPES:
            if rng.random() > 0.08:
                plan.append((Kind.THEME_DAY, _day(month, rng)))
            if has_committee and rng.random() > 0.1:
                plan.append((Kind.COMMITTEE, _day(month, rng)))
            if quarter_month and not (index % 5 == 0 and i // 3 == 1):
                plan.append((Kind.BRANCH_GENERAL, _day(month, rng)))
            if quarter_month and not (index % 7 == 0 and i // 3 == 2):
                plan.append((Kind.LECTURE, _day(month, rng)))
        elif org.org_type == OrgType.PARTY_GROUP and rng.random() > 0.15:
            plan.append((Kind.GROUP, _day(month, rng)))
        elif org.org_type in (OrgType.ORGAN_COMMITTEE, OrgType.BASIC_COMMITTEE) and quarter_month:
            plan.append((Kind.CENTER_GROUP, _day(month, rng)))
    if org.org_type in BRANCH_TYPES and index % 4:
        plan.append((Kind.LIFE_MEETING, _day(months[-2], rng)))
        plan.append((Kind.TALK, _day(months[-3], rng)))
    return plan


def _attendance(members, rng: random.Random, kind: str) -> list[AttendanceRow]:
    rows = []
    for member in members:
        roll = 1.0 if kind == Kind.COMMITTEE else rng.random()  # committees meet with quorum
        if roll < 0.06:
            rows.append(
                AttendanceRow(
                    member.id, Attendance.Status.LEAVE, rng.choice(["出差", "病假", "参加培训"])
                )
            )
        elif roll < 0.08 and kind != Kind.BRANCH_GENERAL:
            rows.append(AttendanceRow(member.id, Attendance.Status.ABSENT, "工作冲突"))
        else:
            rows.append(AttendanceRow(member.id, Attendance.Status.PRESENT))
    return rows


def build_demo_meetings(today: date) -> int:
    if Meeting.objects.exists():
        return 0
    first = add_months(today.replace(day=1), -11)
    months = [add_months(first, i) for i in range(12)]
    orgs = list(
        Org.objects.filter(dissolved_on__isnull=True)
        .exclude(org_type=OrgType.WORKING_COMMITTEE)
        .order_by("path")
    )
    held: list[HeldRecord] = []
    planned = 0
    for index, org in enumerate(orgs):
        rng = random.Random(f"meetings-{org.code}")
        members = expected_members(org)
        if org.org_type in BRANCH_TYPES and not members:
            continue
        seats = list(org.committee.all())
        committee = Committee.of_seats((seat.member_id, seat.name) for seat in seats)
        for kind, day in _schedule(org, index, months, len(committee) >= 3, rng):
            fields = _fields(kind, [seat.name for seat in seats])
            topic = rng.choice(TOPICS[kind])
            if day > today:
                meeting_plan(actor=DEMO, org=org, kind=kind, topic=topic, planned_on=day, **fields)
                planned += 1
                continue
            attendees = (
                [m for m in members if committee.includes(m)] if kind == Kind.COMMITTEE else members
            )
            held.append(
                HeldRecord(org, kind, topic, day, fields, _attendance(attendees, rng, kind))
            )
    recorded = meetings_record_bulk(actor=DEMO, records=held)
    build_demo_appraisals(today)
    return recorded + planned


def _fields(kind: str, committee: list[str]) -> dict:
    studies_first_topic = kind in (Kind.COMMITTEE, Kind.BRANCH_GENERAL)
    fields = {
        "place": "机关党员活动室",
        "host": committee[0] if committee else "",
        "first_topic": studies_first_topic,
        "first_topic_title": FIRST_TOPIC if studies_first_topic else "",
    }
    if kind == Kind.LECTURE:
        fields["lecturer"] = committee[0] if committee else "支部书记"
    return fields


def build_demo_appraisals(today: date) -> None:
    """Last year's and this year's rounds for the first branches; this year's still open."""
    branches = [
        b
        for b in Org.objects.filter(org_type__in=BRANCH_TYPES, dissolved_on__isnull=True).order_by(
            "path"
        )[:40]
        if expected_members(b)
    ]
    for year, close in ((today.year - 1, True), (today.year, False)):
        for branch in branches[: 40 if close else 15]:
            rng = random.Random(f"appraisal-{branch.code}-{year}")
            round_ = appraisal_open(
                actor=DEMO, org=branch, year=year, held_on=date(year, 12, 20) if close else today
            )
            full = [
                r.member
                for r in round_.results.select_related("member")
                if r.member.category == Category.FULL
            ]
            excellent = set(rng.sample([m.id for m in full], k=len(full) // 4))
            grades = {
                m.id: Grade.EXCELLENT
                if m.id in excellent
                else (Grade.BASIC if rng.random() < 0.03 else Grade.QUALIFIED)
                for m in full
            }
            appraisal_grade(actor=DEMO, round_=round_, grades=grades)
            if close:
                appraisal_close(actor=DEMO, round_=round_)
