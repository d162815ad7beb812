"""Plans and tasks through the services: one master plan per org and year, assignment down the
tree, splitting, derived 逾期, progress with evidence, accept / return / cancel, and the
timeline and audit row each step leaves."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from mofan.core.errors import ApplicationError
from mofan.core.models import AuditLog
from mofan.plans import services
from mofan.plans.models import Evidence, Plan, Task, TaskEvent, TaskStatus
from mofan.plans.tests.conftest import audits, pdf, timeline

Kind = TaskEvent.Kind


def sub_plan(actor, master, **fields):
    return services.plan_create(
        actor=actor,
        org=fields.pop("org", master.org),
        year=fields.pop("year", master.year),
        kind=Plan.Kind.SUB,
        title=fields.pop("title", "理论学习计划"),
        master=master,
        **fields,
    )


def report(task, percent, actor, text="按节点推进", **kwargs):
    return services.task_report(actor=actor, task=task, text=text, percent=percent, **kwargs)


def fresh(task) -> Task:
    return Task.objects.get(pk=task.pk)


# --- plans ------------------------------------------------------------------------------------


def test_it_creates_a_master_plan_with_an_audit_row(master, users, tree, today):
    assert (master.org, master.year, master.kind) == (tree.committee, today.year, "master")
    [log] = audits("plan.create", master)
    assert log.user == users.committee_admin
    assert "实施方案" in log.detail


def test_it_refuses_a_second_master_plan_for_the_same_org_and_year(master, users, tree):
    with pytest.raises(ApplicationError, match="已有实施方案") as caught:
        services.plan_create(
            actor=users.committee_admin,
            org=tree.committee,
            year=master.year,
            kind=Plan.Kind.MASTER,
            title="另一个实施方案",
        )
    assert caught.value.field == "kind"
    assert Plan.objects.filter(kind=Plan.Kind.MASTER).count() == 1


def test_it_allows_a_master_plan_for_another_year_and_another_org(master, users, tree):
    next_year = services.plan_create(
        actor=users.committee_admin,
        org=tree.committee,
        year=master.year + 1,
        kind=Plan.Kind.MASTER,
        title="明年的实施方案",
    )
    unit_plan = services.plan_create(
        actor=users.unit_admin,
        org=tree.unit,
        year=master.year,
        kind=Plan.Kind.MASTER,
        title="机关党委实施方案",
    )
    assert {next_year.kind, unit_plan.kind} == {"master"}


def test_it_puts_any_number_of_sub_plans_under_the_master(master, users):
    study = sub_plan(users.committee_admin, master, title="理论学习计划")
    discipline = sub_plan(users.committee_admin, master, title="纪检工作计划")
    assert set(master.sub_plans.all()) == {study, discipline}
    assert study.kind == "sub"


@pytest.mark.parametrize("case", ["no master", "other org", "other year", "master is a sub-plan"])
def test_it_refuses_a_sub_plan_outside_its_orgs_master_of_that_year(case, master, users, tree):
    if case == "no master":
        kwargs = {"master": None}
    elif case == "other org":
        kwargs = {
            "master": services.plan_create(
                actor=users.unit_admin,
                org=tree.unit,
                year=master.year,
                kind=Plan.Kind.MASTER,
                title="机关党委实施方案",
            )
        }
    elif case == "other year":
        kwargs = {"year": master.year + 1}
    else:
        kwargs = {"master": sub_plan(users.committee_admin, master)}
    before = Plan.objects.count()
    with pytest.raises(ApplicationError, match="分方案须属于本组织同年度的实施方案"):
        services.plan_create(
            actor=users.committee_admin,
            org=tree.committee,
            year=kwargs.pop("year", master.year),
            kind=Plan.Kind.SUB,
            title="学习计划",
            master=kwargs.get("master", master),
        )
    assert Plan.objects.count() == before


@pytest.mark.parametrize("who", ["secretary", "leader", "member", "unit_admin"])
def test_it_lets_only_admins_of_the_org_make_its_plans(who, users, tree, today):
    with pytest.raises(PermissionDenied):
        services.plan_create(
            actor=getattr(users, who),
            org=tree.committee,
            year=today.year,
            kind=Plan.Kind.MASTER,
            title="实施方案",
        )
    assert not Plan.objects.exists()


def test_it_adds_items_to_a_plan_for_its_admins_only(master, users):
    item = services.plan_item_add(
        actor=users.committee_admin, plan=master, number="一", title="政治建设"
    )
    assert str(item) == "一 政治建设"
    assert audits("plan.item_add", master)[0].detail == "一 政治建设"
    with pytest.raises(PermissionDenied):
        services.plan_item_add(actor=users.unit_admin, plan=master, title="理论武装")


# --- assigning --------------------------------------------------------------------------------


def test_it_assigns_a_task_from_the_plans_org_to_an_org_of_its_sub_tree(task, tree, users):
    assert task.assigner == tree.committee
    assert task.owner_org == tree.unit
    assert task.status == TaskStatus.NOT_STARTED
    assert task.progress == 0
    [event] = task.events.all()
    assert (event.kind, event.by) == (Kind.CREATED, users.committee_admin)
    assert tree.unit.name in event.text
    [log] = audits("task.create", task)
    assert log.changes["title"] == [None, task.title]


def test_it_refuses_an_owner_outside_the_assigners_sub_tree(users, tree, today, assign):
    unit_plan = services.plan_create(
        actor=users.unit_admin,
        org=tree.unit,
        year=today.year,
        kind=Plan.Kind.MASTER,
        title="机关党委实施方案",
    )
    with pytest.raises(ApplicationError, match="责任单位须在") as caught:
        assign(tree.far_branch, plan=unit_plan, actor=users.unit_admin)
    assert caught.value.field == "owner_org"
    assert not Task.objects.exists()


def test_it_refuses_a_deadline_before_the_start(assign, tree, today):
    with pytest.raises(ApplicationError, match="完成时限不能早于开始日期"):
        assign(tree.unit, start_on=today, deadline=today - timedelta(days=1))
    assert assign(tree.unit, start_on=today, deadline=today).deadline == today


@pytest.mark.parametrize("weight", [Decimal(0), Decimal("-1")])
def test_it_refuses_a_weight_that_is_not_above_zero(weight, assign, tree):
    with pytest.raises(ApplicationError, match="权重须大于 0"):
        assign(tree.unit, weight=weight)
    assert not Task.objects.exists()


def test_it_refuses_a_blank_title(assign, tree):
    with pytest.raises(ApplicationError, match="请填写任务名称"):
        assign(tree.unit, title="   ")


def test_it_refuses_an_item_of_another_plan(assign, master, users, tree):
    other = sub_plan(users.committee_admin, master)
    item = services.plan_item_add(actor=users.committee_admin, plan=other, title="学习")
    with pytest.raises(ApplicationError, match="方案事项不属于该方案"):
        assign(tree.unit, item=item)


@pytest.mark.parametrize("who", ["unit_admin", "secretary", "leader"])
def test_it_lets_only_admins_of_the_plans_org_assign(who, assign, users, tree):
    with pytest.raises(PermissionDenied):
        assign(tree.branch, actor=getattr(users, who))
    assert not Task.objects.exists()


# --- splitting --------------------------------------------------------------------------------


def test_it_lets_the_unit_admin_split_its_task_to_its_branches(task, split, tree, users):
    sub = split(task, tree.branch, title="第一支部落实", weight=Decimal(2))
    assert sub.parent == task
    assert sub.assigner == tree.unit
    assert (sub.plan, sub.item) == (task.plan, task.item)
    assert sub.start_on == task.start_on
    assert timeline(task) == [Kind.CREATED, Kind.SPLIT]
    assert timeline(sub) == [Kind.CREATED]
    [log] = audits("task.split", sub)
    assert log.user == users.unit_admin


def test_it_refuses_a_sub_task_due_after_its_parent(task, split, tree):
    with pytest.raises(ApplicationError, match="不能晚于上级任务") as caught:
        split(task, tree.branch, deadline=task.deadline + timedelta(days=1))
    assert caught.value.field == "deadline"
    assert split(task, tree.branch, deadline=task.deadline).deadline == task.deadline


def test_it_refuses_splitting_to_the_same_unit(task, split, tree):
    with pytest.raises(ApplicationError, match="请分解给下级组织"):
        split(task, tree.unit)


def test_it_refuses_splitting_outside_the_owners_sub_tree(task, split, tree):
    with pytest.raises(ApplicationError, match="责任单位须在"):
        split(task, tree.far_branch)


@pytest.mark.parametrize("who", ["secretary", "leader"])
def test_it_lets_only_admins_of_the_owner_split(who, task, split, tree, users):
    with pytest.raises(PermissionDenied):
        split(task, tree.branch, actor=getattr(users, who))


def test_it_refuses_splitting_a_task_submitted_for_acceptance(task, split, tree, users):
    report(task, 100, users.unit_admin)
    with pytest.raises(ApplicationError, match="不能再分解"):
        split(task, tree.branch)


# --- derived 逾期 -----------------------------------------------------------------------------


def test_it_derives_overdue_from_the_deadline_and_never_stores_it(assign, tree, today, users):
    late = assign(tree.unit, deadline=today - timedelta(days=1))
    due_today = assign(tree.unit, deadline=today)
    assert late.status == TaskStatus.NOT_STARTED
    assert services.derived_status(late, today) == ("overdue", "逾期")
    assert services.derived_status(due_today, today) == ("not_started", "未开始")
    report(late, 40, users.unit_admin)
    assert fresh(late).status == TaskStatus.IN_PROGRESS
    assert services.derived_status(fresh(late), today) == ("overdue", "逾期")
    assert "overdue" not in Task.objects.values_list("status", flat=True)


def test_it_never_calls_a_done_or_cancelled_task_overdue(assign, tree, today, users):
    done = assign(tree.unit, deadline=today - timedelta(days=1))
    report(done, 100, users.unit_admin)
    services.task_accept(actor=users.committee_admin, task=done)
    cancelled = assign(tree.unit, deadline=today - timedelta(days=1))
    services.task_cancel(actor=users.committee_admin, task=cancelled, reason="工作调整")
    assert services.derived_status(done, today) == ("done", "已完成")
    assert services.derived_status(cancelled, today) == ("cancelled", "已取消")
    assert not services.is_overdue(done, today + timedelta(days=365))


# --- progress -----------------------------------------------------------------------------------


def test_it_records_progress_and_submits_at_one_hundred_percent(task, users):
    event = report(task, 30, users.unit_admin, text="已召开部署会")
    assert (event.kind, event.percent, event.text) == (Kind.PROGRESS, 30, "已召开部署会")
    assert (fresh(task).status, fresh(task).progress) == (TaskStatus.IN_PROGRESS, 30)
    event = report(task, 100, users.unit_admin, text="全部完成")
    assert event.kind == Kind.SUBMITTED
    assert fresh(task).status == TaskStatus.SUBMITTED
    assert fresh(task).get_status_display() == "待验收"
    assert [log.detail for log in audits("task.report", task)] == [
        "30%：已召开部署会",
        "100%：全部完成",
    ]


def test_it_refuses_progress_that_goes_down(task, users):
    report(task, 60, users.unit_admin)
    with pytest.raises(ApplicationError, match="进度不能低于上次报告的 60%"):
        report(task, 50, users.unit_admin)
    assert fresh(task).progress == 60
    report(task, 60, users.unit_admin, text="本周无新进展")
    assert timeline(task).count(Kind.PROGRESS) == 2


@pytest.mark.parametrize("percent", [-1, 101])
def test_it_refuses_a_percent_outside_zero_to_a_hundred(percent, task, users):
    with pytest.raises(ApplicationError, match="0–100"):
        report(task, percent, users.unit_admin)


def test_it_refuses_a_report_without_text(task, users):
    with pytest.raises(ApplicationError, match="请填写进展情况"):
        report(task, 10, users.unit_admin, text="  ")


def test_it_refuses_completion_without_evidence_when_evidence_is_needed(assign, tree, users):
    task = assign(tree.unit, needs_evidence=True)
    report(task, 90, users.unit_admin)
    with pytest.raises(ApplicationError, match="须上传佐证材料") as caught:
        report(task, 100, users.unit_admin)
    assert caught.value.field == "files"
    assert (fresh(task).status, fresh(task).progress) == (TaskStatus.IN_PROGRESS, 90)
    assert timeline(task) == [Kind.CREATED, Kind.PROGRESS]


def test_it_accepts_completion_with_a_pdf_as_evidence(assign, tree, users, media):
    task = assign(tree.unit, needs_evidence=True)
    event = report(task, 100, users.unit_admin, files=[pdf("验收材料.pdf")])
    [evidence] = event.evidence.all()
    assert (evidence.original_name, evidence.content_type) == ("验收材料.pdf", "application/pdf")
    assert evidence.size == len(pdf().read())
    assert evidence.file.read().startswith(b"%PDF")
    assert fresh(task).status == TaskStatus.SUBMITTED


def test_it_counts_evidence_sent_with_an_earlier_report(assign, tree, users):
    task = assign(tree.unit, needs_evidence=True)
    report(task, 50, users.unit_admin, files=[pdf()])
    report(task, 100, users.unit_admin)
    assert fresh(task).status == TaskStatus.SUBMITTED


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("照片改名.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 32, "application/pdf"),
        SimpleUploadedFile("说明.exe", b"MZ\x90\x00", "application/octet-stream"),
    ],
    ids=["renamed png", "exe"],
)
def test_it_refuses_evidence_that_is_not_what_it_claims(upload, assign, tree, users):
    task = assign(tree.unit, needs_evidence=True)
    with pytest.raises(ApplicationError):
        report(task, 100, users.unit_admin, files=[upload])
    assert (fresh(task).status, fresh(task).progress) == (TaskStatus.NOT_STARTED, 0)
    assert not Evidence.objects.exists()
    assert timeline(task) == [Kind.CREATED]


def test_it_lets_the_owner_branchs_secretary_report_but_not_accept(task, split, tree, users):
    sub = split(task, tree.branch)
    report(sub, 100, users.secretary)
    assert fresh(sub).status == TaskStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        services.task_accept(actor=users.secretary, task=fresh(sub))
    with pytest.raises(PermissionDenied):
        services.task_return(actor=users.secretary, task=fresh(sub), reason="不行")


@pytest.mark.parametrize("who", ["outsider", "leader", "member"])
def test_it_refuses_reports_from_anyone_but_the_owners_admins_and_secretaries(
    who, task, split, tree, users
):
    sub = split(task, tree.branch)
    with pytest.raises(PermissionDenied):
        report(sub, 10, getattr(users, who))
    assert fresh(sub).progress == 0


# --- accept, return, cancel -------------------------------------------------------------------


def test_it_lets_the_assigner_accept_a_submitted_task(task, users, today):
    report(task, 100, users.unit_admin)
    accepted = services.task_accept(actor=users.committee_admin, task=fresh(task), text="材料齐全")
    assert (accepted.status, accepted.finished_on) == (TaskStatus.DONE, today)
    assert fresh(task).get_status_display() == "已完成"
    assert task.events.last().kind == Kind.ACCEPTED
    assert task.events.last().text == "材料齐全"
    assert audits("task.accept", task)[0].user == users.committee_admin


def test_it_refuses_to_accept_a_task_not_submitted(task, users):
    report(task, 60, users.unit_admin)
    with pytest.raises(ApplicationError, match="只有报请验收的任务可以验收"):
        services.task_accept(actor=users.committee_admin, task=fresh(task))


def test_it_does_not_let_the_owner_accept_its_own_task(task, users):
    report(task, 100, users.unit_admin)
    with pytest.raises(PermissionDenied):
        services.task_accept(actor=users.unit_admin, task=fresh(task))
    assert fresh(task).status == TaskStatus.SUBMITTED


def test_it_returns_a_task_with_a_reason_to_in_progress(task, users):
    report(task, 100, users.unit_admin)
    with pytest.raises(ApplicationError, match="请填写退回原因"):
        services.task_return(actor=users.committee_admin, task=fresh(task), reason=" ")
    returned = services.task_return(
        actor=users.committee_admin, task=fresh(task), reason="缺少会议记录"
    )
    assert (returned.status, returned.progress) == (TaskStatus.IN_PROGRESS, 90)
    assert task.events.last().kind == Kind.RETURNED
    assert task.events.last().text == "缺少会议记录"
    assert audits("task.return", task)[0].detail == "缺少会议记录"
    report(returned, 100, users.unit_admin, text="已补充会议记录")
    assert fresh(task).status == TaskStatus.SUBMITTED


def test_it_cancels_only_with_a_reason(task, users):
    with pytest.raises(ApplicationError, match="请填写取消原因"):
        services.task_cancel(actor=users.committee_admin, task=task, reason="")
    services.task_cancel(actor=users.committee_admin, task=task, reason="上级调整部署")
    assert fresh(task).status == TaskStatus.CANCELLED
    assert audits("task.cancel", task)[0].detail == "上级调整部署"
    with pytest.raises(ApplicationError, match="已取消"):
        report(fresh(task), 10, users.unit_admin)


def test_it_refuses_to_cancel_a_task_with_open_sub_tasks(task, split, tree, users):
    sub = split(task, tree.branch)
    with pytest.raises(ApplicationError, match="请先取消尚未完成的分解任务"):
        services.task_cancel(actor=users.committee_admin, task=task, reason="调整")
    services.task_cancel(actor=users.unit_admin, task=sub, reason="支部合并")
    services.task_cancel(actor=users.committee_admin, task=fresh(task), reason="调整")
    assert fresh(task).status == TaskStatus.CANCELLED


def test_it_keeps_every_step_in_the_timeline_and_the_audit_log(task, users):
    report(task, 40, users.unit_admin)
    report(task, 100, users.unit_admin)
    services.task_return(actor=users.committee_admin, task=fresh(task), reason="材料不全")
    report(fresh(task), 100, users.unit_admin, text="已补齐")
    services.task_accept(actor=users.committee_admin, task=fresh(task))
    assert timeline(task) == [
        Kind.CREATED,
        Kind.PROGRESS,
        Kind.SUBMITTED,
        Kind.RETURNED,
        Kind.SUBMITTED,
        Kind.ACCEPTED,
    ]
    assert [e.by for e in task.events.order_by("id")] == [
        users.committee_admin,
        users.unit_admin,
        users.unit_admin,
        users.committee_admin,
        users.unit_admin,
        users.committee_admin,
    ]
    logs = AuditLog.objects.filter(target_type="plans.task", target_id=str(task.pk)).order_by("id")
    assert [(log.action, log.user) for log in logs] == [
        ("task.create", users.committee_admin),
        ("task.report", users.unit_admin),
        ("task.report", users.unit_admin),
        ("task.return", users.committee_admin),
        ("task.report", users.unit_admin),
        ("task.accept", users.committee_admin),
    ]


# --- a split task follows its sub-tasks ---------------------------------------------------------


def test_it_refuses_a_report_on_a_split_task(task, split, tree, users):
    split(task, tree.branch)
    with pytest.raises(ApplicationError, match="进度由分解任务汇总"):
        report(fresh(task), 50, users.unit_admin)


def test_it_lets_the_owner_report_again_once_every_sub_task_is_cancelled(task, split, tree, users):
    sub = split(task, tree.branch)
    services.task_cancel(actor=users.unit_admin, task=sub, reason="改由机关党委直接办理")
    report(fresh(task), 50, users.unit_admin)
    assert fresh(task).progress == 50


def test_it_moves_a_split_task_along_with_its_sub_tasks(task, split, tree, users, today):
    first = split(task, tree.branch, weight=Decimal(1))
    second = split(task, tree.other_branch, weight=Decimal(3))
    report(first, 100, users.secretary)
    parent = fresh(task)
    assert (parent.status, parent.progress) == (TaskStatus.IN_PROGRESS, 25)
    services.task_accept(actor=users.unit_admin, task=fresh(first))
    report(second, 100, users.outsider)  # other_branch's secretary
    assert fresh(task).status == TaskStatus.IN_PROGRESS
    services.task_accept(actor=users.unit_admin, task=fresh(second))
    parent = fresh(task)
    assert (parent.status, parent.progress) == (TaskStatus.SUBMITTED, 100)
    assert timeline(parent)[-1] == Kind.SUBMITTED
    services.task_accept(actor=users.committee_admin, task=parent)
    assert fresh(task).status == TaskStatus.DONE
    assert not services.is_overdue(fresh(task), task.deadline + timedelta(days=1))


def test_it_submits_a_split_task_when_its_last_open_sub_task_is_cancelled(task, split, tree, users):
    first = split(task, tree.branch)
    second = split(task, tree.other_branch)
    report(first, 100, users.secretary)
    services.task_accept(actor=users.unit_admin, task=fresh(first))
    services.task_cancel(actor=users.unit_admin, task=second, reason="该支部已撤销")
    assert fresh(task).status == TaskStatus.SUBMITTED


# --- editing ---------------------------------------------------------------------------------


def test_it_lets_the_assigner_edit_with_a_timeline_entry_and_the_changes_audited(task, users):
    services.task_update(actor=users.committee_admin, task=task, leader="王书记", weight=Decimal(2))
    assert (fresh(task).leader, fresh(task).weight) == ("王书记", Decimal(2))
    assert task.events.last().kind == Kind.UPDATED
    [log] = audits("task.update", task)
    assert log.changes["leader"] == ["李副书记", "王书记"]
    with pytest.raises(PermissionDenied):
        services.task_update(actor=users.unit_admin, task=fresh(task), leader="自改")


def test_it_refuses_a_new_deadline_earlier_than_a_sub_tasks(task, split, tree, users):
    deadline = task.deadline
    split(task, tree.branch, deadline=deadline)
    with pytest.raises(ApplicationError, match="晚于新的时限"):
        services.task_update(
            actor=users.committee_admin, task=task, deadline=deadline - timedelta(days=1)
        )
    assert fresh(task).deadline == deadline


def test_it_refuses_to_edit_a_done_task(task, users):
    report(task, 100, users.unit_admin)
    services.task_accept(actor=users.committee_admin, task=fresh(task))
    with pytest.raises(ApplicationError, match="不能修改"):
        services.task_update(actor=users.committee_admin, task=fresh(task), title="改名")


def test_it_refuses_progress_reported_by_the_assigning_side(task, split, tree, users):
    sub = split(task, tree.branch)
    with pytest.raises(PermissionDenied, match="交办方不能代为报告"):
        report(sub, 50, users.unit_admin)  # the unit assigned it: the branch answers for itself
    with pytest.raises(PermissionDenied, match="交办方不能代为报告"):
        report(task, 50, users.committee_admin)
    report(sub, 50, users.secretary)
    assert fresh(sub).progress == 50
