"""The org endpoints of /api/v1/: scope (404), read-only grants (403), bad input (400), audit."""

import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from mofan.core.access import SYSTEM
from mofan.core.api import MAX_PAGE_SIZE
from mofan.core.dates import add_years
from mofan.core.models import AuditLog
from mofan.orgs.models import Org, OrgType
from mofan.orgs.services import org_update
from mofan.site.tests.factories import make_org

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def url(org=None, suffix=""):
    return "/api/v1/orgs" + (f"/{org.id}" if org is not None else "") + suffix


def post(client, data, **extra):
    return client.post(url(), data=data, content_type="application/json", **extra)


def patch(client, org, data):
    return client.patch(url(org), data=data, content_type="application/json")


def new_branch(parent, **fields):
    return {
        "parent_id": parent.id,
        "name": "发改委第三党支部",
        "code": "U1-B3",
        "org_type": OrgType.BRANCH,
        **fields,
    }


def assert_bad_request(response):
    """400 with a Chinese `detail` a party-affairs worker can read (never 422 or 500)."""
    assert response.status_code == 400, response.content
    detail = response.json()["detail"]
    assert CHINESE.search(detail), detail
    return detail


def names(items):
    return {item["name"] for item in items}


def audit_rows(action, org):
    return AuditLog.objects.filter(action=action, target_type="orgs.org", target_id=str(org.id))


# --- GET /api/v1/orgs ---------------------------------------------------------------------


def test_it_lists_the_committee_admins_whole_tree(api, users, tree):
    response = api(users.committee_admin).get(url())
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 7
    assert body["page"] == 1
    assert body["page_size"] == 50
    by_name = {item["name"]: item for item in body["items"]}
    assert by_name["发改委第一党支部"]["parent_id"] == tree.unit.id
    assert by_name["发改委第一党支部"]["org_type_label"] == "党支部"
    assert by_name["市直机关工委"]["parent_id"] is None


def test_it_lists_only_the_secretarys_branch(api, users, tree):
    body = api(users.secretary).get(url()).json()
    assert names(body["items"]) == {"发改委第一党支部", "第一党小组"}
    assert body["count"] == 2


def test_it_paginates(api, users, tree):
    client = api(users.committee_admin)
    first = client.get(url(), {"page": 1, "page_size": 3}).json()
    third = client.get(url(), {"page": 3, "page_size": 3}).json()
    assert first["count"] == third["count"] == 7
    assert len(first["items"]) == 3
    assert len(third["items"]) == 1
    assert first["items"][0]["name"] == "市直机关工委"


def test_it_answers_an_empty_page_past_the_end(api, users, tree):
    for page in (3, 10**20):
        response = api(users.committee_admin).get(url(), {"page": page, "page_size": 5})
        assert response.status_code == 200
        assert response.json()["items"] == []


@pytest.mark.parametrize("query", [{"page_size": 0}, {"page_size": MAX_PAGE_SIZE + 1}])
def test_it_refuses_a_page_size_out_of_range(api, users, tree, query):
    detail = assert_bad_request(api(users.committee_admin).get(url(), query))
    assert "page_size" in detail


@pytest.mark.parametrize(
    "query",
    [
        {"page": 0},
        {"page": "abc"},
        {"org_type": "nope"},
        {"include_dissolved": "maybe"},
        {"root": "一"},
        {"q": "党\x00支部"},
    ],
)
def test_it_refuses_bad_list_parameters(api, users, tree, query):
    assert_bad_request(api(users.committee_admin).get(url(), query))


def test_it_filters_by_text(api, users, tree):
    body = api(users.committee_admin).get(url(), {"q": "民政局"}).json()
    assert names(body["items"]) == {"市民政局机关党总支", "民政局第一党支部"}


def test_it_filters_by_type(api, users, tree):
    body = api(users.committee_admin).get(url(), {"org_type": OrgType.BRANCH}).json()
    assert names(body["items"]) == {"发改委第一党支部", "发改委第二党支部", "民政局第一党支部"}


def test_it_filters_by_root(api, users, tree):
    body = api(users.committee_admin).get(url(), {"root": tree.far_unit.id}).json()
    assert names(body["items"]) == {"市民政局机关党总支", "民政局第一党支部"}


def test_it_hides_dissolved_orgs_unless_asked(api, users, tree):
    client = api(users.committee_admin)
    client.delete(url(tree.group))
    assert "第一党小组" not in names(client.get(url()).json()["items"])
    everything = client.get(url(), {"include_dissolved": "true"}).json()
    assert "第一党小组" in names(everything["items"])


def test_it_gives_the_outsider_404_for_a_root_outside_their_branch(api, users, tree):
    response = api(users.outsider).get(url(), {"root": tree.branch.id})
    assert response.status_code == 404


def test_it_lets_the_read_only_leader_list(api, users, tree):
    assert api(users.leader).get(url()).json()["count"] == 7


def test_it_lists_with_the_same_number_of_queries_for_a_bigger_tree(
    api, users, tree, django_assert_max_num_queries
):
    client = api(users.committee_admin)
    client.get(url())  # the first call records the token's use
    with django_assert_max_num_queries(10) as small:
        assert client.get(url(), {"page_size": MAX_PAGE_SIZE}).json()["count"] == 7
    for _ in range(20):
        branch = make_org(tree.far_unit, OrgType.BRANCH)
        make_org(branch, OrgType.PARTY_GROUP)
        make_org(branch, OrgType.PARTY_GROUP)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url(), {"page_size": MAX_PAGE_SIZE}).json()["count"] == 67


# --- POST /api/v1/orgs ----------------------------------------------------------------------


def test_it_creates_an_org(api, users, tree):
    response = post(api(users.unit_admin), new_branch(tree.unit, established_on="2021-07-01"))
    assert response.status_code == 201
    body = response.json()
    assert body["parent_id"] == tree.unit.id
    assert body["established_on"] == "2021-07-01"
    org = Org.objects.get(code="U1-B3")
    assert Org.objects.get_parent(org) == tree.unit
    entry = audit_rows("org.create", org).get()
    assert entry.user == users.unit_admin
    assert entry.ip == "127.0.0.1"
    assert entry.changes["name"] == [None, "发改委第三党支部"]


def test_it_refuses_a_type_that_cannot_sit_under_the_parent(api, users, tree):
    response = post(api(users.committee_admin), new_branch(tree.unit, org_type="party_group"))
    assert assert_bad_request(response) == "机关党委下不能设立党小组"
    assert not Org.objects.filter(code="U1-B3").exists()


def test_it_refuses_a_code_in_use(api, users, tree):
    response = post(api(users.committee_admin), new_branch(tree.unit, code="U1-B1"))
    assert "已被使用" in assert_bad_request(response)


@pytest.mark.parametrize(
    "body",
    [
        {"name": "发改委第三党支部", "code": "U1-B3", "org_type": "branch"},  # no parent_id
        {"parent_id": "PARENT", "code": "U1-B3", "org_type": "branch"},  # no name
        {"parent_id": "PARENT", "name": "", "code": "U1-B3", "org_type": "branch"},
        {"parent_id": "PARENT", "name": "x" * 101, "code": "U1-B3", "org_type": "branch"},
        {"parent_id": "PARENT", "name": "支部", "code": "U1-B3", "org_type": "club"},
        {"parent_id": "PARENT", "name": "支部", "code": "U1-B3", "org_type": "branch", "established_on": "2021-13-01"},
        {"parent_id": "PARENT", "name": "支部", "code": "U1-B3", "org_type": "branch", "term_end": "明年"},
        {"parent_id": "PARENT", "name": "支部", "code": "U1-B3", "org_type": "branch", "sort_order": "第一"},
        {"parent_id": "PARENT", "name": "支部", "code": "U1-B3", "org_type": "branch", "sort_order": 10**30},
        {"parent_id": "PARENT", "name": "支部", "code": "U1-B3", "org_type": "branch", "term_start": "2026-01-01", "term_end": "2025-01-01"},
        {"parent_id": "PARENT", "name": "支\x00部", "code": "U1-B3", "org_type": "branch"},
        [],
    ],
)  # fmt: skip
def test_it_refuses_bad_input_with_a_chinese_detail(api, users, tree, body):
    if isinstance(body, dict) and body.get("parent_id") == "PARENT":
        body["parent_id"] = tree.unit.id
    assert_bad_request(post(api(users.committee_admin), body))
    assert not Org.objects.filter(code="U1-B3").exists()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"parent_id": 2, "name": ', "application/json"),
        ("not json at all", "application/json"),
        ("parent_id=2&name=支部&code=U1-B3&org_type=branch", "application/x-www-form-urlencoded"),
    ],
)
def test_it_refuses_a_body_that_is_not_json(api, users, tree, body, content_type):
    response = api(users.committee_admin).post(url(), data=body, content_type=content_type)
    assert_bad_request(response)


def test_it_gives_the_outsider_404_for_a_parent_outside_their_branch(api, users, tree):
    response = post(api(users.outsider), new_branch(tree.branch, org_type="party_group"))
    assert response.status_code == 404
    assert not Org.objects.filter(code="U1-B3").exists()


def test_it_gives_404_for_a_parent_that_does_not_exist(api, users, tree):
    response = post(api(users.committee_admin), new_branch(tree.unit, parent_id=10**9))
    assert response.status_code == 404


def test_it_refuses_the_read_only_leader_creating(api, users, tree):
    response = post(api(users.leader), new_branch(tree.unit))
    assert response.status_code == 403
    assert CHINESE.search(response.json()["detail"])
    assert not Org.objects.filter(code="U1-B3").exists()


def test_it_refuses_a_secretary_creating_in_their_own_branch(api, users, tree):
    body = new_branch(tree.branch, code="U1-B1-G2", name="第二党小组", org_type="party_group")
    assert post(api(users.secretary), body).status_code == 403
    assert not Org.objects.filter(code="U1-B1-G2").exists()
    assert not AuditLog.objects.filter(user=users.secretary, action="org.create").exists()


# --- GET /api/v1/orgs/{id} ------------------------------------------------------------------


def test_it_shows_an_org(api, users, tree):
    response = api(users.secretary).get(url(tree.branch))
    assert response.status_code == 200
    assert response.json()["code"] == "U1-B1"
    assert response.json()["parent_id"] == tree.unit.id


def test_it_gives_the_outsider_404_for_an_org(api, users, tree):
    response = api(users.outsider).get(url(tree.branch))
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到"}


def test_it_gives_the_same_404_for_an_org_that_does_not_exist(api, users, tree):
    client = api(users.outsider)
    assert client.get(url(tree.branch)).json() == client.get("/api/v1/orgs/999999").json()


def test_it_lets_the_read_only_leader_see_an_org(api, users, tree):
    assert api(users.leader).get(url(tree.far_branch)).status_code == 200


def test_it_refuses_an_org_id_that_is_not_a_number(api, users, tree):
    assert_bad_request(api(users.committee_admin).get("/api/v1/orgs/abc"))


# --- PATCH /api/v1/orgs/{id} ----------------------------------------------------------------


def test_it_updates_an_org(api, users, tree):
    response = patch(api(users.unit_admin), tree.branch, {"short_name": "一支部"})
    assert response.status_code == 200
    assert response.json()["short_name"] == "一支部"
    entry = audit_rows("org.update", tree.branch).get()
    assert entry.user == users.unit_admin
    assert entry.changes == {"short_name": ["", "一支部"]}


def test_it_moves_an_org_when_parent_id_changes(api, users, tree):
    response = patch(api(users.committee_admin), tree.other_branch, {"parent_id": tree.far_unit.id})
    assert response.status_code == 200
    assert response.json()["parent_id"] == tree.far_unit.id
    tree.other_branch.refresh_from_db()
    assert Org.objects.get_parent(tree.other_branch, update=True) == tree.far_unit
    entry = audit_rows("org.move", tree.other_branch).get()
    assert entry.changes == {"parent": ["市发改委机关党委", "市民政局机关党总支"]}


def test_it_refuses_moving_an_org_under_its_own_descendant(api, users, tree):
    response = patch(api(users.committee_admin), tree.unit, {"parent_id": tree.branch.id})
    assert "下级组织" in assert_bad_request(response)
    tree.unit.refresh_from_db()
    assert Org.objects.get_parent(tree.unit, update=True) == tree.committee


def test_it_undoes_the_field_changes_when_the_move_is_refused(api, users, tree):
    body = {"name": "改名的支部", "parent_id": tree.group.id}
    assert_bad_request(patch(api(users.committee_admin), tree.other_branch, body))
    tree.other_branch.refresh_from_db()
    assert tree.other_branch.name == "发改委第二党支部"
    assert not audit_rows("org.update", tree.other_branch).exists()


@pytest.mark.parametrize(
    "body",
    [
        {"name": ""},
        {"name": None},
        {"org_type": None},
        {"org_type": "party_group"},
        {"code": "U1-B2"},
        {"sort_order": "前面"},
        {"term_start": "2026-01-01", "term_end": "2025-12-31"},
        {"term_end": "2026-02-30"},
    ],
)
def test_it_refuses_a_bad_update_with_a_chinese_detail(api, users, tree, body):
    assert_bad_request(patch(api(users.committee_admin), tree.branch, body))
    tree.branch.refresh_from_db()
    assert tree.branch.org_type == OrgType.BRANCH
    assert tree.branch.code == "U1-B1"


def test_it_refuses_a_malformed_update_body(api, users, tree):
    client = api(users.committee_admin)
    response = client.patch(url(tree.branch), data="{", content_type="application/json")
    assert_bad_request(response)


def test_it_gives_the_outsider_404_for_an_update(api, users, tree):
    assert patch(api(users.outsider), tree.branch, {"name": "外人改名"}).status_code == 404
    tree.branch.refresh_from_db()
    assert tree.branch.name == "发改委第一党支部"


def test_it_gives_404_for_a_move_under_a_parent_outside_the_scope(api, users, tree):
    body = {"name": "改名的支部", "parent_id": tree.far_unit.id}
    assert patch(api(users.unit_admin), tree.other_branch, body).status_code == 404
    tree.other_branch.refresh_from_db()
    assert tree.other_branch.name == "发改委第二党支部"
    assert Org.objects.get_parent(tree.other_branch, update=True) == tree.unit


def test_it_refuses_the_read_only_leader_updating(api, users, tree):
    assert patch(api(users.leader), tree.branch, {"name": "领导改名"}).status_code == 403
    tree.branch.refresh_from_db()
    assert tree.branch.name == "发改委第一党支部"


def test_it_refuses_a_secretary_updating_their_own_branch(api, users, tree):
    assert patch(api(users.secretary), tree.branch, {"short_name": "一支"}).status_code == 403
    assert not audit_rows("org.update", tree.branch).exists()


# --- DELETE /api/v1/orgs/{id} ---------------------------------------------------------------


def test_it_dissolves_an_org_and_keeps_the_record(api, users, tree):
    client = api(users.unit_admin)
    response = client.delete(url(tree.group) + "?reason=支部调整")
    assert response.status_code == 200
    assert response.json()["dissolved_on"] == timezone.localdate().isoformat()
    tree.group.refresh_from_db()
    assert tree.group.dissolve_reason == "支部调整"
    assert client.get(url(tree.group)).json()["dissolved_on"] is not None
    entry = audit_rows("org.dissolve", tree.group).get()
    assert entry.user == users.unit_admin
    assert entry.changes["dissolve_reason"] == ["", "支部调整"]


def test_it_refuses_dissolving_an_org_with_active_children(api, users, tree):
    response = api(users.committee_admin).delete(url(tree.unit))
    assert "下级组织" in assert_bad_request(response)
    tree.unit.refresh_from_db()
    assert tree.unit.dissolved_on is None


def test_it_refuses_dissolving_twice(api, users, tree):
    client = api(users.committee_admin)
    assert client.delete(url(tree.group)).status_code == 200
    assert_bad_request(client.delete(url(tree.group)))


def test_it_gives_the_outsider_404_for_a_dissolve(api, users, tree):
    assert api(users.outsider).delete(url(tree.group)).status_code == 404
    tree.group.refresh_from_db()
    assert tree.group.dissolved_on is None


def test_it_refuses_the_read_only_leader_dissolving(api, users, tree):
    assert api(users.leader).delete(url(tree.group)).status_code == 403


def test_it_refuses_a_secretary_dissolving_in_their_own_branch(api, users, tree):
    assert api(users.secretary).delete(url(tree.group)).status_code == 403
    tree.group.refresh_from_db()
    assert tree.group.dissolved_on is None
    assert not audit_rows("org.dissolve", tree.group).exists()


def test_it_refuses_a_unit_admin_dissolving_their_own_unit(api, users, tree):
    assert api(users.unit_admin).delete(url(tree.unit)).status_code == 403


# --- GET /api/v1/orgs/{id}/children ---------------------------------------------------------


def test_it_lists_children(api, users, tree):
    response = api(users.unit_admin).get(url(tree.unit, "/children"))
    assert response.status_code == 200
    assert names(response.json()) == {"发改委第一党支部", "发改委第二党支部"}
    assert {item["parent_id"] for item in response.json()} == {tree.unit.id}


def test_it_lists_dissolved_children_only_when_asked(api, users, tree):
    client = api(users.unit_admin)
    client.delete(url(tree.group))
    assert client.get(url(tree.branch, "/children")).json() == []
    everything = client.get(url(tree.branch, "/children"), {"include_dissolved": "true"}).json()
    assert names(everything) == {"第一党小组"}


def test_it_gives_the_outsider_404_for_children(api, users, tree):
    assert api(users.outsider).get(url(tree.branch, "/children")).status_code == 404


def test_it_lets_the_read_only_leader_list_children(api, users, tree):
    assert api(users.leader).get(url(tree.far_unit, "/children")).status_code == 200


# --- GET /api/v1/orgs/{id}/health -----------------------------------------------------------


def test_it_reports_health_findings_of_the_sub_tree(api, users, tree):
    today = timezone.localdate()
    org_update(
        actor=SYSTEM,
        org=tree.branch,
        term_start=add_years(today, -4),
        term_end=add_years(today, -1),
    )
    response = api(users.unit_admin).get(url(tree.unit, "/health"))
    assert response.status_code == 200
    findings = response.json()
    overdue = [f for f in findings if f["rule_code"] == "term-overdue"]
    assert [f["org_id"] for f in overdue] == [tree.branch.id]
    assert CHINESE.search(overdue[0]["message"])
    subtree = {tree.unit.id, tree.branch.id, tree.group.id, tree.other_branch.id}
    assert {f["org_id"] for f in findings} <= subtree


def test_it_gives_the_outsider_404_for_health(api, users, tree):
    assert api(users.outsider).get(url(tree.branch, "/health")).status_code == 404


def test_it_lets_the_read_only_leader_read_health(api, users, tree):
    assert api(users.leader).get(url(tree.committee, "/health")).status_code == 200


# --- Authentication and CSRF ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", ""),
        ("post", ""),
        ("get", "{id}"),
        ("patch", "{id}"),
        ("delete", "{id}"),
        ("get", "{id}/children"),
        ("get", "{id}/health"),
    ],
)
def test_it_answers_401_without_credentials(client, tree, method, path):
    target = "/api/v1/orgs/" + path.format(id=tree.branch.id)
    response = getattr(client, method)(target.rstrip("/"), content_type="application/json")
    assert response.status_code == 401
    assert CHINESE.search(response.json()["detail"])


def test_it_answers_401_for_an_unknown_token(client, tree):
    response = client.get(url(), HTTP_AUTHORIZATION="Bearer mf_not-a-real-token")
    assert response.status_code == 401


def test_it_accepts_the_browser_session_for_reading(client, users, tree):
    client.force_login(users.secretary)
    assert client.get(url()).json()["count"] == 2


def test_it_refuses_a_session_write_without_the_csrf_token(users, tree):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users.committee_admin)
    response = post(client, new_branch(tree.unit))
    assert response.status_code == 403
    assert CHINESE.search(response.json()["detail"])
    assert not Org.objects.filter(code="U1-B3").exists()


def test_it_accepts_a_session_write_with_the_csrf_token(users, tree):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users.committee_admin)
    client.get("/api/v1/docs")  # sets the CSRF cookie, as the docs page does in a browser
    token = client.cookies["csrftoken"].value
    assert post(client, new_branch(tree.unit), HTTP_X_CSRFTOKEN=token).status_code == 201


def test_it_needs_no_csrf_token_with_a_bearer_token(users, tree):
    from mofan.accounts.services import token_create

    _, plain = token_create(actor=SYSTEM, user=users.committee_admin, name="脚本")
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert post(client, new_branch(tree.unit)).status_code == 201


# --- OpenAPI document and docs page ---------------------------------------------------------


def test_it_serves_the_openapi_document(login, users):
    response = login(users.committee_admin).get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    for path in ["/api/v1/orgs", "/api/v1/orgs/{org_id}", "/api/v1/orgs/{org_id}/health"]:
        assert path in document["paths"]
    assert set(document["paths"]["/api/v1/orgs/{org_id}"]) == {"get", "patch", "delete"}


def test_it_serves_the_docs_from_our_own_static_files(login, users):
    client = login(users.committee_admin)
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    links = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", page)
    assert any(link.endswith("swagger-ui-bundle.js") for link in links)
    for link in links:
        assert not re.match(r"(?i)(https?:)?//", link), link
        assert link.startswith("/static/"), link
        assert client.get(link).status_code == 200, link
    assert "http://" not in page
    assert "https://" not in page
