"""民主评议党员: yearly grades for full members, at most one third 优秀; probationary members are
listed but not graded."""

from django.db import transaction
from django.db.models import Count

from mofan.core.audit import audit
from mofan.core.errors import ApplicationError
from mofan.core.locking import locked
from mofan.meetings.models import AppraisalResult, AppraisalRound, Grade
from mofan.meetings.services import require_meeting_writer
from mofan.members.models import CURRENT_STATUSES, Category, Member
from mofan.orgs.models import BRANCH_TYPES


@transaction.atomic
def appraisal_open(*, actor, org, year: int, held_on) -> AppraisalRound:
    require_meeting_writer(actor, org)
    locked(org)  # two opens of the same year at once: the second sees the first round
    if org.org_type not in BRANCH_TYPES:
        raise ApplicationError("民主评议党员以党支部为单位进行", field="org")
    if AppraisalRound.objects.filter(org=org, year=year).exists():
        raise ApplicationError(f"{org.name} {year} 年的民主评议已经建立", field="year")
    round_ = AppraisalRound.objects.create(org=org, year=year, held_on=held_on)
    members = Member.objects.filter(org=org, status__in=CURRENT_STATUSES).order_by("name", "id")
    AppraisalResult.objects.bulk_create(AppraisalResult(round=round_, member=m) for m in members)
    audit(actor=actor, action="appraisal.open", target=round_)
    return round_


def excellent_limit(graded: int) -> int:
    return graded // 3


@transaction.atomic
def appraisal_grade(*, actor, round_: AppraisalRound, grades: dict[int, str]) -> AppraisalRound:
    """Set grades by member id; refused when 优秀 would exceed one third of those graded."""
    locked(round_)
    require_meeting_writer(actor, round_.org)
    if round_.closed:
        raise ApplicationError("该次评议已完成，不能再修改")
    results = {r.member_id: r for r in round_.results.select_related("member")}
    for member_id, grade in grades.items():
        result = results.get(member_id)
        if result is None:
            raise ApplicationError("评议名单中没有该党员", field="grades")
        if result.member.category == Category.PROBATIONARY:
            if grade:
                raise ApplicationError(
                    f"{result.member.name} 是预备党员，参加评议但不评定等次", field="grades"
                )
            continue
        if grade and grade not in Grade.values:
            raise ApplicationError("等次须为优秀、合格、基本合格或不合格", field="grades")
        result.grade = grade
    full = [r for r in results.values() if r.member.category == Category.FULL]
    excellent = sum(1 for r in full if r.grade == Grade.EXCELLENT)
    limit = excellent_limit(len(full))
    if excellent > limit:
        raise ApplicationError(
            f"评为优秀的党员不能超过参评正式党员的三分之一：正式党员 {len(full)} 人，最多 {limit} 人优秀，现为 {excellent} 人",
            field="grades",
        )
    AppraisalResult.objects.bulk_update(list(results.values()), ["grade"])
    audit(actor=actor, action="appraisal.grade", target=round_, detail=f"优秀 {excellent} 人")
    return round_


@transaction.atomic
def appraisal_close(*, actor, round_: AppraisalRound) -> AppraisalRound:
    locked(round_)  # a grade being cleared at the same time is seen before closing
    require_meeting_writer(actor, round_.org)
    missing = round_.results.filter(member__category=Category.FULL, grade="").count()
    if missing:
        raise ApplicationError(f"还有 {missing} 名正式党员未评定等次")
    round_.closed = True
    round_.save(update_fields=["closed"])
    audit(actor=actor, action="appraisal.close", target=round_)
    return round_


def appraisal_summary(rounds) -> dict[int, dict[str, int]]:
    """Grade counts per round id (one query)."""
    summary: dict[int, dict[str, int]] = {}
    rows = (
        AppraisalResult.objects.filter(round__in=rounds)
        .values("round_id", "grade")
        .annotate(n=Count("id"))
    )
    for row in rows:
        summary.setdefault(row["round_id"], {})[row["grade"] or "ungraded"] = row["n"]
    return summary


def appraisal_totals(rounds) -> dict[str, int]:
    """Grade counts summed over all the rounds, not only one page of them (one query)."""
    rows = AppraisalResult.objects.filter(round__in=rounds).values("grade").annotate(n=Count("id"))
    return {row["grade"] or "ungraded": row["n"] for row in rows}
