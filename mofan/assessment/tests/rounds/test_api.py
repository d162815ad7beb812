"""/api/v1/assessment/: schemes built and published, a round run through its steps, and the
results with each point's rule, raw value and source; scope (404), read-only (403), bad
input (400 with a Chinese reason)."""

import json
import re
from decimal import Decimal

import pytest

from mofan.assessment import rounds
from mofan.assessment.models import Round, Scheme, SchemeStatus
from mofan.assessment.tests.rounds.test_services import item

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def post(client, url, data=None):
    return client.post(
        f"/api/v1{url}", data=json.dumps(data or {}), content_type="application/json"
    )


def put(client, url, data):
    return client.put(f"/api/v1{url}", data=json.dumps(data), content_type="application/json")


def bad(response) -> str:
    assert response.status_code == 400, response.content
    detail = response.json()["detail"]
    assert CHINESE.search(detail)
    return detail


def test_a_scheme_is_built_and_published_through_the_api(users, tree, api):
    client = api(users.committee_admin)
    created = post(
        client,
        "/assessment/schemes",
        {"org_id": tree.committee.id, "name": "模范机关创建考核", "year": 2026},
    )
    assert created.status_code == 201
    scheme_id = created.json()["id"]
    area = post(
        client,
        f"/assessment/schemes/{scheme_id}/indicators",
        {"name": "基层组织", "max_points": "10"},
    ).json()
    refused = post(
        client,
        f"/assessment/schemes/{scheme_id}/indicators",
        {
            "parent_id": area["id"],
            "name": "组织生活",
            "max_points": "10",
            "rule": "ratio",
            "fact_code": "plans.tasks.overdue",
        },
    )
    assert "比率类指标" in bad(refused)
    added = post(
        client,
        f"/assessment/schemes/{scheme_id}/indicators",
        {
            "parent_id": area["id"],
            "name": "组织生活",
            "max_points": "10",
            "rule": "ratio",
            "fact_code": "meetings.compliance",
        },
    )
    assert added.status_code == 201
    assert "还没有设置考核等次" in bad(post(client, f"/assessment/schemes/{scheme_id}/publish"))
    grades = put(
        client,
        f"/assessment/schemes/{scheme_id}/grades",
        [{"label": "好", "at_least": "90"}, {"label": "差", "at_least": "0"}],
    )
    assert [g["label"] for g in grades.json()] == ["好", "差"]
    assert post(client, f"/assessment/schemes/{scheme_id}/publish").json()["status"] == "published"
    detail = client.get(f"/api/v1/assessment/schemes/{scheme_id}").json()
    assert [i["name"] for i in detail["indicators"]] == ["基层组织", "组织生活"]
    assert Scheme.objects.get(pk=scheme_id).status == SchemeStatus.PUBLISHED


def test_scheme_writes_are_refused_outside_and_to_read_only_users(users, tree, api, scheme):
    assert (
        post(
            api(users.leader),
            "/assessment/schemes",
            {"org_id": tree.committee.id, "name": "x", "year": 2026},
        ).status_code
        == 403
    )
    assert "组织不存在" in bad(
        post(
            api(users.unit_admin),
            "/assessment/schemes",
            {"org_id": tree.far_unit.id, "name": "x", "year": 2026},
        )
    )
    assert (
        api(users.unit_admin).get(f"/api/v1/assessment/schemes/{scheme.id}").status_code == 200
    )  # published, above it
    assert (
        post(api(users.unit_admin), f"/assessment/schemes/{scheme.id}/publish").status_code == 403
    )
    assert api(users.unit_admin).get("/api/v1/assessment/schemes/999999").status_code == 404


def test_a_round_runs_through_the_api_and_its_results_name_their_sources(
    users, tree, api, scheme, values
):
    """(api() re-points the one test client at a user's token, hence one call per request.)"""
    values["meetings.compliance"] = {tree.unit.pk: Decimal("90"), tree.far_unit.pk: Decimal("70")}
    created = post(
        api(users.committee_admin),
        "/assessment/rounds",
        {
            "scheme_id": scheme.id,
            "name": "2026 年度考评",
            "kind": "annual",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
    )
    assert created.status_code == 201
    round_id = created.json()["id"]
    assert (
        post(api(users.committee_admin), f"/assessment/rounds/{round_id}/step").json()["status"]
        == "self"
    )
    serve = item(scheme, "服务群众")
    saved = post(
        api(users.unit_admin),
        f"/assessment/rounds/{round_id}/self",
        {"org_id": tree.unit.id, "indicator_id": serve.id, "points": "7", "note": "志愿服务 12 次"},
    )
    assert saved.json()["self_points"] == "7.00"
    assert "0 到 8 分" in bad(
        post(
            api(users.unit_admin),
            f"/assessment/rounds/{round_id}/self",
            {"org_id": tree.unit.id, "indicator_id": serve.id, "points": "9"},
        )
    )
    assert (
        post(
            api(users.unit_admin),
            f"/assessment/rounds/{round_id}/self",
            {"org_id": tree.far_unit.id, "indicator_id": serve.id, "points": "1"},
        ).status_code
        == 404
    )
    post(api(users.committee_admin), f"/assessment/rounds/{round_id}/step")
    post(
        api(users.committee_admin),
        f"/assessment/rounds/{round_id}/review",
        {"org_id": tree.unit.id, "indicator_id": serve.id, "points": "6"},
    )
    results = (
        api(users.committee_admin)
        .get(f"/api/v1/assessment/rounds/{round_id}/results?org={tree.unit.id}")
        .json()
    )
    assert len(results) == 1
    scores = {s["indicator_id"]: s for s in results[0]["items"]}
    life = scores[item(scheme, "组织生活").id]
    assert (life["rule"], life["value"], life["source"], life["points"]) == (
        "ratio",
        "90",
        "meetings.compliance",
        "9.00",
    )
    assert scores[serve.id]["points"] == "6.00"
    assert results[0]["total"] == "15.00"


def test_a_unit_reads_only_its_own_results(users, tree, api, round_, values):
    rounds.round_open(actor=users.committee_admin, round_=round_)
    mine = api(users.unit_admin).get(f"/api/v1/assessment/rounds/{round_.id}/results").json()
    assert [r["org_name"] for r in mine] == ["市发改委机关党委"]
    assert (
        api(users.unit_admin)
        .get(f"/api/v1/assessment/rounds/{round_.id}/results?org={tree.far_unit.id}")
        .status_code
        == 404
    )
    assert api(users.leader).post(f"/api/v1/assessment/rounds/{round_.id}/step").status_code == 403
    assert Round.objects.get(pk=round_.pk).status == "self"


@pytest.mark.parametrize(
    "body",
    [
        {
            "scheme_id": 1,
            "name": "x",
            "kind": "weekly",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
        {
            "scheme_id": 18446744073709551616,
            "name": "x",
            "kind": "annual",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
    ],
)
def test_bad_round_input_gets_a_chinese_400(users, api, body):
    bad(post(api(users.committee_admin), "/assessment/rounds", body))
