"""The organisational-life endpoints of /api/v1/: scope (404), read-only grants (403), no token
(401), bad input (400 with a Chinese detail, never 422 or 500), the voting rules, compliance,
expiring terms and appraisal summaries."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pydantic import TypeAdapter

from mofan.core.access import SYSTEM
from mofan.core.api import api as core_api
from mofan.core.models import AuditLog
from mofan.meetings import appraisal, services
from mofan.meetings.api import ComplianceLine
from mofan.meetings.models import Attendance, Kind, Meeting, MeetingStatus
from mofan.meetings.tests.conftest import present
from mofan.orgs.models import OrgType
from mofan.site.tests.factories import make_org

CHINESE = re.compile(r"[\u4e00-\u9fff]")
YEAR = date.today().year - 1


def assert_bad_request(response) -> str:
    assert response.status_code == 400, response.content
    detail = response.json()["detail"]
    assert CHINESE.search(detail), detail
    return detail


def post(client, url, data):
    return client.post(url, data=data, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data=data, content_type="application/json")


def put(client, url, data):
    return client.put(url, data=data, content_type="application/json")


def held(org, on, kind=Kind.THEME_DAY, topic="主题党日", **fields):
    if kind == Kind.LECTURE:
        fields.setdefault("lecturer", "王书记")
    return services.meeting_create_held(
        actor=SYSTEM, org=org, kind=kind, topic=topic, held_on=on, **fields
    )


def planned(org, on=None, kind=Kind.BRANCH_GENERAL, topic="党员大会", **fields):
    return services.meeting_plan(
        actor=SYSTEM, org=org, kind=kind, topic=topic, planned_on=on or date.today(), **fields
    )


def rows(members, statuses=None) -> list[dict]:
    statuses = statuses or {}
    return [
        {
            "member_id": m.id,
            "status": statuses.get(m, "present"),
            "reason": "" if statuses.get(m, "present") == "present" else "出差",
        }
        for m in members
    ]


def topics(response) -> list[str]:
    return [item["topic"] for item in response.json()["items"]]


# --- scope, read-only, unauthenticated -----------------------------------------------------


@pytest.fixture
def meeting(tree):
    return planned(tree.branch, topic="计划中的党员大会")


ENDPOINTS = [
    ("get", "/api/v1/meetings?org={org}"),
    ("get", "/api/v1/meetings/{id}"),
    ("patch", "/api/v1/meetings/{id}"),
    ("put", "/api/v1/meetings/{id}/attendance"),
    ("get", "/api/v1/compliance?org={org}&year=2025"),
    ("get", "/api/v1/appraisals?org={org}"),
]


def call(client, method, url, meeting, tree):
    url = url.format(id=meeting.id, org=tree.branch.id)
    if method == "get":
        return client.get(url)
    body = [] if url.endswith("attendance") else {"topic": "改了"}
    return getattr(client, method)(url, data=body, content_type="application/json")


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_it_answers_404_to_a_secretary_of_another_branch(tree, users, api, meeting, method, url):
    response = call(api(users.outsider), method, url, meeting, tree)
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到"}
    meeting.refresh_from_db()
    assert meeting.topic == "计划中的党员大会"


def test_it_refuses_an_outsider_creating_a_meeting_for_a_branch_they_cannot_see(
    tree, users, api, today
):
    response = post(
        api(users.outsider),
        "/api/v1/meetings",
        {
            "org_id": tree.branch.id,
            "kind": "theme_day",
            "topic": "主题党日",
            "planned_on": str(today),
        },
    )
    assert assert_bad_request(response) == "组织不存在"  # the same answer as for no such org
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("role", ["leader", "member"])
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/v1/meetings"),
        ("patch", "/api/v1/meetings/{id}"),
        ("put", "/api/v1/meetings/{id}/attendance"),
    ],
)
def test_it_answers_403_to_read_only_users_on_writes(
    tree, users, api, meeting, today, role, method, url
):
    client = api(getattr(users, role))
    if method == "post":
        response = post(
            client,
            url,
            {"org_id": tree.branch.id, "kind": "theme_day", "topic": "T", "planned_on": str(today)},
        )
    else:
        response = call(client, method, url, meeting, tree)
    assert response.status_code == 403
    assert CHINESE.search(response.json()["detail"])
    assert Meeting.objects.count() == 1
    meeting.refresh_from_db()
    assert meeting.topic == "计划中的党员大会"


@pytest.mark.parametrize("role", ["leader", "member"])
def test_it_lets_read_only_users_read(tree, users, api, meeting, role):
    client = api(getattr(users, role))
    assert topics(client.get("/api/v1/meetings")) == ["计划中的党员大会"]
    assert client.get(f"/api/v1/meetings/{meeting.id}").status_code == 200
    assert client.get(f"/api/v1/compliance?org={tree.branch.id}&year={YEAR}").status_code == 200


@pytest.mark.parametrize(
    ("method", "url"),
    [
        *ENDPOINTS,
        ("post", "/api/v1/meetings"),
        ("get", "/api/v1/meetings"),
        ("get", "/api/v1/terms/expiring"),
        ("get", "/api/v1/appraisals"),
    ],
)
def test_it_answers_401_without_a_token(client, tree, meeting, method, url):
    if method == "post":
        response = post(client, url, {})
    else:
        response = call(client, method, url, meeting, tree)
    assert response.status_code == 401
    assert response.json() == {"detail": "未登录或令牌无效"}


def test_it_answers_401_for_a_wrong_token(client, tree, meeting):
    client.defaults["HTTP_AUTHORIZATION"] = "Bearer not-a-token"
    assert client.get("/api/v1/meetings").status_code == 401


# --- GET /api/v1/meetings -----------------------------------------------------------------


@pytest.fixture
def year_of_meetings(tree):
    return [
        held(tree.branch, date(YEAR, 1, 10), topic="一月主题党日"),
        held(tree.branch, date(YEAR, 3, 5), kind=Kind.LECTURE, topic="三月党课"),
        held(tree.other_branch, date(YEAR, 6, 1), topic="二支部六月主题党日"),
        planned(tree.branch, on=date(YEAR, 9, 1), topic="九月党员大会"),
        held(tree.far_branch, date(YEAR, 2, 1), topic="民政局主题党日"),
    ]


def test_it_lists_the_meetings_in_scope_newest_first(users, api, year_of_meetings):
    response = api(users.unit_admin).get("/api/v1/meetings")
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["page_size"]) == (4, 1, 50)
    assert topics(response) == ["九月党员大会", "二支部六月主题党日", "三月党课", "一月主题党日"]
    assert topics(api(users.outsider).get("/api/v1/meetings")) == ["二支部六月主题党日"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("org={branch}", ["九月党员大会", "三月党课", "一月主题党日"]),
        ("org={unit}&kind=theme_day", ["二支部六月主题党日", "一月主题党日"]),
        ("status=planned", ["九月党员大会"]),
        ("status=held&kind=lecture", ["三月党课"]),
        (f"since={YEAR}-03-01&until={YEAR}-06-30", ["二支部六月主题党日", "三月党课"]),
        (f"until={YEAR}-01-31", ["一月主题党日"]),
        ("page=2&page_size=3", ["一月主题党日"]),
        ("page=9&page_size=3", []),
    ],
)
def test_it_filters_and_pages_the_list(tree, users, api, year_of_meetings, query, expected):
    url = "/api/v1/meetings?" + query.format(branch=tree.branch.id, unit=tree.unit.id)
    response = api(users.unit_admin).get(url)
    assert response.status_code == 200
    assert topics(response) == expected


@pytest.mark.parametrize(
    "query",
    [
        "kind=party",
        "status=done",
        "since=2026-02-30",
        "until=yesterday",
        "page=0",
        "page_size=500",
        "page=x",
        "org=abc",
    ],
)
def test_it_refuses_a_bad_filter_with_a_chinese_400(users, api, query):
    assert_bad_request(api(users.unit_admin).get(f"/api/v1/meetings?{query}"))


def test_it_lists_many_meetings_in_the_same_number_of_queries(
    tree, users, api, django_assert_max_num_queries
):
    client = api(users.unit_admin)
    held(tree.branch, date(YEAR, 1, 10))
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/meetings")
    for month in range(1, 13):
        held(tree.branch, date(YEAR, month, 11))
        held(tree.other_branch, date(YEAR, month, 11), kind=Kind.LECTURE)
    with django_assert_max_num_queries(len(few)):
        assert len(topics(client.get("/api/v1/meetings"))) == 25


# --- POST /api/v1/meetings ----------------------------------------------------------------


def test_it_plans_a_meeting(tree, users, api, roll, today):
    people = roll(tree.branch, 2, probationary=1)
    response = post(
        api(users.secretary),
        "/api/v1/meetings",
        {
            "org_id": tree.branch.id,
            "kind": "branch_general",
            "topic": "季度党员大会",
            "planned_on": str(today + timedelta(days=5)),
            "place": "三楼会议室",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["held_on"], body["place"]) == ("planned", None, "三楼会议室")
    assert {a["member_id"]: a["can_vote"] for a in body["attendance"]} == {
        people[0].id: True,
        people[1].id: True,
        people[2].id: False,
    }
    meeting = Meeting.objects.get()
    assert meeting.status == MeetingStatus.PLANNED
    assert AuditLog.objects.filter(action="meeting.plan", user=users.secretary).exists()


def test_it_records_a_held_meeting_with_attendance(tree, users, api, roll, yesterday):
    a, b, c = roll(tree.branch, 3)
    response = post(
        api(users.secretary),
        "/api/v1/meetings",
        {
            "org_id": tree.branch.id,
            "kind": "branch_general",
            "topic": "讨论发展对象",
            "held_on": str(yesterday),
            "votes": True,
            "votes_for": 2,
            "attendance": rows([a, b, c], {c: "leave"}),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["held_on"], body["planned_on"]) == (
        "held",
        str(yesterday),
        str(yesterday),
    )
    assert {x["member_name"]: x["status"] for x in body["attendance"]} == {
        a.name: "present",
        b.name: "present",
        c.name: "leave",
    }
    assert AuditLog.objects.filter(action="meeting.record", user=users.secretary).exists()


def test_it_refuses_a_vote_without_a_quorum_with_a_chinese_400(tree, users, api, roll, yesterday):
    a, b, c, d = roll(tree.branch, 4, probationary=0)
    response = post(
        api(users.secretary),
        "/api/v1/meetings",
        {
            "org_id": tree.branch.id,
            "kind": "branch_general",
            "topic": "表决",
            "held_on": str(yesterday),
            "votes": True,
            "attendance": rows([a, b, c, d], {c: "absent", d: "leave"}),
        },
    )
    detail = assert_bad_request(response)
    assert "出席人数未过半" in detail
    assert "应到有表决权的党员 4 人，实到 2 人" in detail
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "group"}, "党支部不召开“党小组会”"),
        ({"kind": "party"}, "kind：取值不在允许范围内"),
        ({"planned_on": "2026-02-30"}, "planned_on：日期格式应为 YYYY-MM-DD"),
        ({"planned_on": "tomorrow"}, "日期格式"),
        ({"planned_on": None}, "请填写计划日期"),
        ({"held_on": "2999-01-01"}, "召开日期不能晚于今天"),
        ({"topic": ""}, "topic："),
        ({"topic": "x" * 201}, "topic："),
        ({"org_id": 999999}, "组织不存在"),
        ({"org_id": "abc"}, "org_id：应为整数"),
        ({"kind": "lecture", "held_on": "2020-01-01"}, "党课须填写授课人"),
        ({"first_topic": True}, "第一议题"),
        ({"votes_for": -1}, "votes_for"),
        ({"votes_for": 3}, "没有表决事项时不填赞成票"),
        ({"attendance": [{"member_id": 1, "status": "late"}]}, "attendance"),
        ({"topic": "a\x00b"}, "空字符"),
    ],
)
def test_it_refuses_bad_input_with_a_chinese_400(tree, users, api, today, changes, message):
    data = {
        "org_id": tree.branch.id,
        "kind": "theme_day",
        "topic": "主题党日",
        "planned_on": str(today),
    }
    data.update(changes)
    detail = assert_bad_request(post(api(users.secretary), "/api/v1/meetings", data))
    assert message in detail
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("body", ["not json", "[1, 2]", "{"])
def test_it_refuses_a_body_that_is_not_a_json_object(users, api, body):
    response = api(users.secretary).post(
        "/api/v1/meetings", data=body, content_type="application/json"
    )
    assert_bad_request(response)


# --- GET / PATCH /api/v1/meetings/{id} ----------------------------------------------------


def test_it_shows_a_meeting_with_its_attendance(tree, users, api, roll, yesterday):
    a, b = roll(tree.branch, 1, probationary=1)
    meeting = held(tree.branch, yesterday, attendance=present([a, b], 1), place="活动室")
    body = api(users.secretary).get(f"/api/v1/meetings/{meeting.id}").json()
    assert (body["id"], body["kind"], body["org_id"], body["place"]) == (
        meeting.id,
        "theme_day",
        tree.branch.id,
        "活动室",
    )
    assert body["attendance"] == [
        {
            "member_id": a.id,
            "member_name": a.name,
            "status": "present",
            "reason": "",
            "can_vote": True,
        },
        {
            "member_id": b.id,
            "member_name": b.name,
            "status": "leave",
            "reason": "出差",
            "can_vote": False,
        },
    ]


@pytest.mark.parametrize(("meeting_id", "status"), [("999999", 404), ("abc", 400)])
def test_it_answers_404_or_400_for_a_meeting_that_does_not_exist(users, api, meeting_id, status):
    response = api(users.committee_admin).get(f"/api/v1/meetings/{meeting_id}")
    assert response.status_code == status
    assert CHINESE.search(response.json()["detail"])


def test_it_shows_a_big_meeting_in_the_same_number_of_queries(
    tree, users, api, roll, yesterday, django_assert_max_num_queries
):
    small = held(tree.other_branch, yesterday, attendance=present(roll(tree.other_branch, 1)))
    big = held(tree.branch, yesterday, attendance=present(roll(tree.branch, 12)))
    client = api(users.unit_admin)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(f"/api/v1/meetings/{small.id}").json()["attendance"]) == 1
    with django_assert_max_num_queries(len(few)):
        assert len(client.get(f"/api/v1/meetings/{big.id}").json()["attendance"]) == 12


def test_it_records_a_planned_meeting_as_held_through_patch(tree, users, api, roll, yesterday):
    roll(tree.branch, 3)
    meeting = planned(tree.branch, on=yesterday)
    response = patch(
        api(users.secretary),
        f"/api/v1/meetings/{meeting.id}",
        {"held_on": str(yesterday), "votes": True, "votes_for": 3, "host": "王书记"},
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["votes_for"]) == ("held", 3)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.host) == (MeetingStatus.HELD, "王书记")
    assert AuditLog.objects.filter(action="meeting.record", target_id=str(meeting.id)).exists()


def test_it_changes_only_the_fields_sent(tree, users, api, today):
    meeting = planned(tree.branch, place="会议室", host="李书记")
    response = patch(api(users.secretary), f"/api/v1/meetings/{meeting.id}", {"place": "活动室"})
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert (meeting.place, meeting.host, meeting.status) == (
        "活动室",
        "李书记",
        MeetingStatus.PLANNED,
    )
    [log] = AuditLog.objects.filter(action="meeting.update")
    assert log.changes == {"place": ["会议室", "活动室"]}


def test_it_audits_a_correction_of_a_held_meeting_through_patch(tree, users, api, yesterday):
    meeting = held(tree.branch, yesterday, topic="主题党日")
    response = patch(
        api(users.unit_admin), f"/api/v1/meetings/{meeting.id}", {"topic": "主题党日活动"}
    )
    assert response.status_code == 200
    [log] = AuditLog.objects.filter(action="meeting.correct")
    assert log.changes["topic"] == ["主题党日", "主题党日活动"]
    assert log.user == users.unit_admin


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"held_on": "2999-01-01"}, "召开日期不能晚于今天"),
        ({"votes": True, "votes_for": 1}, "决议须经应到会有表决权党员的半数以上同意"),
        ({"planned_on": "soon"}, "日期格式"),
        ({"topic": ""}, "topic："),
        ({"topic": None}, ""),
        ({"first_topic": True, "first_topic_title": None}, "第一议题"),
        ({"lecturer": None, "place": None}, ""),
    ],
)
def test_it_refuses_a_bad_patch_with_a_chinese_400_and_changes_nothing(
    tree, users, api, roll, yesterday, data, message
):
    roll(tree.branch, 4)
    meeting = held(tree.branch, yesterday, kind=Kind.BRANCH_GENERAL, topic="党员大会")
    response = patch(api(users.secretary), f"/api/v1/meetings/{meeting.id}", data)
    if message:
        assert message in assert_bad_request(response)
    else:  # null for a field that cannot be empty leaves it as it was
        assert response.status_code == 200, response.content
    meeting.refresh_from_db()
    assert (meeting.topic, meeting.held_on, meeting.votes_for) == ("党员大会", yesterday, None)


def test_it_refuses_to_patch_a_cancelled_meeting(tree, users, api, meeting):
    services.meeting_cancel(actor=SYSTEM, meeting=meeting, reason="改期")
    response = patch(api(users.secretary), f"/api/v1/meetings/{meeting.id}", {"topic": "再开"})
    assert "已取消的会议不能修改" in assert_bad_request(response)


# --- PUT /api/v1/meetings/{id}/attendance -------------------------------------------------


def test_it_replaces_the_attendance(tree, users, api, roll, yesterday):
    a, b, c = roll(tree.branch, 3)
    meeting = held(tree.branch, yesterday)
    response = put(
        api(users.secretary),
        f"/api/v1/meetings/{meeting.id}/attendance",
        rows([a, b, c], {b: "absent"}),
    )
    assert response.status_code == 200, response.content
    assert dict(meeting.attendance.values_list("member_id", "status")) == {
        a.id: "present",
        b.id: "absent",
        c.id: "present",
    }
    assert meeting.attendance.get(member=b).reason == "出差"
    assert AuditLog.objects.filter(action="meeting.correct").exists()


def test_it_refuses_attendance_that_breaks_the_quorum_and_keeps_the_old(
    tree, users, api, roll, yesterday
):
    people = roll(tree.branch, 4)
    meeting = held(tree.branch, yesterday, kind=Kind.BRANCH_GENERAL, votes=True)
    away = {m: "leave" for m in people[:2]}
    response = put(
        api(users.secretary), f"/api/v1/meetings/{meeting.id}/attendance", rows(people, away)
    )
    assert "出席人数未过半" in assert_bad_request(response)
    assert meeting.attendance.filter(status=Attendance.Status.PRESENT).count() == 4


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([{"member_id": 0, "status": "present"}], "不属于本组织"),
        ([{"member_id": "{a}", "status": "absent"}], "缺席或请假的原因"),
        ([{"member_id": "{a}", "status": "late"}], "取值不在允许范围内"),
        ([{"member_id": "{a}", "status": "present"}] * 2, "重复"),
        ({"member_id": 1}, "参数不正确"),
    ],
)
def test_it_refuses_bad_attendance_with_a_chinese_400(
    tree, users, api, roll, yesterday, body, message
):
    [a] = roll(tree.branch, 1)
    meeting = held(tree.branch, yesterday)
    if isinstance(body, list):
        body = [
            {**row, "member_id": a.id if row["member_id"] == "{a}" else row["member_id"]}
            for row in body
        ]
    response = put(api(users.secretary), f"/api/v1/meetings/{meeting.id}/attendance", body)
    assert message in assert_bad_request(response)
    assert meeting.attendance.get(member=a).status == "present"


# --- GET /api/v1/compliance ---------------------------------------------------------------


def lines(response) -> dict[tuple[str, str], tuple[int, int, str]]:
    assert response.status_code == 200, response.content
    return {
        (item["org_name"], item["kind"]): (item["required"], item["held"], item["status"])
        for item in response.json()
    }


def test_it_answers_required_held_and_status_per_org_and_kind_for_a_year(tree, users, api, seat):
    seat(tree.branch, "张三", "secretary")
    for quarter_month in (2, 5, 8):
        held(tree.branch, date(YEAR, quarter_month, 3), kind=Kind.BRANCH_GENERAL)
    held(tree.group, date(YEAR, 1, 9), kind=Kind.GROUP)
    response = api(users.secretary).get(f"/api/v1/compliance?org={tree.branch.id}&year={YEAR}")
    found = lines(response)
    assert found[("发改委第一党支部", "branch_general")] == (4, 3, "not_done")
    assert found[("发改委第一党支部", "committee")] == (12, 0, "not_done")
    assert found[("第一党小组", "group")] == (12, 1, "not_done")
    assert {org for org, _ in found} == {"发改委第一党支部", "第一党小组"}
    item = next(i for i in response.json() if i["kind"] == "branch_general")
    assert (item["org_id"], item["kind_label"], item["status_label"]) == (
        tree.branch.id,
        "支部党员大会",
        "未完成",
    )


def test_it_answers_for_a_quarter_or_a_month(tree, users, api):
    held(tree.branch, date(YEAR, 5, 3), kind=Kind.BRANCH_GENERAL)
    held(tree.branch, date(YEAR, 5, 20))
    client = api(users.secretary)
    quarter = lines(client.get(f"/api/v1/compliance?org={tree.branch.id}&year={YEAR}&quarter=2"))
    assert quarter[("发改委第一党支部", "branch_general")] == (1, 1, "done")
    assert quarter[("发改委第一党支部", "theme_day")] == (3, 1, "not_done")
    assert ("发改委第一党支部", "life_meeting") not in quarter  # a yearly rule

    month = lines(client.get(f"/api/v1/compliance?org={tree.branch.id}&year={YEAR}&month=5"))
    assert month == {
        ("发改委第一党支部", "theme_day"): (1, 1, "done"),
        ("第一党小组", "group"): (1, 0, "not_done"),
    }


def test_it_answers_for_the_whole_sub_tree_the_user_sees(tree, users, api):
    found = lines(
        api(users.committee_admin).get(
            f"/api/v1/compliance?org={tree.committee.id}&year={YEAR}&month=3"
        )
    )
    assert {org for org, _ in found} == {
        "发改委第一党支部",
        "第一党小组",
        "发改委第二党支部",
        "民政局第一党支部",
    }


def test_its_compliance_answer_is_what_the_schema_documents(tree, users, api, seat):
    """The answer is rendered from plain dicts, not validated line by line: it must still be
    exactly what ComplianceLine documents, and the document must still say so."""
    seat(tree.branch, "张三", "secretary")
    held(tree.branch, date(YEAR, 5, 3), kind=Kind.BRANCH_GENERAL)
    held(tree.group, date(YEAR, 1, 9), kind=Kind.GROUP)
    response = api(users.committee_admin).get(
        f"/api/v1/compliance?org={tree.committee.id}&year={YEAR}"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert len(body) > 10
    validated = TypeAdapter(list[ComplianceLine]).validate_python(body, strict=True)
    assert [line.model_dump() for line in validated] == body
    assert list(body[0]) == list(ComplianceLine.model_fields)
    assert "未完成" in response.content.decode()  # UTF-8 as every other answer, not \u escapes

    operation = core_api.get_openapi_schema()["paths"]["/api/v1/compliance"]["get"]
    answer = operation["responses"][200]["content"]["application/json"]["schema"]
    assert answer == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/ComplianceLine"},
        "title": "Response",
    }


def test_its_compliance_answer_costs_the_same_queries_for_a_branch_and_the_tree(tree, users, api):
    client = api(users.committee_admin)
    client.get(f"/api/v1/compliance?org={tree.branch.id}&year={YEAR}")  # the token's first use
    counts = []
    for org in (tree.branch, tree.committee):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/compliance?org={org.id}&year={YEAR}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    "query",
    [
        "year=2025",
        "org={org}",
        "org={org}&year=abc",
        "org={org}&year=1900",
        "org={org}&year=2025&quarter=5",
        "org={org}&year=2025&month=13",
        "org={org}&year=2025&month=0",
    ],
)
def test_it_refuses_a_bad_compliance_query_with_a_chinese_400(tree, users, api, query):
    url = "/api/v1/compliance?" + query.format(org=tree.branch.id)
    assert_bad_request(api(users.secretary).get(url))


# --- GET /api/v1/terms/expiring and /api/v1/appraisals -------------------------------------


def test_it_lists_terms_ending_soon_or_over_in_scope(tree, users, api, today):
    soon = make_org(
        tree.unit,
        OrgType.BRANCH,
        "即将届满支部",
        term_start=today - timedelta(days=1000),
        term_end=today + timedelta(days=20),
    )
    make_org(
        tree.unit,
        OrgType.BRANCH,
        "远未届满支部",
        term_start=today - timedelta(days=100),
        term_end=today + timedelta(days=800),
    )
    make_org(
        tree.far_unit,
        OrgType.BRANCH,
        "他处逾期支部",
        term_start=today - timedelta(days=1200),
        term_end=today - timedelta(days=5),
    )
    response = api(users.unit_admin).get("/api/v1/terms/expiring")
    assert response.status_code == 200
    assert response.json() == [
        {
            "org_id": soon.id,
            "org_name": "即将届满支部",
            "term_start": str(today - timedelta(days=1000)),
            "term_end": str(today + timedelta(days=20)),
            "days_left": 20,
        }
    ]
    assert [
        i["org_name"] for i in api(users.committee_admin).get("/api/v1/terms/expiring").json()
    ] == [
        "他处逾期支部",
        "即将届满支部",
    ]
    assert api(users.outsider).get("/api/v1/terms/expiring").json() == []
    within = api(users.unit_admin).get("/api/v1/terms/expiring?within_days=1000").json()
    assert [i["org_name"] for i in within] == ["即将届满支部", "远未届满支部"]
    assert_bad_request(api(users.unit_admin).get("/api/v1/terms/expiring?within_days=-1"))


def test_it_summarises_appraisals_in_scope(tree, users, api, roll, today):
    people = roll(tree.branch, 3, probationary=1)
    round_ = appraisal.appraisal_open(actor=SYSTEM, org=tree.branch, year=YEAR, held_on=today)
    appraisal.appraisal_grade(
        actor=SYSTEM,
        round_=round_,
        grades={people[0].id: "excellent", people[1].id: "qualified", people[2].id: "qualified"},
    )
    other = appraisal.appraisal_open(actor=SYSTEM, org=tree.far_branch, year=YEAR, held_on=today)

    response = api(users.secretary).get(f"/api/v1/appraisals?year={YEAR}")
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": round_.id,
            "org_id": tree.branch.id,
            "org_name": "发改委第一党支部",
            "year": YEAR,
            "closed": False,
            "grades": {"excellent": 1, "qualified": 2, "ungraded": 1},
        }
    ]
    everything = api(users.committee_admin).get("/api/v1/appraisals").json()
    assert {i["id"] for i in everything} == {round_.id, other.id}
    assert api(users.committee_admin).get(f"/api/v1/appraisals?year={YEAR - 1}").json() == []
    assert_bad_request(api(users.committee_admin).get("/api/v1/appraisals?year=abc"))
