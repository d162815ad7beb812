"""The supervision endpoints of /api/v1/: GET and POST /supervision, POST …/feedback and …/close
with the unit's org_id. Scope (404), read-only grants (403), bad input (400 with a Chinese
detail), an item never closed without an answer, and the audit rows."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from mofan.core.access import SYSTEM, Role
from mofan.core.models import AuditLog
from mofan.plans import supervision
from mofan.plans.models import Assignment, Instruction
from mofan.site.tests.factories import make_user

CHINESE = re.compile(r"[\u4e00-\u9fff]")
TODAY = timezone.localdate()


def days(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


def post(client, url, data):
    return client.post(f"/api/v1{url}", data=data, content_type="application/json")


def assert_bad_request(response) -> str:
    assert response.status_code == 400, response.content
    detail = response.json()["detail"]
    assert CHINESE.search(detail), detail
    return detail


def new_instruction(tree, **changes) -> dict:
    data = {
        "org_id": tree.committee.id,
        "source": "superior",
        "level": "urgent",
        "title": "落实上级批示",
        "content": "请按时反馈落实情况",
        "received_on": days(-5),
        "assignments": [
            {"org_id": tree.unit.id, "deadline": days(5)},
            {"org_id": tree.far_unit.id, "deadline": days(10)},
        ],
    }
    data.update(changes)
    return data


@pytest.fixture
def instruction(tree):
    return supervision.instruction_register(
        actor=SYSTEM,
        org=tree.committee,
        source="meeting",
        level="normal",
        title="会议决定事项",
        content="落实会议决定",
        received_on=TODAY - timedelta(days=20),
        assignments=[
            (tree.unit, TODAY - timedelta(days=10)),
            (tree.far_unit, TODAY + timedelta(days=5)),
        ],
    )


def status(instruction, org) -> str:
    return Assignment.objects.get(instruction=instruction, org=org).status


# --- GET /api/v1/supervision -------------------------------------------------------------------


def test_it_lists_the_items_with_their_assignments(instruction, tree, users, api):
    response = api(users.committee_admin).get("/api/v1/supervision")
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert (item["id"], item["org_id"], item["source"], item["level"]) == (
        instruction.id,
        tree.committee.id,
        "meeting",
        "normal",
    )
    assert [(a["org_id"], a["status"], a["reminders"]) for a in item["assignments"]] == [
        (tree.unit.id, "pending", 0),
        (tree.far_unit.id, "pending", 0),
    ]


def test_a_unit_sees_only_its_own_assignment(instruction, tree, users, api):
    [item] = api(users.unit_admin).get("/api/v1/supervision").json()["items"]
    assert [a["org_id"] for a in item["assignments"]] == [tree.unit.id]


def test_an_outsider_sees_nothing(instruction, users, api):
    assert api(users.outsider).get("/api/v1/supervision").json()["count"] == 0


def test_it_filters_by_the_date_received(instruction, users, api):
    client = api(users.leader)
    assert client.get(f"/api/v1/supervision?since={days(-20)}").json()["count"] == 1
    assert client.get(f"/api/v1/supervision?since={days(-19)}").json()["items"] == []
    assert client.get(f"/api/v1/supervision?until={days(-21)}").json()["items"] == []
    assert_bad_request(client.get("/api/v1/supervision?since=昨天"))


def test_the_items_come_in_pages(instruction, users, api):
    client = api(users.committee_admin)
    first = client.get("/api/v1/supervision?page_size=1").json()
    assert (first["count"], first["page"], first["page_size"]) == (1, 1, 1)
    assert [i["id"] for i in first["items"]] == [instruction.id]
    assert client.get("/api/v1/supervision?page=2&page_size=1").json()["items"] == []
    assert_bad_request(client.get("/api/v1/supervision?page_size=0"))


# --- POST /api/v1/supervision ------------------------------------------------------------------


def test_it_registers_an_instruction(tree, users, api):
    response = post(api(users.committee_admin), "/supervision", new_instruction(tree))
    assert response.status_code == 201, response.content
    body = response.json()
    instruction = Instruction.objects.get(pk=body["id"])
    assert (instruction.title, instruction.level) == ("落实上级批示", "urgent")
    assert [(a["org_id"], a["deadline"], a["status"]) for a in body["assignments"]] == [
        (tree.unit.id, days(5), "pending"),
        (tree.far_unit.id, days(10), "pending"),
    ]
    assert AuditLog.objects.filter(
        action="supervision.register", user=users.committee_admin, target_id=str(instruction.id)
    ).exists()


@pytest.mark.parametrize("who", ["leader", "secretary"])
def test_a_user_without_an_admin_grant_gets_403(tree, users, api, who):
    data = new_instruction(tree, org_id=tree.branch.id, assignments=[])
    data["assignments"] = [{"org_id": tree.branch.id, "deadline": days(3)}]
    response = post(api(getattr(users, who)), "/supervision", data)
    assert response.status_code == 403
    assert CHINESE.search(response.json()["detail"])
    assert not Instruction.objects.exists()


def test_an_org_outside_the_scope_is_refused(tree, users, api):
    client = api(users.unit_admin)
    assert_bad_request(post(client, "/supervision", new_instruction(tree)))
    data = new_instruction(
        tree,
        org_id=tree.unit.id,
        assignments=[{"org_id": tree.far_branch.id, "deadline": days(3)}],
    )
    assert assert_bad_request(post(client, "/supervision", data)) == "组织不存在"
    assert not Instruction.objects.exists()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"source": "传闻"}, "来源不正确"),
        ({"level": "很急"}, "等级不正确"),
        ({"content": "   "}, "请填写督办事项和内容"),
        ({"content": ""}, "content"),
        ({"assignments": []}, "请至少指定一个承办单位"),
        ({"received_on": "去年"}, "received_on"),
        ({"assignments": [{"org_id": 1}]}, "deadline"),
    ],
)
def test_bad_input_is_400_in_chinese(tree, users, api, changes, expected):
    response = post(api(users.committee_admin), "/supervision", new_instruction(tree, **changes))
    assert expected in assert_bad_request(response)
    assert not Instruction.objects.exists()


def test_a_deadline_before_the_date_received_is_400(tree, users, api):
    data = new_instruction(tree, assignments=[{"org_id": tree.unit.id, "deadline": days(-6)}])
    detail = assert_bad_request(post(api(users.committee_admin), "/supervision", data))
    assert detail == "“市发改委机关党委”的反馈时限早于收到日期"


def test_a_unit_twice_is_400(tree, users, api):
    twice = [{"org_id": tree.unit.id, "deadline": days(3)}] * 2
    detail = assert_bad_request(
        post(api(users.committee_admin), "/supervision", new_instruction(tree, assignments=twice))
    )
    assert detail == "“市发改委机关党委”重复指定"


def test_a_unit_outside_the_supervising_org_is_400(tree, users, api):
    data = new_instruction(
        tree, org_id=tree.unit.id, assignments=[{"org_id": tree.far_unit.id, "deadline": days(3)}]
    )
    detail = assert_bad_request(post(api(users.committee_admin), "/supervision", data))
    assert detail == "“市民政局机关党总支”不在本组织范围内"


# --- POST …/feedback and …/close ----------------------------------------------------------------


def test_the_unit_answers_and_the_supervisor_closes(instruction, tree, users, api):
    url = f"/supervision/{instruction.id}"
    response = post(
        api(users.unit_admin), f"{url}/feedback", {"org_id": tree.unit.id, "text": "已落实"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["assignments"] == [
        {
            "org_id": tree.unit.id,
            "deadline": days(-10),
            "status": "answered",
            "first_answered_on": days(0),
            "closed_on": None,
            "reminders": 0,
        }
    ]
    response = post(
        api(users.committee_admin), f"{url}/close", {"org_id": tree.unit.id, "text": "办结"}
    )
    assert response.status_code == 200, response.content
    statuses = {a["org_id"]: a["status"] for a in response.json()["assignments"]}
    assert statuses == {tree.unit.id: "closed", tree.far_unit.id: "pending"}
    assert list(
        AuditLog.objects.filter(action__startswith="supervision.", target_id=str(instruction.id))
        .order_by("id")
        .values_list("action", "username")
    ) == [
        ("supervision.register", "系统：平台"),
        ("supervision.answer", users.unit_admin.username),
        ("supervision.close", users.committee_admin.username),
    ]


def test_it_never_closes_an_unanswered_item(instruction, tree, users, api):
    response = post(
        api(users.committee_admin),
        f"/supervision/{instruction.id}/close",
        {"org_id": tree.unit.id, "text": "直接办结"},
    )
    assert assert_bad_request(response) == "“市发改委机关党委”尚未反馈，不能办结"
    assert status(instruction, tree.unit) == "pending"
    assert not AuditLog.objects.filter(action="supervision.close").exists()


def test_the_unit_cannot_close_its_own_item(instruction, tree, users, api):
    supervision.assignment_answer(
        actor=SYSTEM, assignment=instruction.assignments.get(org=tree.unit), text="已办", on=TODAY
    )
    response = post(
        api(users.unit_admin), f"/supervision/{instruction.id}/close", {"org_id": tree.unit.id}
    )
    assert response.status_code == 403
    assert status(instruction, tree.unit) == "answered"


def test_a_read_only_user_gets_403(instruction, tree, users, api):
    client = api(users.leader)
    for action in ("feedback", "close"):
        response = post(
            client, f"/supervision/{instruction.id}/{action}", {"org_id": tree.unit.id, "text": "x"}
        )
        assert response.status_code == 403
    assert status(instruction, tree.unit) == "pending"


def test_an_outsider_gets_404(instruction, tree, users, api):
    client = api(users.outsider)
    for action in ("feedback", "close"):
        response = post(
            client, f"/supervision/{instruction.id}/{action}", {"org_id": tree.unit.id, "text": "x"}
        )
        assert response.status_code == 404
    assert post(client, "/supervision/999999/feedback", {"org_id": 1}).status_code == 404
    assert status(instruction, tree.unit) == "pending"


def test_another_unit_cannot_answer_for_the_assigned_one(instruction, tree, users, api):
    # far_unit's admin sees the item through its own assignment, but not the unit's.
    far_admin = make_user(Role.UNIT_ADMIN, tree.far_unit, "faradmin")
    response = post(
        api(far_admin),
        f"/supervision/{instruction.id}/feedback",
        {"org_id": tree.unit.id, "text": "代为反馈"},
    )
    assert assert_bad_request(response) == "该单位不是此事项的承办单位"
    assert status(instruction, tree.unit) == "pending"


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"text": "已办"}, "org_id"),
        ({"org_id": 0, "text": "已办"}, "该单位不是此事项的承办单位"),
        ({"org_id": "unit", "text": "已办"}, "org_id"),
        ({"org_id": "UNIT", "text": "  "}, "请填写反馈内容"),
        ({"org_id": "UNIT", "text": "已办", "on": "2000-01-01"}, "反馈日期不能早于收到日期"),
    ],
)
def test_bad_feedback_is_400_in_chinese(instruction, tree, users, api, payload, expected):
    if payload.get("org_id") == "UNIT":
        payload = {**payload, "org_id": tree.unit.id}
    response = post(api(users.unit_admin), f"/supervision/{instruction.id}/feedback", payload)
    assert expected in assert_bad_request(response)
    assert status(instruction, tree.unit) == "pending"


def test_no_feedback_after_closing(instruction, tree, users, api):
    a = instruction.assignments.get(org=tree.unit)
    supervision.assignment_answer(actor=SYSTEM, assignment=a, text="已办", on=TODAY)
    supervision.assignment_close(actor=SYSTEM, assignment=a, text="办结", on=TODAY)
    response = post(
        api(users.unit_admin),
        f"/supervision/{instruction.id}/feedback",
        {"org_id": tree.unit.id, "text": "补充"},
    )
    assert assert_bad_request(response) == "该事项已办结"
    response = post(
        api(users.committee_admin), f"/supervision/{instruction.id}/close", {"org_id": tree.unit.id}
    )
    assert assert_bad_request(response) == "该事项已办结"
