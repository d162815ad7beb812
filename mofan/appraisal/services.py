"""Writes of a 述职评议 round: opening it, its reporters and panels, the stages, reports,
comments (点评) and rectification items. Each checks who may act and leaves an audit record.
Codes and ballots are in ballots.py."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from mofan.appraisal import ballots
from mofan.appraisal.models import (
    DEFAULT_WEIGHTS,
    NEXT_STATUS,
    Panel,
    Rectification,
    RectificationStatus,
    Reporter,
    Round,
    RoundStatus,
)
from mofan.core.access import scope_of
from mofan.core.audit import audit, diff, snapshot
from mofan.core.errors import ApplicationError, full_clean_or_refuse
from mofan.core.locking import locked, refused_if_taken
from mofan.core.uploads import DOCUMENTS_AND_DOC, check_upload
from mofan.notifications.services import Message, notifications_send
from mofan.orgs.models import CommitteePost, CommitteeSeat, Org, OrgType

NO_PERMISSION = "只有组织述职评议的单位管理员可以进行此操作"
REPORTING_TYPES = frozenset(
    {
        OrgType.ORGAN_COMMITTEE,
        OrgType.BASIC_COMMITTEE,
        OrgType.GENERAL_BRANCH,
        OrgType.BRANCH,
        OrgType.JOINT_BRANCH,
    }
)
ROUND_FIELDS = ["title", "meeting_on", "value_good", "value_fair", "value_average", "value_poor"]
LISTING_STAGES = (RoundStatus.DRAFT, RoundStatus.REPORTS)
REPORT_STAGES = (RoundStatus.REPORTS, RoundStatus.VOTING)
STEP_LABELS = {
    RoundStatus.DRAFT: "通知述职人提交述职报告",
    RoundStatus.REPORTS: "开始评议投票",
    RoundStatus.VOTING: "结束投票并计票",
}


def runs(actor, round_: Round) -> bool:
    return scope_of(actor).can_admin(round_.org.path)


def require_runs(actor, round_: Round) -> None:
    if not runs(actor, round_):
        raise PermissionDenied(NO_PERMISSION)


def require_open(round_: Round) -> None:
    if round_.status == RoundStatus.CLOSED:
        raise ApplicationError("述职评议已结束，不能再修改")


def may_upload(actor, reporter: Reporter) -> bool:
    """The secretary themself, the recorders of their org, or whoever runs the round."""
    if reporter.user_id is not None and reporter.user_id == getattr(actor, "pk", None):
        return True
    scope = scope_of(actor)
    return scope.can_record(reporter.org.path) or scope.can_admin(reporter.round.org.path)


def may_record_rectification(actor, reporter: Reporter) -> bool:
    scope = scope_of(actor)
    return scope.can_record(reporter.org.path) or scope.can_admin(reporter.round.org.path)


@transaction.atomic
def round_create(*, actor, org: Org, year: int, title: str, meeting_on: date) -> Round:
    if not scope_of(actor).can_admin(org.path):
        raise PermissionDenied("您没有为该组织开展述职评议的权限")
    _check_meeting_year(year, meeting_on)
    round_ = Round(org=org, year=year, title=title.strip(), meeting_on=meeting_on)
    full_clean_or_refuse(round_, exclude=["org"])
    with refused_if_taken(f"{org.name}已有 {year} 年度的述职评议", field="year"):
        round_.save()
    Panel.objects.bulk_create(
        Panel(round=round_, identity=identity, weight=weight)
        for identity, weight in DEFAULT_WEIGHTS.items()
    )
    audit(actor=actor, action="appraisal.round_create", target=round_, detail=f"{year} 年度")
    return round_


def _check_meeting_year(year: int, meeting_on: date) -> None:
    # The meeting is held in November–December, or early the next year at the latest.
    if meeting_on.year not in (year, year + 1):
        raise ApplicationError(f"述职评议会日期应在 {year} 年或次年年初", field="meeting_on")


@transaction.atomic
def round_update(*, actor, round_: Round, **fields) -> Round:
    locked(round_)
    require_runs(actor, round_)
    require_open(round_)
    before = snapshot(round_, ROUND_FIELDS)
    for name in ROUND_FIELDS:
        if name in fields:
            setattr(round_, name, fields[name].strip() if name == "title" else fields[name])
    _check_meeting_year(round_.year, round_.meeting_on)
    if not round_.value_good >= round_.value_fair >= round_.value_average >= round_.value_poor:
        raise ApplicationError("各等次计分应为 好 ≥ 较好 ≥ 一般 ≥ 差", field="value_good")
    full_clean_or_refuse(round_, exclude=["org"])
    round_.save()
    changes = diff(before, snapshot(round_, ROUND_FIELDS))
    if changes:
        audit(actor=actor, action="appraisal.round_update", target=round_, changes=changes)
    return round_


def secretary_seats(orgs) -> dict[int, CommitteeSeat]:
    """The 书记 seat of each org (the first by order), with its member's account."""
    seats = (
        CommitteeSeat.objects.filter(org__in=orgs, post=CommitteePost.SECRETARY)
        .select_related("member")
        .order_by("-sort_order", "-id")
    )
    return {seat.org_id: seat for seat in seats}


@transaction.atomic
def reporters_add(*, actor, round_: Round, orgs) -> tuple[list[Reporter], list[tuple[Org, str]]]:
    """List the secretaries of `orgs` as reporters; returns those added and, for the others,
    why not (already listed, no 书记 recorded, outside the round's org)."""
    locked(round_)
    require_runs(actor, round_)
    if round_.status not in LISTING_STAGES:
        raise ApplicationError("投票开始后不能再增加述职人")
    orgs = list(orgs)
    listed = set(round_.reporters.values_list("org_id", flat=True))
    seats = secretary_seats(orgs)
    last = round_.reporters.count()
    added, skipped = [], []
    for org in sorted(orgs, key=lambda o: o.path):
        reason = _cannot_report(round_, org, listed, seats)
        if reason:
            skipped.append((org, reason))
            continue
        seat = seats[org.pk]
        user_id = seat.member.user_id if seat.member else None
        added.append(
            Reporter(
                round=round_, org=org, name=seat.name, user_id=user_id, sort_order=last + len(added)
            )
        )
        listed.add(org.pk)
    Reporter.objects.bulk_create(added)
    if added:
        names = "、".join(r.org.display_name for r in added[:5])
        more = f"等 {len(added)} 个组织" if len(added) > 5 else ""
        audit(
            actor=actor,
            action="appraisal.reporters_add",
            target=round_,
            detail=f"{names}{more}的书记",
        )
        if round_.status == RoundStatus.REPORTS:
            _ask_for_reports(actor, round_, added)
    return added, skipped


def _cannot_report(round_: Round, org: Org, listed: set[int], seats) -> str:
    if org.pk in listed:
        return "已在述职名单中"
    if org.pk == round_.org_id or not org.path.startswith(round_.org.path):
        return "不是本次述职评议组织单位的下级党组织"
    if org.org_type not in REPORTING_TYPES or org.is_dissolved:
        return "只有党委、党总支和党支部的书记述职"
    if org.pk not in seats:
        return "没有登记书记，请先在组织页面登记班子成员"
    return ""


@transaction.atomic
def reporter_remove(*, actor, reporter: Reporter) -> None:
    round_ = locked(reporter.round)
    require_runs(actor, round_)
    if round_.status not in LISTING_STAGES:
        raise ApplicationError("投票开始后不能再移除述职人")
    audit(actor=actor, action="appraisal.reporter_remove", target=round_, detail=str(reporter))
    reporter.delete()


def _ask_for_reports(actor, round_: Round, reporters) -> int:
    """A message to each reporter with an account: upload your 述职报告."""
    messages = [
        Message(
            user_ids=[r.user_id],
            key=f"appraisal:{round_.pk}:report:{r.pk}",
            title=f"请提交述职报告：{round_.title}",
            body=f"述职评议会定于 {round_.meeting_on:%Y年%m月%d日}，请在此前上传{r.org.name}的书记述职报告。",
            link=reverse("appraisal:reporter", args=[r.pk]),
        )
        for r in reporters
        if r.user_id is not None and r.user_id != getattr(actor, "pk", None)
    ]
    return notifications_send(actor=actor, messages=messages) if messages else 0


@transaction.atomic
def panel_update(*, actor, panel: Panel, weight, raters: int) -> Panel:
    round_ = locked(panel.round)
    require_runs(actor, round_)
    if round_.status in (RoundStatus.VOTING, RoundStatus.CLOSED):
        raise ApplicationError("投票开始后不能再修改权重和评议人数")
    before = snapshot(panel, ["weight", "raters"])
    panel.weight, panel.raters = weight, raters
    full_clean_or_refuse(panel, exclude=["round"])
    panel.save()
    changes = diff(before, snapshot(panel, ["weight", "raters"]))
    if changes:
        audit(
            actor=actor,
            action="appraisal.panel_update",
            target=round_,
            changes=changes,
            detail=str(panel),
        )
    return panel


def weights_total(round_: Round):
    return round_.panels.aggregate(total=Sum("weight"))["total"] or 0


@transaction.atomic
def round_step(*, actor, round_: Round, today: date | None = None) -> Round:
    """To the next stage: draft → reports (reporters notified) → voting → closed (counted)."""
    locked(round_)
    require_runs(actor, round_)
    if round_.status not in NEXT_STATUS:
        raise ApplicationError("述职评议已结束")
    new = NEXT_STATUS[RoundStatus(round_.status)]
    if new == RoundStatus.REPORTS and not round_.reporters.exists():
        raise ApplicationError("请先确定述职人名单")
    if new == RoundStatus.VOTING:
        _check_ready_to_vote(round_)
    if new == RoundStatus.CLOSED:
        if not round_.ballots.exists():
            raise ApplicationError("还没有人投票，不能结束")
        ballots.results_count(round_)
        round_.closed_on = today or timezone.localdate()
    before = round_.get_status_display()
    round_.status = new
    round_.save(update_fields=["status", "closed_on"])
    audit(
        actor=actor,
        action="appraisal.round_step",
        target=round_,
        detail=f"{before} → {round_.get_status_display()}",
    )
    if new == RoundStatus.REPORTS:
        _ask_for_reports(actor, round_, round_.reporters.select_related("org"))
    return round_


def _check_ready_to_vote(round_: Round) -> None:
    total = weights_total(round_)
    if total != 100:
        raise ApplicationError(f"各类评议人权重合计应为 100%，现为 {Decimal(total).normalize():f}%")
    if not round_.codes.exists():
        raise ApplicationError("请先为评议人发放评议码")


@transaction.atomic
def report_upload(*, actor, reporter: Reporter, upload, today: date | None = None) -> Reporter:
    locked(reporter)
    if not may_upload(actor, reporter):
        raise PermissionDenied("只有述职人本人或其所在组织的管理员可以上传述职报告")
    if reporter.round.status not in REPORT_STAGES:
        raise ApplicationError("当前阶段不能上传述职报告")
    checked = check_upload(
        upload,
        allowed=DOCUMENTS_AND_DOC,
        max_mb=20,
        field="report",
        type_message=f"述职报告只能是 {'、'.join(DOCUMENTS_AND_DOC)} 文件",
        size_message="述职报告不能超过 20 MB",
    )
    reporter.report.save(checked.stored_name, upload, save=False)
    reporter.report_name = checked.original_name
    reporter.report_type = checked.content_type
    reporter.report_on = today or timezone.localdate()
    reporter.save(update_fields=["report", "report_name", "report_type", "report_on"])
    audit(
        actor=actor,
        action="appraisal.report_upload",
        target=reporter,
        detail=checked.original_name,
    )
    return reporter


@transaction.atomic
def reporter_review(*, actor, reporter: Reporter, presented: bool, comment: str) -> Reporter:
    """Whether the secretary reported at the meeting, and the committee's 点评."""
    round_ = locked(reporter.round)
    require_runs(actor, round_)
    if round_.status == RoundStatus.DRAFT:
        raise ApplicationError("通知述职人后才能登记述职和点评")
    locked(reporter)
    before = snapshot(reporter, ["presented", "comment"])
    reporter.presented, reporter.comment = presented, comment.strip()
    reporter.save(update_fields=["presented", "comment"])
    changes = diff(before, snapshot(reporter, ["presented", "comment"]))
    if changes:
        audit(actor=actor, action="appraisal.reporter_review", target=reporter, changes=changes)
    return reporter


@transaction.atomic
def rectification_add(
    *, actor, reporter: Reporter, problem: str, measure: str, deadline: date
) -> Rectification:
    require_runs(actor, reporter.round)
    if reporter.round.status == RoundStatus.DRAFT:
        raise ApplicationError("通知述职人后才能列整改清单")
    item = Rectification(
        reporter=reporter, problem=problem.strip(), measure=measure.strip(), deadline=deadline
    )
    full_clean_or_refuse(item, exclude=["reporter"])
    item.save()
    audit(actor=actor, action="appraisal.rectification_add", target=reporter, detail=item.problem)
    return item


@transaction.atomic
def rectification_done(
    *, actor, item: Rectification, done: bool, today: date | None = None
) -> Rectification:
    """Mark an item done (or open again): the reporter's org records it, or the round's admin."""
    locked(item)
    reporter = item.reporter
    if not may_record_rectification(actor, reporter):
        raise PermissionDenied("只有述职组织或组织述职评议的单位可以更新整改情况")
    item.status = RectificationStatus.DONE if done else RectificationStatus.OPEN
    item.done_on = (today or timezone.localdate()) if done else None
    item.save(update_fields=["status", "done_on"])
    audit(
        actor=actor,
        action="appraisal.rectification_update",
        target=reporter,
        detail=f"{item.problem}：{item.get_status_display()}",
    )
    return item
