"""督查督办: registering an instruction and assigning it inside the supervising org's sub-tree,
feedback rounds by the assigned unit only, 催办, closing only what was answered, the statistics
of a period and a sub-tree on the page and in the ledger export, and the pages' scope."""

import io
import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from openpyxl import load_workbook

from mofan.core.access import SYSTEM
from mofan.core.errors import ApplicationError
from mofan.core.models import AuditLog
from mofan.plans import supervision
from mofan.plans.models import Assignment, Feedback, Instruction

TODAY = timezone.localdate()


def days(n: int):
    return TODAY + timedelta(days=n)


def register(org, units, *, received=None, deadline=None, actor=SYSTEM, **fields) -> Instruction:
    """An instruction received `received` (10 days ago unless told), due 7 days later."""
    received = received or days(-10)
    deadline = deadline or received + timedelta(days=7)
    data = {
        "source": Instruction.Source.SUPERIOR,
        "level": Instruction.Level.IMPORTANT,
        "title": "落实上级批示",
        "content": "请认真研究落实，按时反馈。",
        "received_on": received,
    }
    data.update(fields)
    return supervision.instruction_register(
        actor=actor, org=org, assignments=[(u, deadline) for u in units], **data
    )


def assignment(instruction, org) -> Assignment:
    return instruction.assignments.get(org=org)


def answer(a, on=None, text="已研究部署，正在落实", actor=SYSTEM):
    return supervision.assignment_answer(actor=actor, assignment=a, text=text, on=on or TODAY)


def close(a, on=None, actor=SYSTEM):
    return supervision.assignment_close(actor=actor, assignment=a, text="办结", on=on or TODAY)


def flash(response) -> list[str]:
    return re.findall(r'<div class="flash [^"]*">([^<]*)</div>', response.content.decode())


# --- register ---------------------------------------------------------------------------------


def test_it_registers_an_instruction_with_one_assignment_per_unit(tree, users):
    instruction = register(
        tree.committee, [tree.unit, tree.far_branch], actor=users.committee_admin
    )
    assert instruction.org == tree.committee
    rows = {a.org: (a.deadline, a.status, a.reminders) for a in instruction.assignments.all()}
    assert rows == {
        tree.unit: (days(-3), Assignment.Status.PENDING, 0),
        tree.far_branch: (days(-3), Assignment.Status.PENDING, 0),
    }
    log = AuditLog.objects.get(action="supervision.register", target_id=str(instruction.id))
    assert (log.user, log.detail) == (users.committee_admin, "承办单位 2 个")


def test_a_unit_admin_registers_for_its_own_branches(tree, users):
    instruction = register(tree.unit, [tree.branch, tree.other_branch], actor=users.unit_admin)
    assert instruction.assignments.count() == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"source": "rumour"}, "来源不正确"),
        ({"level": "whenever"}, "等级不正确"),
        ({"content": "  "}, "请填写督办事项和内容"),
        ({"title": ""}, "请填写督办事项和内容"),
    ],
)
def test_it_refuses_an_incomplete_instruction(tree, changes, message):
    with pytest.raises(ApplicationError, match=message):
        register(tree.committee, [tree.unit], **changes)
    assert not Instruction.objects.exists()


def test_it_refuses_an_instruction_without_units(tree):
    with pytest.raises(ApplicationError, match="请至少指定一个承办单位"):
        supervision.instruction_register(
            actor=SYSTEM,
            org=tree.committee,
            source="superior",
            level="normal",
            title="批示",
            content="内容",
            received_on=TODAY,
            assignments=[],
        )


def test_it_refuses_a_unit_outside_the_supervising_orgs_sub_tree(tree, users):
    with pytest.raises(ApplicationError, match="“民政局第一党支部”不在本组织范围内"):
        register(tree.unit, [tree.branch, tree.far_branch], actor=users.committee_admin)
    assert not Instruction.objects.exists()


def test_it_refuses_a_deadline_before_the_date_received(tree):
    with pytest.raises(ApplicationError, match="“市发改委机关党委”的反馈时限早于收到日期"):
        register(tree.committee, [tree.unit], received=days(-5), deadline=days(-6))
    assert not Instruction.objects.exists()


def test_it_accepts_a_deadline_on_the_date_received(tree):
    register(tree.committee, [tree.unit], received=days(-5), deadline=days(-5))


def test_it_refuses_the_same_unit_twice(tree):
    with pytest.raises(ApplicationError, match="“市发改委机关党委”重复指定"):
        supervision.instruction_register(
            actor=SYSTEM,
            org=tree.committee,
            source="leader",
            level="urgent",
            title="领导交办",
            content="内容",
            received_on=TODAY,
            assignments=[(tree.unit, days(3)), (tree.far_unit, days(3)), (tree.unit, days(5))],
        )
    assert not Instruction.objects.exists()


@pytest.mark.parametrize("who", ["secretary", "leader", "outsider"])
def test_only_an_admin_of_the_org_registers(tree, users, who):
    with pytest.raises(PermissionDenied):
        register(tree.branch, [tree.branch], actor=getattr(users, who))


# --- feedback rounds ---------------------------------------------------------------------------


def test_the_assigned_unit_answers_in_rounds(tree, users):
    a = assignment(register(tree.committee, [tree.unit]), tree.unit)
    answer(a, on=days(-6), text="第一轮：已部署", actor=users.unit_admin)
    answer(a, on=days(-1), text="第二轮：已完成", actor=users.unit_admin)
    a.refresh_from_db()
    assert (a.status, a.first_answered_on) == (Assignment.Status.ANSWERED, days(-6))
    assert list(a.feedback.values_list("kind", "text", "by")) == [
        (Feedback.Kind.ANSWER, "第一轮：已部署", users.unit_admin.id),
        (Feedback.Kind.ANSWER, "第二轮：已完成", users.unit_admin.id),
    ]
    assert AuditLog.objects.filter(action="supervision.answer", user=users.unit_admin).count() == 2


def test_a_branch_secretary_answers_for_the_branch(tree, users):
    a = assignment(register(tree.committee, [tree.branch]), tree.branch)
    answer(a, actor=users.secretary)
    a.refresh_from_db()
    assert a.status == Assignment.Status.ANSWERED


@pytest.mark.parametrize("who", ["secretary", "leader", "outsider", "member"])
def test_nobody_else_answers_for_the_unit(tree, users, who):
    a = assignment(register(tree.committee, [tree.unit]), tree.unit)
    with pytest.raises(PermissionDenied, match="只有承办单位可以反馈"):
        answer(a, actor=getattr(users, who))
    a.refresh_from_db()
    assert (a.status, a.feedback.count()) == (Assignment.Status.PENDING, 0)


@pytest.mark.parametrize(
    ("text", "on", "message"),
    [
        ("  ", 0, "请填写反馈内容"),
        ("已办", -11, "反馈日期不能早于收到日期"),
        ("已办", 1, "反馈日期不能晚于今天"),
    ],
)
def test_it_refuses_an_empty_or_misdated_answer(tree, text, on, message):
    a = assignment(register(tree.committee, [tree.unit], received=days(-10)), tree.unit)
    with pytest.raises(ApplicationError, match=message):
        answer(a, on=days(on), text=text)
    a.refresh_from_db()
    assert (a.status, a.first_answered_on) == (Assignment.Status.PENDING, None)


# --- 催办 and closing ---------------------------------------------------------------------------


def test_the_supervisor_sends_reminders_and_the_count_goes_up(tree, users):
    a = assignment(register(tree.committee, [tree.unit]), tree.unit)
    supervision.assignment_remind(actor=users.committee_admin, assignment=a, text="", on=TODAY)
    supervision.assignment_remind(
        actor=users.committee_admin, assignment=a, text="请于本周内反馈", on=TODAY
    )
    a.refresh_from_db()
    assert a.reminders == 2
    assert list(a.feedback.values_list("kind", "text")) == [
        (Feedback.Kind.REMINDER, "请抓紧办理并反馈"),
        (Feedback.Kind.REMINDER, "请于本周内反馈"),
    ]
    assert AuditLog.objects.filter(action="supervision.remind").count() == 2


@pytest.mark.parametrize("who", ["unit_admin", "leader", "secretary"])
def test_only_the_supervising_org_sends_reminders(tree, users, who):
    a = assignment(register(tree.committee, [tree.unit]), tree.unit)
    with pytest.raises(PermissionDenied, match="只有督办组织可以催办"):
        supervision.assignment_remind(actor=getattr(users, who), assignment=a, text="", on=TODAY)
    a.refresh_from_db()
    assert a.reminders == 0


def test_an_item_is_never_closed_without_an_answer(tree, users):
    a = assignment(register(tree.committee, [tree.unit]), tree.unit)
    supervision.assignment_remind(actor=users.committee_admin, assignment=a, text="", on=TODAY)
    with pytest.raises(ApplicationError, match="“市发改委机关党委”尚未反馈，不能办结"):
        close(a, actor=users.committee_admin)
    a.refresh_from_db()
    assert (a.status, a.closed_on) == (Assignment.Status.PENDING, None)
    assert not a.feedback.filter(kind=Feedback.Kind.CLOSE).exists()


def test_the_supervisor_closes_an_answered_item(tree, users):
    a = assignment(register(tree.committee, [tree.unit]), tree.unit)
    answer(a, on=days(-4))
    close(a, on=days(-2), actor=users.committee_admin)
    a.refresh_from_db()
    assert (a.status, a.closed_on, a.first_answered_on) == (
        Assignment.Status.CLOSED,
        days(-2),
        days(-4),
    )
    assert AuditLog.objects.filter(action="supervision.close", user=users.committee_admin).exists()
    # Closed is final: no more answers, reminders or closing.
    for act in (
        lambda: answer(a),
        lambda: supervision.assignment_remind(actor=SYSTEM, assignment=a, text="", on=TODAY),
        lambda: close(a),
    ):
        with pytest.raises(ApplicationError, match="该事项已办结"):
            act()


def test_it_refuses_a_closing_date_before_the_answer(tree):
    a = assignment(register(tree.committee, [tree.unit]), tree.unit)
    answer(a, on=days(-2))
    with pytest.raises(ApplicationError, match="办结日期不能早于首次反馈日期"):
        close(a, on=days(-3))


@pytest.mark.parametrize("who", ["unit_admin", "secretary", "leader"])
def test_only_the_supervising_org_closes(tree, users, who):
    a = assignment(register(tree.committee, [tree.unit]), tree.unit)
    answer(a)
    with pytest.raises(PermissionDenied, match="只有督办组织可以办结"):
        close(a, actor=getattr(users, who))


# --- statistics ---------------------------------------------------------------------------------


@pytest.fixture
def known_set(tree):
    """Three instructions received 31–50 days ago (six assignments), two outside that period.

    received  unit            deadline  answered  closed   → counts as
    -50       unit            -40       -45       -44      on time, closed
    -50       far_unit        -40       -35                late
    -40       other_branch    -20                          overdue (催办 twice)
    -40       branch          +5                           pending, not yet due
    -40       far_branch      -30       -30                on time (on the deadline)
    -31       unit            -25       -10       -5       late, closed
    -70       unit            -65                          overdue, outside the period
    -10       unit            -5                           overdue, outside the period
    """
    first = supervision.instruction_register(
        actor=SYSTEM,
        org=tree.committee,
        source="superior",
        level="important",
        title="一号批示",
        content="落实",
        received_on=days(-50),
        assignments=[(tree.unit, days(-40)), (tree.far_unit, days(-40))],
    )
    second = supervision.instruction_register(
        actor=SYSTEM,
        org=tree.committee,
        source="meeting",
        level="normal",
        title="二号决定",
        content="落实",
        received_on=days(-40),
        assignments=[
            (tree.other_branch, days(-20)),
            (tree.branch, days(5)),
            (tree.far_branch, days(-30)),
        ],
    )
    third = register(
        tree.committee, [tree.unit], received=days(-31), deadline=days(-25), title="三号交办"
    )
    register(tree.committee, [tree.unit], received=days(-70), deadline=days(-65), title="早")
    register(tree.committee, [tree.unit], received=days(-10), deadline=days(-5), title="晚")
    answer(assignment(first, tree.unit), on=days(-45))
    close(assignment(first, tree.unit), on=days(-44))
    answer(assignment(first, tree.far_unit), on=days(-35))
    for _ in range(2):
        supervision.assignment_remind(
            actor=SYSTEM, assignment=assignment(second, tree.other_branch), text="", on=days(-15)
        )
    answer(assignment(second, tree.far_branch), on=days(-30))
    answer(assignment(third, tree.unit), on=days(-10))
    close(assignment(third, tree.unit), on=days(-5))
    return first, second, third


def stats_text(response) -> str:
    card = re.search(r'<div class="card" id="stats">(.*?)</div>', response.content.decode())
    return re.sub(r"<[^>]+>", "", card.group(1))


def sentence(registered, assignments, on_time, late, overdue, closed) -> str:
    return (
        f"登记事项 {registered} 件，承办 {assignments} 件次：按时反馈 {on_time}，"
        f"逾期反馈 {late}，逾期未反馈 {overdue}，已办结 {closed}。"
    )


PERIOD = f"since={days(-60).isoformat()}&until={days(-30).isoformat()}"


def test_the_statistics_of_a_period(known_set, users, login):
    response = login(users.committee_admin).get(f"/plans/supervision/?{PERIOD}")
    assert response.status_code == 200
    assert response.context["stats"] == supervision.SupervisionStats(3, 6, 2, 2, 1, 2)
    assert stats_text(response) == sentence(3, 6, 2, 2, 1, 2)
    listed = [i.title for i in response.context["page"]]
    assert listed == ["三号交办", "二号决定", "一号批示"]


def test_the_statistics_without_a_period_count_everything(known_set, users, login):
    response = login(users.committee_admin).get("/plans/supervision/")
    assert stats_text(response) == sentence(5, 8, 2, 2, 3, 2)


def test_the_statistics_of_a_sub_tree(known_set, tree, users, login):
    client = login(users.committee_admin)
    response = client.get(f"/plans/supervision/?{PERIOD}&org={tree.far_unit.id}")
    assert stats_text(response) == sentence(2, 2, 1, 1, 0, 0)
    assert "督查督办 · 市民政局机关党总支" in response.content.decode()
    response = client.get(f"/plans/supervision/?{PERIOD}&org={tree.unit.id}")
    assert stats_text(response) == sentence(3, 4, 1, 1, 1, 2)


def test_a_unit_sees_the_statistics_of_its_own_sub_tree(known_set, users, login):
    response = login(users.unit_admin).get(f"/plans/supervision/?{PERIOD}")
    assert stats_text(response) == sentence(3, 4, 1, 1, 1, 2)
    response = login(users.outsider).get(f"/plans/supervision/?{PERIOD}")
    assert stats_text(response) == sentence(1, 1, 0, 0, 1, 0)
    assert [i.title for i in response.context["page"]] == ["二号决定"]


def test_an_outsider_cannot_ask_for_another_sub_tree(known_set, tree, users, login):
    response = login(users.outsider).get(f"/plans/supervision/?org={tree.unit.id}")
    assert response.status_code == 404


def test_the_ledger_export_holds_the_same_period(known_set, users, login):
    response = login(users.committee_admin).get(f"/plans/supervision/?{PERIOD}&export=1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "督查督办工作台账"
    assert [c.value for c in sheet[2]] == [
        "事项",
        "来源",
        "等级",
        "收到日期",
        "承办单位",
        "反馈时限",
        "首次反馈",
        "催办次数",
        "状态",
    ]
    rows = {
        (r[0], r[4]): (r[1], r[2], r[3].date(), r[5].date(), r[6] and r[6].date(), r[7], r[8])
        for r in sheet.iter_rows(min_row=3, values_only=True)
    }
    assert rows == {
        ("一号批示", "市发改委机关党委"): (
            "上级批示",
            "重要",
            days(-50),
            days(-40),
            days(-45),
            0,
            "已办结",
        ),
        ("一号批示", "市民政局机关党总支"): (
            "上级批示",
            "重要",
            days(-50),
            days(-40),
            days(-35),
            0,
            "已反馈",
        ),
        ("二号决定", "发改委第二党支部"): (
            "会议决定",
            "一般",
            days(-40),
            days(-20),
            None,
            2,
            "逾期未反馈",
        ),
        ("二号决定", "发改委第一党支部"): (
            "会议决定",
            "一般",
            days(-40),
            days(5),
            None,
            0,
            "待反馈",
        ),
        ("二号决定", "民政局第一党支部"): (
            "会议决定",
            "一般",
            days(-40),
            days(-30),
            days(-30),
            0,
            "已反馈",
        ),
        ("三号交办", "市发改委机关党委"): (
            "上级批示",
            "重要",
            days(-31),
            days(-25),
            days(-10),
            0,
            "已办结",
        ),
    }
    assert AuditLog.objects.filter(action="supervision.export", user=users.committee_admin).exists()


def test_the_outsiders_export_holds_only_its_own_branch(known_set, users, login):
    response = login(users.outsider).get("/plans/supervision/?export=1")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [(r[0], r[4]) for r in sheet.iter_rows(min_row=3, values_only=True)] == [
        ("二号决定", "发改委第二党支部")
    ]


# --- pages ----------------------------------------------------------------------------------------


def form_data(tree, **changes) -> dict:
    data = {
        "org": tree.committee.id,
        "source": "leader",
        "level": "urgent",
        "title": "领导交办：调研报告",
        "content": "请各单位报送调研报告",
        "received_on": days(-1).isoformat(),
        "units": [tree.unit.id, tree.far_unit.id],
        "deadline": days(6).isoformat(),
    }
    data.update(changes)
    return data


def test_it_registers_from_the_form(tree, users, login):
    client = login(users.committee_admin)
    assert client.get("/plans/supervision/new/").status_code == 200
    response = client.post("/plans/supervision/new/", form_data(tree), follow=True)
    instruction = Instruction.objects.get()
    assert response.redirect_chain[-1][0] == f"/plans/supervision/{instruction.id}/"
    assert flash(response) == ["已登记督办事项“领导交办：调研报告”"]
    assert set(instruction.assignments.values_list("org", "deadline")) == {
        (tree.unit.id, days(6)),
        (tree.far_unit.id, days(6)),
    }


def test_the_form_shows_a_refused_deadline(tree, users, login):
    response = login(users.committee_admin).post(
        "/plans/supervision/new/", form_data(tree, deadline=days(-2).isoformat())
    )
    assert response.status_code == 200
    assert "的反馈时限早于收到日期" in response.content.decode()
    assert not Instruction.objects.exists()


def test_the_form_offers_a_unit_admin_only_its_sub_tree(tree, users, login):
    response = login(users.unit_admin).post("/plans/supervision/new/", form_data(tree))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"org", "units"}
    assert not Instruction.objects.exists()


@pytest.mark.parametrize("who", ["leader", "member"])
def test_a_read_only_user_cannot_register(tree, users, login, who):
    client = login(getattr(users, who))
    assert client.get("/plans/supervision/new/").status_code == 403
    assert client.post("/plans/supervision/new/", form_data(tree)).status_code == 403
    response = client.get("/plans/supervision/")
    assert response.status_code == 200
    assert "登记督办事项</a>" not in response.content.decode()


def test_the_instruction_page_shows_each_side_its_forms(tree, users, login):
    instruction = register(tree.committee, [tree.unit, tree.far_unit])
    url = f"/plans/supervision/{instruction.id}/"
    unit_page = login(users.unit_admin).get(url)
    assert [r["assignment"].org for r in unit_page.context["rows"]] == [tree.unit]
    assert [r["can_answer"] for r in unit_page.context["rows"]] == [True]
    assert not unit_page.context["can_supervise"]
    assert "市民政局机关党总支" not in unit_page.content.decode()

    supervisor = login(users.committee_admin).get(url)
    assert {r["assignment"].org for r in supervisor.context["rows"]} == {tree.unit, tree.far_unit}
    assert supervisor.context["can_supervise"]
    assert "催办</button>" in supervisor.content.decode()
    assert all(r["overdue"] for r in supervisor.context["rows"])  # due 3 days ago, no answer

    reader = login(users.leader).get(url)
    assert reader.status_code == 200
    assert not reader.context["can_supervise"]
    assert not any(r["can_answer"] for r in reader.context["rows"])


def test_an_outsider_gets_404_on_the_instruction(tree, users, login):
    instruction = register(tree.committee, [tree.unit])
    a = assignment(instruction, tree.unit)
    client = login(users.outsider)
    assert client.get(f"/plans/supervision/{instruction.id}/").status_code == 404
    for action in ("answer", "remind", "close"):
        response = client.post(
            f"/plans/supervision/assignments/{a.id}/{action}/", {"text": "x", "on": TODAY}
        )
        assert response.status_code == 404
    assert not a.feedback.exists()


def test_the_unit_answers_on_the_page(tree, users, login):
    instruction = register(tree.committee, [tree.unit])
    a = assignment(instruction, tree.unit)
    response = login(users.unit_admin).post(
        f"/plans/supervision/assignments/{a.id}/answer/",
        {"text": "已按要求落实", "on": TODAY.isoformat()},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/plans/supervision/{instruction.id}/"
    assert flash(response) == ["已反馈"]
    a.refresh_from_db()
    assert (a.status, a.first_answered_on) == (Assignment.Status.ANSWERED, TODAY)


@pytest.mark.parametrize(("who", "status"), [("leader", 403), ("secretary", 404)])
def test_others_who_see_the_item_cannot_answer(tree, users, login, who, status):
    """The leader sees the unit's assignment but may not answer it; a branch that shares the
    item does not even see how the unit above it is doing."""
    a = assignment(register(tree.committee, [tree.unit, tree.branch]), tree.unit)
    response = login(getattr(users, who)).post(
        f"/plans/supervision/assignments/{a.id}/answer/", {"text": "代为反馈", "on": TODAY}
    )
    assert response.status_code == status
    assert not a.feedback.exists()


def test_a_unit_sharing_an_item_cannot_answer_for_the_other_unit(tree, users, login):
    instruction = register(tree.committee, [tree.unit, tree.other_branch])
    a = assignment(instruction, tree.unit)
    client = login(users.outsider)  # secretary of 发改委第二党支部, the other assignee
    assert client.get(f"/plans/supervision/{instruction.id}/").status_code == 200
    response = client.post(
        f"/plans/supervision/assignments/{a.id}/answer/", {"text": "代为反馈", "on": TODAY}
    )
    assert response.status_code == 404


def test_the_page_refuses_to_close_an_unanswered_item_in_chinese(tree, users, login):
    a = assignment(register(tree.committee, [tree.unit]), tree.unit)
    client = login(users.committee_admin)
    response = client.post(
        f"/plans/supervision/assignments/{a.id}/close/", {"on": TODAY.isoformat()}, follow=True
    )
    assert flash(response) == ["“市发改委机关党委”尚未反馈，不能办结"]
    a.refresh_from_db()
    assert a.status == Assignment.Status.PENDING

    response = client.post(
        f"/plans/supervision/assignments/{a.id}/remind/", {"on": TODAY.isoformat()}, follow=True
    )
    assert flash(response) == ["已催办"]
    a.refresh_from_db()
    assert a.reminders == 1
    answer(a)
    response = client.post(
        f"/plans/supervision/assignments/{a.id}/close/",
        {"text": "办理到位", "on": TODAY.isoformat()},
        follow=True,
    )
    assert flash(response) == ["已办结"]
    a.refresh_from_db()
    assert a.status == Assignment.Status.CLOSED


def test_the_unit_cannot_close_its_own_item_on_the_page(tree, users, login):
    a = assignment(register(tree.committee, [tree.unit]), tree.unit)
    answer(a)
    response = login(users.unit_admin).post(
        f"/plans/supervision/assignments/{a.id}/close/", {"on": TODAY.isoformat()}
    )
    assert response.status_code == 403
    a.refresh_from_db()
    assert a.status == Assignment.Status.ANSWERED


def test_an_unknown_action_is_404(tree, users, login):
    a = assignment(register(tree.committee, [tree.unit]), tree.unit)
    response = login(users.committee_admin).post(
        f"/plans/supervision/assignments/{a.id}/delete/", {"on": TODAY.isoformat()}
    )
    assert response.status_code == 404
