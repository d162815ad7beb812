"""Messages when something happens in plans and supervision (issue 10 §3): each event reaches
the people who act on it (never the actor, never another unit), links to its page, is written
once however often the write is repeated, and goes with the write when it rolls back.

The tree: committee (committee_admin, leader) → unit (unit_admin) → branch (secretary, member)
→ group; unit → other_branch (outsider); committee → far_unit → far_branch (nobody)."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mofan.core.access import SYSTEM, Role
from mofan.core.errors import ApplicationError
from mofan.notifications.models import Notification
from mofan.orgs.models import OrgType
from mofan.plans import events, services, supervision
from mofan.plans.models import Assignment, Instruction, Plan, TaskEvent
from mofan.site.tests.factories import make_org, make_user

TODAY = timezone.localdate()


def received(user) -> list[tuple[str, str]]:
    """(title, link) of every message the user has, oldest first."""
    return list(user.notifications.order_by("id").values_list("title", "link"))


def newest(user) -> Notification:
    return user.notifications.order_by("id").last()


def titles(user) -> list[str]:
    return [title for title, _ in received(user)]


def nobody_but(users, *names) -> None:
    """Only the users named got anything."""
    for name, user in vars(users).items():
        assert bool(titles(user)) == (name in names), name


def report(task, actor, percent=100, text="已完成，形成学习台账"):
    return services.task_report(actor=actor, task=task, text=text, percent=percent)


def register(units, *, actor, org=None, tree=None, deadline=None):
    return supervision.instruction_register(
        actor=actor,
        org=org or tree.committee,
        source=Instruction.Source.SUPERIOR,
        level=Instruction.Level.IMPORTANT,
        title="落实上级批示",
        content="请认真研究落实，按时反馈。",
        received_on=TODAY - timedelta(days=3),
        assignments=[(u, deadline or TODAY + timedelta(days=7)) for u in units],
    )


def link_of(assignment: Assignment) -> str:
    return f"/plans/supervision/{assignment.instruction_id}/#assignment-{assignment.pk}"


# --- tasks: assigned and split -----------------------------------------------------------------


def test_a_task_assigned_to_a_unit_reaches_its_admins_with_a_link(assign, tree, users):
    task = assign(tree.unit, "建立健全理论学习制度")
    assert received(users.unit_admin) == [
        ("新任务：建立健全理论学习制度", f"/plans/tasks/{task.id}/")
    ]
    note = users.unit_admin.notifications.get()
    assert note.body == (f"市直机关工委下达给市发改委机关党委，完成时限 {task.deadline:%Y-%m-%d}")
    # not the committee admin who assigned it, not the branches below, not the read-only leader
    nobody_but(users, "unit_admin")


def test_a_task_assigned_to_a_branch_reaches_its_secretary_only(assign, tree, users):
    assign(tree.branch, "开展主题党日")
    # the unit admin's grant is above the branch, not on it; a plain member acts on nothing
    nobody_but(users, "secretary")


def test_a_party_groups_task_reaches_its_branchs_secretary(assign, tree, users):
    assign(tree.group, "党小组学习")
    assert titles(users.secretary) == ["新任务：党小组学习"]
    nobody_but(users, "secretary")


def test_a_task_split_to_a_branch_reaches_its_secretary_not_the_splitter(task, split, tree, users):
    Notification.objects.all().delete()
    sub = split(task, tree.branch, "支部落实学习制度")
    assert received(users.secretary) == [("分解任务：支部落实学习制度", f"/plans/tasks/{sub.id}/")]
    assert "市发改委机关党委分解下达给发改委第一党支部（上级任务：建立健全理论学习制度）" in (
        users.secretary.notifications.get().body
    )
    nobody_but(users, "secretary")


def test_an_inactive_secretary_gets_nothing(assign, tree, users):
    users.secretary.is_active = False
    users.secretary.save(update_fields=["is_active"])
    assign(tree.branch)
    assert titles(users.secretary) == []


def test_an_org_without_accounts_gets_nothing_and_the_write_still_succeeds(assign, tree, users):
    task = assign(tree.far_branch)
    assert task.pk and not Notification.objects.exists()


def test_a_repeated_send_of_the_same_event_writes_one(assign, tree, users):
    task = assign(tree.branch)
    assert events.task_assigned(actor=users.committee_admin, task=task) == 0
    assert titles(users.secretary) == ["新任务：建立健全理论学习制度"]


def test_no_message_when_the_write_rolls_back(assign, tree, users):
    with pytest.raises(RuntimeError), transaction.atomic():
        assign(tree.branch)
        raise RuntimeError("写入失败")
    assert not Notification.objects.exists()


def test_a_refused_write_sends_nothing(assign, tree, users):
    with pytest.raises(ApplicationError):
        assign(tree.branch, deadline=TODAY - timedelta(days=60))
    assert not Notification.objects.exists()


# --- tasks: submitted, accepted, returned, cancelled --------------------------------------------


def test_submitting_for_acceptance_tells_the_assigners_admins(assign, tree, users):
    task = assign(tree.branch)
    report(task, users.secretary, percent=50, text="已学习两次")
    assert titles(users.committee_admin) == []  # progress alone is not an event to act on
    report(task, users.secretary)
    assert received(users.committee_admin) == [
        ("任务报请验收：建立健全理论学习制度", f"/plans/tasks/{task.id}/")
    ]
    assert (
        users.committee_admin.notifications.get().body == "发改委第一党支部：已完成，形成学习台账"
    )
    assert titles(users.leader) == [] and titles(users.unit_admin) == []
    assert titles(users.secretary) == ["新任务：建立健全理论学习制度"]


def test_accepting_tells_the_owner_and_a_second_accept_sends_nothing(assign, tree, users):
    task = assign(tree.branch)
    report(task, users.secretary)
    services.task_accept(actor=users.committee_admin, task=task, text="材料齐全")
    with pytest.raises(ApplicationError):
        services.task_accept(actor=users.committee_admin, task=task)
    assert received(users.secretary)[1:] == [
        ("任务已通过验收：建立健全理论学习制度", f"/plans/tasks/{task.id}/")
    ]
    assert newest(users.secretary).body == "市直机关工委：材料齐全"
    assert titles(users.committee_admin) == ["任务报请验收：建立健全理论学习制度"]
    assert titles(users.outsider) == [] and titles(users.unit_admin) == []


def test_returning_tells_the_owner_why_and_the_next_submission_is_a_new_event(assign, tree, users):
    task = assign(tree.unit)
    report(task, users.unit_admin)
    services.task_return(actor=users.committee_admin, task=task, reason="缺少学习记录")
    assert titles(users.unit_admin)[-1] == "任务被退回：建立健全理论学习制度"
    assert newest(users.unit_admin).body == "市直机关工委退回：缺少学习记录"
    report(task, users.unit_admin, text="已补充学习记录")
    assert titles(users.committee_admin) == ["任务报请验收：建立健全理论学习制度"] * 2


def test_cancelling_tells_the_owner(assign, tree, users):
    task = assign(tree.branch)
    services.task_cancel(actor=users.committee_admin, task=task, reason="并入其他任务")
    assert titles(users.secretary)[-1] == "任务已取消：建立健全理论学习制度"
    nobody_but(users, "secretary")


def test_a_split_task_completed_by_its_sub_tasks_goes_to_its_assigner(task, split, tree, users):
    sub = split(task, tree.branch, "支部落实")
    report(sub, users.secretary)
    assert titles(users.unit_admin)[-1] == "任务报请验收：支部落实"
    assert titles(users.committee_admin) == []
    services.task_accept(actor=users.unit_admin, task=sub)
    assert titles(users.secretary)[-1] == "任务已通过验收：支部落实"
    # the last sub-task done submits the unit's own task to the committee
    assert received(users.committee_admin) == [
        ("任务报请验收：建立健全理论学习制度", f"/plans/tasks/{task.id}/")
    ]
    assert users.committee_admin.notifications.get().body == (
        "市发改委机关党委：分解任务已全部完成，报请验收"
    )


def test_a_branchs_plan_is_decided_by_the_nearest_admins_above_it(tree, users):
    plan = services.plan_create(
        actor=users.unit_admin,
        org=tree.branch,
        year=TODAY.year,
        kind=Plan.Kind.MASTER,
        title="支部方案",
    )
    task = services.task_create(
        actor=users.unit_admin,
        plan=plan,
        owner_org=tree.group,
        title="党小组学习",
        start_on=TODAY - timedelta(days=5),
        deadline=TODAY + timedelta(days=5),
    )
    report(task, users.secretary)
    # the branch has no admin of its own: the unit admin, who may accept, is told
    assert titles(users.unit_admin) == ["任务报请验收：党小组学习"]
    assert titles(users.committee_admin) == []


def test_a_system_actor_is_nobody_to_skip(assign, tree, users):
    task = assign(tree.branch, actor=SYSTEM)
    assert titles(users.secretary) == ["新任务：建立健全理论学习制度"]
    assert task.events.get().kind == TaskEvent.Kind.CREATED


# --- supervision ------------------------------------------------------------------------------


def test_an_assigned_item_reaches_each_units_recorders_with_its_own_link(tree, users):
    instruction = register(
        [tree.unit, tree.branch, tree.group], actor=users.committee_admin, tree=tree
    )
    unit_a, branch_a, group_a = (
        instruction.assignments.get(org=o) for o in (tree.unit, tree.branch, tree.group)
    )
    assert received(users.unit_admin) == [("督办事项：落实上级批示", link_of(unit_a))]
    assert sorted(received(users.secretary)) == sorted(
        [
            ("督办事项：落实上级批示", link_of(branch_a)),
            ("督办事项：落实上级批示", link_of(group_a)),
        ]
    )
    body = users.unit_admin.notifications.get().body
    assert body == f"市直机关工委交市发改委机关党委承办，请于 {unit_a.deadline:%Y-%m-%d} 前反馈"
    nobody_but(users, "unit_admin", "secretary")


def test_the_link_opens_the_item_for_the_unit(tree, users, login):
    instruction = register([tree.branch], actor=users.committee_admin, tree=tree)
    link = users.secretary.notifications.get().link
    page = login(users.secretary).get(link.split("#")[0])
    assert page.status_code == 200
    assert f'id="{link.split("#")[1]}"' in page.content.decode()
    assert instruction.title in page.content.decode()


def test_a_chase_reaches_the_unit_once_per_day_and_text(tree, users):
    instruction = register([tree.branch, tree.other_branch], actor=users.committee_admin, tree=tree)
    a = instruction.assignments.get(org=tree.branch)
    for _ in range(2):  # a double click
        supervision.assignment_remind(actor=users.committee_admin, assignment=a, text="", on=TODAY)
    assert titles(users.secretary) == ["督办事项：落实上级批示", "督办事项催办：落实上级批示"]
    assert newest(users.secretary).body == (
        f"市直机关工委催办：请抓紧办理并反馈（反馈时限 {a.deadline:%Y-%m-%d}）"
    )
    assert newest(users.secretary).link == link_of(a)
    supervision.assignment_remind(
        actor=users.committee_admin, assignment=a, text="明天下班前反馈", on=TODAY
    )
    assert titles(users.secretary).count("督办事项催办：落实上级批示") == 2
    assert titles(users.outsider) == ["督办事项：落实上级批示"]  # the other unit is not chased
    assert titles(users.committee_admin) == []


def test_an_answer_reaches_the_supervising_admins_once(tree, users):
    instruction = register([tree.branch], actor=users.committee_admin, tree=tree)
    a = instruction.assignments.get()
    for _ in range(2):
        supervision.assignment_answer(
            actor=users.secretary, assignment=a, text="已研究部署", on=TODAY
        )
    assert received(users.committee_admin) == [("督办事项已反馈：落实上级批示", link_of(a))]
    assert users.committee_admin.notifications.get().body == "发改委第一党支部：已研究部署"
    assert titles(users.secretary) == ["督办事项：落实上级批示"]
    assert titles(users.leader) == [] and titles(users.unit_admin) == []


def test_closing_reaches_the_unit(tree, users):
    instruction = register([tree.unit], actor=users.committee_admin, tree=tree)
    a = instruction.assignments.get()
    supervision.assignment_answer(actor=users.unit_admin, assignment=a, text="已落实", on=TODAY)
    supervision.assignment_close(
        actor=users.committee_admin, assignment=a, text="落实到位", on=TODAY
    )
    assert received(users.unit_admin)[-1] == ("督办事项已办结：落实上级批示", link_of(a))
    assert newest(users.unit_admin).body == "市直机关工委：落实到位"
    assert titles(users.committee_admin) == ["督办事项已反馈：落实上级批示"]
    nobody_but(users, "unit_admin", "committee_admin")


# --- a fixed number of queries -----------------------------------------------------------------


def _queries(write) -> int:
    with CaptureQueriesContext(transaction.get_connection()) as captured:
        write()
    return len(captured)


def _more_recorders(org, count):
    for _ in range(count):
        make_user(Role.SECRETARY, org)


def test_assigning_a_task_costs_the_same_for_one_or_many_recipients(
    assign, tree, users, django_assert_max_num_queries
):
    few = _queries(lambda: assign(tree.branch))
    _more_recorders(tree.branch, 9)
    with django_assert_max_num_queries(few):
        assign(tree.branch, "第二项任务")
    assert Notification.objects.filter(title="新任务：第二项任务").count() == 10


def test_registering_an_item_costs_the_same_for_two_or_twelve_units(
    tree, users, django_assert_max_num_queries
):
    few = _queries(
        lambda: register([tree.branch, tree.unit], actor=users.committee_admin, tree=tree)
    )
    units = [make_org(tree.far_unit, OrgType.BRANCH) for _ in range(10)]
    for unit in units:
        _more_recorders(unit, 3)
    with django_assert_max_num_queries(few):
        register([tree.branch, tree.unit, *units], actor=users.committee_admin, tree=tree)
    assert Notification.objects.count() == 2 + 2 + 30


# --- the whole round in 消息 ---------------------------------------------------------------------


def test_a_task_goes_round_through_the_notifications_page(assign, tree, users, login, client):
    task = assign(tree.branch, "开展主题党日活动")
    link = f"/plans/tasks/{task.id}/"

    page = login(users.secretary).get("/notifications/").content.decode()
    assert "新任务：开展主题党日活动" in page
    assert f'name="next" value="{link}"' in page
    note = users.secretary.notifications.get()
    opened = client.post("/notifications/read/", {"id": note.id, "next": note.link})
    assert opened["Location"] == link
    assert client.get(link).status_code == 200

    client.post(f"{link}report/", {"text": "已开展一次", "percent": 60})
    assert titles(users.committee_admin) == []
    client.post(f"{link}report/", {"text": "已全部完成", "percent": 100})

    page = login(users.committee_admin).get("/notifications/").content.decode()
    assert "任务报请验收：开展主题党日活动" in page and "发改委第一党支部：已全部完成" in page
    client.post(f"{link}accept/", {})

    page = login(users.secretary).get("/notifications/?unread=1").content.decode()
    assert "任务已通过验收：开展主题党日活动" in page
    assert "新任务：开展主题党日活动" not in page  # read when it was opened
    assert titles(users.outsider) == [] and titles(users.unit_admin) == []
