"""The API under /api/v1/brands/: calls, applications and their steps, brands, batches and the
showcase, with the same scope as the pages (404 outside, 403 for a step not the user's, 400
with the Chinese message for a rule broken)."""

from mofan.brands.models import Status
from mofan.brands.tests.conftest import EVALUATION, YEAR, brand_draft, brand_passed, draft

BASE = "/api/v1/brands"


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_calls_are_listed_to_branches_and_opened_by_the_committee(users, tree, api, records):
    response = post(
        api(users.committee_admin), f"{BASE}/calls", {"org_id": tree.committee.id, "year": YEAR}
    )
    assert response.status_code == 201 and response.json()["title"] == f"{YEAR}年度“四强”党支部创建"
    again = post(
        api(users.committee_admin), f"{BASE}/calls", {"org_id": tree.committee.id, "year": YEAR}
    )
    assert again.status_code == 400 and "已有" in again.json()["detail"]
    unseen = post(
        api(users.unit_admin), f"{BASE}/calls", {"org_id": tree.committee.id, "year": YEAR + 1}
    )
    assert unseen.status_code == 400 and unseen.json()["detail"] == "组织不存在"
    refused = post(
        api(users.leader), f"{BASE}/calls", {"org_id": tree.committee.id, "year": YEAR + 1}
    )
    assert refused.status_code == 403
    listed = api(users.secretary).get(f"{BASE}/calls").json()
    assert [c["year"] for c in listed["items"]] == [YEAR]


def test_a_branch_applies_and_the_steps_run_through_the_api(call, users, tree, api):
    payload = {
        "call_id": call.id,
        "org_id": tree.branch.id,
        "self_evaluation": EVALUATION,
        "negative_confirmed": True,
    }
    response = post(api(users.secretary), f"{BASE}/applications", payload)
    assert response.status_code == 201
    body = response.json()
    assert [p["fact_code"] for p in body["prerequisites"]][0] == "meetings.compliance"
    url = f"{BASE}/applications/{body['id']}/steps"
    assert (
        post(api(users.secretary), url, {"action": "submit"}).json()["status"] == Status.SUBMITTED
    )
    assert post(api(users.secretary), url, {"action": "unit_pass"}).status_code == 403
    assert post(api(users.outsider), url, {"action": "unit_pass"}).status_code == 404
    assert (
        post(api(users.unit_admin), url, {"action": "unit_pass"}).json()["status"]
        == Status.UNIT_PASSED
    )
    bad = post(api(users.committee_admin), url, {"action": "reject"})
    assert bad.status_code == 400 and bad.json()["detail"] == "请填写不予认定的原因"
    assert post(api(users.committee_admin), url, {"action": "nonsense"}).status_code == 400
    done = post(api(users.committee_admin), url, {"action": "recognise"}).json()
    assert done["status"] == Status.RECOGNISED and done["recognised_on"]


def test_a_branch_failing_a_prerequisite_gets_400_with_the_reason(call, users, tree, api, records):
    records.compliance[tree.branch.pk] = (1, 20)
    application = draft(call, users.secretary, tree.branch)
    response = post(
        api(users.secretary), f"{BASE}/applications/{application.id}/steps", {"action": "submit"}
    )
    assert response.status_code == 400 and "不符合申报条件" in response.json()["detail"]


def test_outsiders_do_not_see_others_applications(submitted, users, api):
    assert api(users.outsider).get(f"{BASE}/applications/{submitted.id}").status_code == 404
    assert api(users.outsider).get(f"{BASE}/applications").json()["items"] == []
    assert api(users.unit_admin).get(f"{BASE}/applications?status=submitted").json()["count"] == 1


def test_an_application_for_an_org_out_of_reach_is_refused(call, users, tree, api):
    payload = {"call_id": call.id, "org_id": tree.far_branch.id}
    response = post(api(users.secretary), f"{BASE}/applications", payload)
    assert response.status_code == 400 and response.json()["detail"] == "组织不存在"


def test_brands_are_applied_for_reviewed_and_recognised_in_a_batch(users, tree, api):
    data = {
        "org_id": tree.branch.id,
        "name": "红色引擎",
        "description": "内涵",
        "measures": "举措",
        "results": "成效",
    }
    response = post(api(users.secretary), f"{BASE}/brands", data)
    assert response.status_code == 201
    second = post(api(users.secretary), f"{BASE}/brands", {**data, "name": "又一个"})
    assert second.status_code == 400 and "一组织一品牌" in second.json()["detail"]
    url = f"{BASE}/brands/{response.json()['id']}/steps"
    post(api(users.secretary), url, {"action": "submit"})
    assert post(api(users.outsider), url, {"action": "unit_pass"}).status_code == 404
    assert (
        post(api(users.unit_admin), url, {"action": "unit_pass"}).json()["status"]
        == Status.UNIT_PASSED
    )
    batch = {
        "org_id": tree.committee.id,
        "brand_ids": [response.json()["id"]],
        "decided_on": "2026-06-01",
        "note": "8 号",
    }
    assert post(api(users.leader), f"{BASE}/batches", batch).status_code == 403
    made = post(api(users.committee_admin), f"{BASE}/batches", batch)
    assert made.status_code == 201 and made.json()["name"] == "第一批"
    shown = api(users.member).get(f"{BASE}/showcase").json()
    assert [(b["name"], b["batch"]) for b in shown] == [("红色引擎", "第一批")]


def test_brands_out_of_reach_are_404(users, tree, api):
    brand = brand_draft(users.secretary, tree.branch)
    assert api(users.outsider).get(f"{BASE}/brands/{brand.id}").status_code == 404
    assert api(users.secretary).get(f"{BASE}/brands/{brand.id}").status_code == 200
    passed = brand_passed(users, tree.other_branch, submitter=users.outsider, name="先锋")
    assert [b["name"] for b in api(users.secretary).get(f"{BASE}/brands").json()["items"]] == [
        "红色引擎"
    ]
    assert (
        api(users.committee_admin).get(f"{BASE}/brands?status=unit_passed").json()["items"][0]["id"]
        == passed.id
    )
