"""The member endpoints of /api/v1/: scope (404), read-only grants (403), bad input (400 with
a Chinese detail, never 422 or 500), import with dry run, export, the dues standard, audit."""

import io
import re
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from mofan.core.models import AuditLog
from mofan.members import crypto, idcard
from mofan.members.models import Category, Member
from mofan.members.tests.conftest import new_id_number

CHINESE = re.compile(r"[\u4e00-\u9fff]")
BORN = date(1985, 6, 15)
RIGHT = idcard.make("110105", BORN, 123, "male")
WRONG_CHECK_DIGIT = RIGHT[:17] + ("1" if RIGHT[17] == "0" else "0")


def post(client, data):
    return client.post("/api/v1/members", data=data, content_type="application/json")


def patch(client, member, data):
    return client.patch(f"/api/v1/members/{member.id}", data=data, content_type="application/json")


def assert_bad_request(response) -> str:
    assert response.status_code == 400, response.content
    detail = response.json()["detail"]
    assert CHINESE.search(detail), detail
    return detail


def new_member(org, **fields):
    data = {
        "name": "接口录入",
        "id_number": new_id_number(BORN, "male"),
        "category": "full",
        "org_id": org.id,
        "joined_on": "2010-07-01",
        "full_member_on": "2011-07-01",
        "phone": "13800138000",
    }
    data.update(fields)
    return data


def names(response) -> set[str]:
    return {item["name"] for item in response.json()["items"]}


# --- GET /api/v1/members ------------------------------------------------------------------


@pytest.fixture
def people(tree, make_member):
    return {
        "a": make_member(tree.branch, name="甲", phone="13511110000"),
        "b": make_member(
            tree.branch,
            name="乙",
            sex="female",
            joined_on=date(2015, 7, 1),
            full_member_on=date(2016, 7, 1),
        ),
        "c": make_member(tree.other_branch, name="丙", category=Category.PROBATIONARY),
        "d": make_member(tree.far_branch, name="丁"),
    }


def test_it_lists_the_members_of_the_scope_with_masked_numbers(people, users, api):
    response = api(users.unit_admin).get("/api/v1/members")
    assert response.status_code == 200
    body = response.json()
    assert names(response) == {"甲", "乙", "丙"}
    assert body["count"] == 3
    item = next(i for i in body["items"] if i["name"] == "甲")
    assert item["id_number_masked"] == people["a"].id_number_masked
    assert "id_number" not in item
    for member in people.values():
        assert crypto.decrypt(member.id_number_cipher) not in response.content.decode()


def test_it_lists_only_the_outsiders_own_branch(people, users, api):
    assert names(api(users.outsider).get("/api/v1/members")) == {"丙"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=probationary", {"丙"}),
        ("sex=female", {"乙"}),
        ("joined_year=2015", {"乙"}),
        ("q=甲", {"甲"}),
        ("q=135111", {"甲"}),
        ("status=deceased", set()),
    ],
)
def test_it_filters_the_list(people, users, api, query, expected):
    assert names(api(users.committee_admin).get(f"/api/v1/members?{query}")) == expected


def test_it_filters_by_an_org_of_the_scope_only(people, tree, users, api):
    client = api(users.unit_admin)
    assert names(client.get(f"/api/v1/members?org={tree.other_branch.id}")) == {"丙"}
    assert client.get(f"/api/v1/members?org={tree.far_branch.id}").status_code == 404


def test_it_pages_the_list(people, users, api):
    client = api(users.committee_admin)
    first = client.get("/api/v1/members?page=1&page_size=3").json()
    second = client.get("/api/v1/members?page=2&page_size=3").json()
    assert (first["count"], len(first["items"]), len(second["items"])) == (4, 3, 1)
    assert {i["name"] for i in first["items"] + second["items"]} == {"甲", "乙", "丙", "丁"}
    assert client.get("/api/v1/members?page=9").json()["items"] == []


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page_size=0",
        "page_size=1000",
        "page=x",
        "category=党员",
        "age_min=-1",
        "joined_year=10000",
        "joined_year=-5",
    ],
)
def test_it_answers_400_to_bad_list_parameters(people, users, api, query):
    assert_bad_request(api(users.unit_admin).get(f"/api/v1/members?{query}"))


def test_it_answers_401_without_a_token(client, people):
    assert client.get("/api/v1/members").status_code == 401


# --- POST /api/v1/members -----------------------------------------------------------------


def test_it_creates_a_member(tree, users, api):
    data = new_member(tree.branch)
    response = post(api(users.secretary), data)
    assert response.status_code == 201, response.content
    body = response.json()
    member = Member.objects.get()
    assert body["id"] == member.id
    assert body["id_number_masked"] == member.id_number_masked
    assert (body["birth_date"], body["sex"]) == ("1985-06-15", "male")
    assert data["id_number"] not in response.content.decode()
    assert crypto.decrypt(member.id_number_cipher) == data["id_number"]
    assert AuditLog.objects.filter(action="member.create", user=users.secretary).exists()


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"id_number": WRONG_CHECK_DIGIT}, "校验位"),
        ({"id_number": "11010519850615123"}, "18 位"),
        ({"id_number": "1101051985061512345"}, "18 位"),
        ({"birth_date": "1985-06-16"}, "出生日期"),
        ({"sex": "female"}, "性别"),
        ({"joined_on": "2019-13-01"}, "日期"),
        ({"joined_on": "2019/7/1"}, "日期"),
        ({"joined_on": "2002-07-01", "full_member_on": None}, "18 岁"),
        ({"category": "probationary"}, "转正日期"),
        ({"category": "党员"}, "category"),
        ({"name": ""}, "name"),
        ({"dues_base": "-1"}, "dues_base"),
    ],
)
def test_it_answers_400_to_a_bad_member(tree, users, api, changes, words):
    data = new_member(tree.branch, **changes)
    detail = assert_bad_request(post(api(users.unit_admin), data))
    assert words in detail
    assert not Member.objects.exists()
    assert not AuditLog.objects.filter(action="member.create").exists()


@pytest.mark.parametrize("field", ["name", "id_number", "category", "org_id", "joined_on"])
def test_it_answers_400_to_a_missing_field(tree, users, api, field):
    data = new_member(tree.branch)
    del data[field]
    detail = assert_bad_request(post(api(users.unit_admin), data))
    assert field in detail
    assert "必须填写" in detail


@pytest.mark.parametrize("body", ["", "not json", "[]", '{"name": 5}'])
def test_it_answers_400_to_a_malformed_body(tree, users, api, body):
    response = api(users.unit_admin).post(
        "/api/v1/members", data=body, content_type="application/json"
    )
    assert_bad_request(response)


def test_it_refuses_a_duplicate_id_number(tree, users, api, make_member):
    existing = make_member(tree.far_branch)
    data = new_member(tree.branch, id_number=crypto.decrypt(existing.id_number_cipher))
    assert "已登记" in assert_bad_request(post(api(users.unit_admin), data))


def test_it_refuses_a_unit_as_the_org(tree, users, api):
    detail = assert_bad_request(post(api(users.unit_admin), new_member(tree.unit)))
    assert "党支部" in detail


def test_it_refuses_an_org_outside_the_scope(tree, users, api):
    assert_bad_request(post(api(users.outsider), new_member(tree.branch)))
    assert not Member.objects.exists()


@pytest.mark.parametrize("who", ["leader", "member"])
def test_it_answers_403_to_read_only_users_creating(tree, users, api, who):
    assert post(api(getattr(users, who)), new_member(tree.branch)).status_code == 403
    assert not Member.objects.exists()


# --- GET / PATCH /api/v1/members/{id} ----------------------------------------------------


def test_it_shows_one_member(people, users, api):
    response = api(users.secretary).get(f"/api/v1/members/{people['a'].id}")
    assert response.status_code == 200
    assert response.json()["id_number_masked"] == people["a"].id_number_masked


def test_it_answers_404_to_an_outsider(people, users, api):
    client = api(users.outsider)
    assert client.get(f"/api/v1/members/{people['a'].id}").status_code == 404
    assert patch(client, people["a"], {"name": "改"}).status_code == 404
    assert client.get("/api/v1/members/999999").status_code == 404
    people["a"].refresh_from_db()
    assert people["a"].name == "甲"


def test_it_answers_403_to_a_leader_patching(people, users, api):
    client = api(users.leader)
    assert client.get(f"/api/v1/members/{people['a'].id}").status_code == 200
    assert patch(client, people["a"], {"name": "改"}).status_code == 403
    people["a"].refresh_from_db()
    assert people["a"].name == "甲"


def test_it_patches_only_the_given_fields_with_an_audit_row(people, users, api):
    member = people["a"]
    response = patch(api(users.secretary), member, {"phone": "13900000000"})
    assert response.status_code == 200, response.content
    member.refresh_from_db()
    assert (member.phone, member.name) == ("13900000000", "甲")
    entry = AuditLog.objects.get(action="member.update")
    assert entry.changes == {"phone": ["13511110000", "13900000000"]}


def test_it_moves_a_member_to_a_branch_of_the_scope(people, tree, users, api):
    response = patch(api(users.unit_admin), people["a"], {"org_id": tree.other_branch.id})
    assert response.status_code == 200
    assert response.json()["org_id"] == tree.other_branch.id


def test_it_refuses_a_secretary_moving_a_member_out_of_their_branch(people, tree, users, api):
    response = patch(api(users.secretary), people["a"], {"org_id": tree.other_branch.id})
    assert response.status_code in (400, 403)
    people["a"].refresh_from_db()
    assert people["a"].org == tree.branch


@pytest.mark.parametrize(
    "data",
    [
        {"org_id": None},
        {"name": None},
        {"category": None},
        {"joined_on": None},
        {"is_hardship": None},
        {"dues_base": None},
        {"birth_date": "1990-01-01"},
        {"sex": "female"},
        {"id_number": "123"},
        {"joined_on": "not a date"},
        {"org_id": 999999},
    ],
)
def test_it_answers_400_to_a_bad_patch(people, users, api, data):
    member = people["a"]
    assert_bad_request(patch(api(users.unit_admin), member, data))
    fresh = Member.objects.get(pk=member.pk)
    assert (fresh.org_id, fresh.name, fresh.birth_date, fresh.sex) == (
        member.org_id,
        "甲",
        member.birth_date,
        "male",
    )


@pytest.mark.parametrize("field", ["remarks", "phone", "native_place", "work_unit", "post"])
def test_it_clears_a_text_field_patched_to_null(people, users, api, field):
    member = people["a"]
    patch(api(users.unit_admin), member, {field: "有内容"})
    response = patch(api(users.unit_admin), member, {field: None})
    assert response.status_code == 200, response.content
    member.refresh_from_db()
    assert getattr(member, field) == ""


def test_it_takes_birth_date_and_sex_patched_to_null_from_the_id_number(people, users, api):
    member = people["b"]
    response = patch(api(users.unit_admin), member, {"birth_date": None, "sex": None})
    assert response.status_code == 200, response.content
    assert (response.json()["birth_date"], response.json()["sex"]) == ("1985-06-15", "female")


# --- POST /api/v1/members/import ----------------------------------------------------------

HEADERS = ["姓名", "入党日期", "公民身份号码", "所在支部", "人员类别"]


def roster(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["党员花名册"])
    sheet.merge_cells("A1:E1")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("roster.xlsx", buffer.getvalue())


def row(org, name="导入人", joined=datetime(2010, 7, 1), number=None):
    return [name, joined, number or new_id_number(), org.name, "正式党员"]


def import_(client, file, **data):
    return client.post("/api/v1/members/import", {"file": file, **data})


def test_it_previews_an_import_without_writing(tree, users, api, make_member):
    existing = make_member(tree.branch)
    file = roster(
        [row(tree.branch), row(tree.branch, number=crypto.decrypt(existing.id_number_cipher))]
    )
    response = import_(api(users.secretary), file, dry_run="true")
    assert response.status_code == 200, response.content
    assert response.json() == {"dry_run": True, "created": 1, "updated": 1}
    assert Member.objects.count() == 1
    assert not AuditLog.objects.filter(action="member.import").exists()


def test_it_imports_a_roster(tree, users, api):
    response = import_(api(users.secretary), roster([row(tree.branch), row(tree.branch, "二号")]))
    assert response.status_code == 200, response.content
    assert response.json() == {"dry_run": False, "created": 2, "updated": 0}
    assert set(Member.objects.values_list("name", flat=True)) == {"导入人", "二号"}
    assert AuditLog.objects.filter(action="member.import", user=users.secretary).exists()


def test_it_answers_400_with_every_bad_row(tree, users, api):
    file = roster(
        [
            row(tree.branch),
            row(tree.branch, joined="2019年2月30日"),
            row(tree.other_branch),
            row(tree.branch, number="110105198506151234X"),
        ]
    )
    response = import_(api(users.secretary), file)
    detail = assert_bad_request(response)
    assert "3 处错误" in detail
    errors = response.json()["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [
        (4, "入党日期"),
        (5, "所在支部"),
        (6, "公民身份号码"),
    ]
    assert all(CHINESE.search(e["reason"]) for e in errors)
    assert not Member.objects.exists()


def test_it_answers_400_to_a_file_that_is_not_xlsx(tree, users, api):
    client = api(users.unit_admin)
    csv = SimpleUploadedFile("roster.csv", b"a,b\n")
    assert "xlsx" in assert_bad_request(import_(client, csv))
    fake = SimpleUploadedFile("roster.xlsx", b"garbage")
    assert "无法读取" in assert_bad_request(import_(client, fake))


def test_it_answers_400_to_an_import_without_a_file(tree, users, api):
    assert "file" in assert_bad_request(api(users.unit_admin).post("/api/v1/members/import", {}))


def test_it_answers_403_to_a_leader_importing(tree, users, api):
    response = import_(api(users.leader), roster([row(tree.branch)]))
    assert response.status_code == 403
    assert not Member.objects.exists()


# --- GET /api/v1/members/export -----------------------------------------------------------


def test_it_exports_the_filtered_scope(people, users, api):
    response = api(users.unit_admin).get("/api/v1/members/export?category=full")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert sorted(r[0] for r in rows[2:]) == ["乙", "甲"]
    assert people["a"].id_number_masked in {v for r in rows for v in r}
    assert AuditLog.objects.filter(action="member.export", user=users.unit_admin).exists()


def test_it_exports_nothing_outside_the_scope(people, tree, users, api):
    client = api(users.outsider)
    assert client.get(f"/api/v1/members/export?org={tree.branch.id}").status_code == 404
    rows = list(
        load_workbook(io.BytesIO(client.get("/api/v1/members/export").content)).active.iter_rows(
            values_only=True
        )
    )
    assert [r[0] for r in rows[2:]] == ["丙"]


# --- GET /api/v1/dues/standard -------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=在职&base=5400", {"amount": "81.00", "rate": "0.015"}),
        ("category=在职&base=3000", {"amount": "15.00", "rate": "0.005"}),
        ("category=在职&base=3000.01", {"amount": "30.00", "rate": "0.01"}),
        ("category=employed&base=10000.01", {"amount": "200.00", "rate": "0.02"}),
        ("category=离退休&base=5000", {"amount": "25.00", "rate": "0.005"}),
        ("category=学生&base=0", {"amount": "0.20", "rate": None}),
    ],
)
def test_it_answers_the_dues_standard(users, api, query, expected):
    response = api(users.member).get(f"/api/v1/dues/standard?{query}")
    assert response.status_code == 200, response.content
    assert response.json() == expected


@pytest.mark.parametrize(
    "query",
    [
        "category=公务员&base=5400",
        "category=在职&base=abc",
        "category=在职",
        "base=5400",
        "category=在职&base=-1",
        "category=在职&base=NaN",
        "category=在职&base=1e30",
        "category=在职&base=100000000",
    ],
)
def test_it_answers_400_to_a_bad_dues_question(users, api, query):
    assert_bad_request(api(users.member).get(f"/api/v1/dues/standard?{query}"))


def test_it_lists_3_or_30_members_with_the_same_queries(tree, users, api, make_member):
    for _ in range(3):
        make_member(tree.branch, party_group=tree.group)
    client = api(users.unit_admin)
    client.get("/api/v1/members")  # warm up: the first call records the token's use
    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/members")
    for _ in range(27):
        make_member(tree.other_branch)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/api/v1/members").json()["count"] == 30
    assert len(large.captured_queries) == len(small.captured_queries)
