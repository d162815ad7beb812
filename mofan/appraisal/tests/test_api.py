"""The API: rounds (list, create, one, step), results, and the anonymous ballot."""

import pytest

from mofan.appraisal import ballots
from mofan.appraisal.tests.conftest import all_good


def test_it_lists_and_shows_rounds_in_scope(round_, users, api):
    listed = api(users.secretary).get("/api/v1/appraisal/rounds").json()
    assert [r["title"] for r in listed["items"]] == ["2026 年度书记述职评议"]
    assert api(users.outsider).get("/api/v1/appraisal/rounds").json()["count"] == 0
    one = api(users.committee_admin).get(f"/api/v1/appraisal/rounds/{round_.id}").json()
    assert [r["name"] for r in one["reporters"]] == ["李明", "张伟"]
    assert sum(float(p["weight"]) for p in one["panels"]) == 100
    assert api(users.outsider).get(f"/api/v1/appraisal/rounds/{round_.id}").status_code == 404


def test_it_creates_rounds_with_400_and_403(users, tree, api, seats):
    data = {"org_id": tree.committee.id, "year": 2026, "title": "述职", "meeting_on": "2026-12-10"}
    assert (
        api(users.leader)
        .post("/api/v1/appraisal/rounds", data, content_type="application/json")
        .status_code
        == 403
    )
    created = api(users.committee_admin).post(
        "/api/v1/appraisal/rounds", data, content_type="application/json"
    )
    assert created.status_code == 201
    again = api(users.committee_admin).post(
        "/api/v1/appraisal/rounds", data, content_type="application/json"
    )
    assert again.status_code == 400 and "已有 2026 年度" in again.json()["detail"]
    far = {**data, "org_id": tree.far_unit.id}
    assert (
        api(users.unit_admin)
        .post("/api/v1/appraisal/rounds", far, content_type="application/json")
        .status_code
        == 400
    )


def test_steps_and_results(voting, users, api):
    round_, codes = voting
    url = f"/api/v1/appraisal/rounds/{round_.id}"
    assert api(users.secretary).post(f"{url}/step").status_code == 403
    assert api(users.secretary).get(f"{url}/results").status_code == 403
    ballots.ballot_cast(code=codes[0], grades=all_good(round_))
    live = api(users.committee_admin).get(f"{url}/results").json()
    assert [r["final"] for r in live] == [False, False]
    closed = api(users.committee_admin).post(f"{url}/step")
    assert closed.json()["status"] == "closed"
    mine = api(users.secretary).get(f"{url}/results").json()
    assert [(r["name"], r["good"], float(r["score"])) for r in mine] == [("张伟", 1, 100.0)]
    again = api(users.committee_admin).post(f"{url}/step")
    assert again.status_code == 400


def test_a_ballot_is_cast_without_login(voting, client):
    round_, codes = voting
    ratings = [{"reporter_id": r.id, "grade": "good"} for r in round_.reporters.all()]
    url = "/api/v1/appraisal/ballots"
    response = client.post(
        url, {"code": codes[0], "ratings": ratings}, content_type="application/json"
    )
    assert response.status_code == 201
    used = client.post(url, {"code": codes[0], "ratings": ratings}, content_type="application/json")
    assert used.status_code == 400 and "已经使用过" in used.json()["detail"]
    wrong = client.post(url, {"code": "nope", "ratings": ratings}, content_type="application/json")
    assert wrong.status_code == 400 and "评议码不正确" in wrong.json()["detail"]
    partial = client.post(
        url, {"code": codes[1], "ratings": ratings[:1]}, content_type="application/json"
    )
    assert partial.status_code == 400 and "未评价" in partial.json()["detail"]
    bad = client.post(
        url,
        {"code": codes[1], "ratings": [{"reporter_id": 1, "grade": "best"}]},
        content_type="application/json",
    )
    assert bad.status_code == 400


@pytest.mark.parametrize("path", ["/api/v1/appraisal/rounds", "/api/v1/appraisal/rounds/1"])
def test_the_other_endpoints_need_a_login(client, path, round_):
    assert client.get(path).status_code == 401
