"""The member record: ID number rules, encryption at rest, masking and audited reveal, the
list / detail / create / edit pages, filters, sorting, export and political birthdays."""

import io
import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from mofan.core.access import SYSTEM
from mofan.core.dates import add_years
from mofan.core.errors import ApplicationError
from mofan.core.models import AuditLog
from mofan.members import crypto, idcard
from mofan.members.models import Category, Education, Member, MemberEvent, Sex, Status
from mofan.members.services import member_create, member_reveal_id_number, member_update
from mofan.members.tests.conftest import new_id_number
from mofan.orgs.models import OrgType
from mofan.site.tests.factories import make_org

BORN = date(1985, 6, 15)


def fresh(member):
    return Member.objects.get(pk=member.pk)


def text(response):
    return response.content.decode()


def names_in(response) -> list[str]:
    return re.findall(r'<td><a href="/members/\d+/">([^<]+)</a></td>', text(response))


def record(org, **changes):
    """Keyword arguments for member_create: a valid full member of `org`."""
    data = {
        "name": "张三",
        "id_number": new_id_number(BORN, "male"),
        "sex": Sex.MALE,
        "birth_date": BORN,
        "category": Category.FULL,
        "org": org,
        "joined_on": date(2010, 7, 1),
        "full_member_on": date(2011, 7, 1),
    }
    data.update(changes)
    return data


def form_data(org, **changes):
    """The create/edit form as a browser posts it."""
    data = {
        "name": "李四",
        "id_number": new_id_number(BORN, "female"),
        "sex": "female",
        "ethnicity": "汉族",
        "birth_date": "1985-06-15",
        "native_place": "江苏南京",
        "education": "bachelor",
        "category": "full",
        "org": str(org.id),
        "party_group": "",
        "joined_on": "2010-07-01",
        "full_member_on": "2011-07-01",
        "work_unit": "市发改委",
        "post": "科员",
        "phone": "13800138000",
        "dues_category": "employed",
        "dues_base": "5400",
        "remarks": "",
    }
    data.update(changes)
    return data


def refused(**fields) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        member_create(actor=SYSTEM, **fields)
    return caught.value


# --- the ID number against the record ------------------------------------------------------


def test_it_fills_birth_date_and_sex_from_the_id_number_when_left_out(tree):
    number = idcard.make("110105", date(1990, 2, 3), 12, "female")
    member = member_create(
        actor=SYSTEM, **record(tree.branch, id_number=number, sex="", birth_date=None)
    )
    assert (member.birth_date, member.sex) == (date(1990, 2, 3), "female")


def test_it_refuses_a_birth_date_that_disagrees_with_the_id_number(tree):
    error = refused(**record(tree.branch, birth_date=date(1985, 6, 16)))
    assert error.field == "birth_date"
    assert "出生日期 1985-06-16 与公民身份号码中的 1985-06-15 不一致" in error.message
    assert not Member.objects.exists()


def test_it_refuses_a_sex_that_disagrees_with_the_id_number(tree):
    error = refused(**record(tree.branch, sex=Sex.FEMALE))
    assert error.field == "sex"
    assert "性别与公民身份号码" in error.message


def test_it_refuses_a_wrong_check_digit(tree):
    number = new_id_number(BORN, "male")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    error = refused(**record(tree.branch, id_number=wrong))
    assert error.field == "id_number"
    assert "校验位错误" in error.message


def test_it_refuses_an_id_number_already_on_record(tree, make_member):
    existing = make_member(tree.far_branch)
    number = crypto.decrypt(existing.id_number_cipher)
    error = refused(**record(tree.branch, id_number=number.lower()))
    assert error.field == "id_number"
    assert "已登记" in error.message
    assert Member.objects.count() == 1


def test_it_refuses_changing_the_birth_date_away_from_the_id_number(tree, make_member):
    member = make_member(tree.branch, birth_date=BORN)
    with pytest.raises(ApplicationError) as caught:
        member_update(actor=SYSTEM, member=member, birth_date=date(1986, 6, 15))
    assert "不一致" in caught.value.message
    assert fresh(member).birth_date == BORN


def test_it_refuses_changing_the_sex_away_from_the_id_number(tree, make_member):
    member = make_member(tree.branch, sex="male")
    with pytest.raises(ApplicationError) as caught:
        member_update(actor=SYSTEM, member=member, sex="female")
    assert "性别" in caught.value.message
    assert fresh(member).sex == "male"


def test_it_accepts_a_new_id_number_with_its_birth_date_on_edit(tree, make_member):
    member = make_member(tree.branch)
    number = new_id_number(date(1988, 1, 2), "male")
    member_update(actor=SYSTEM, member=member, id_number=number, birth_date=date(1988, 1, 2))
    saved = fresh(member)
    assert crypto.decrypt(saved.id_number_cipher) == number
    assert saved.id_number_masked == idcard.mask(number)


# --- encryption at rest --------------------------------------------------------------------


def database_text() -> str:
    """Every row of every table as text."""
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            dump.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(dump)


def test_it_keeps_the_plain_number_out_of_the_database(tree, users):
    number = new_id_number(BORN, "male")
    member = member_create(actor=users.unit_admin, **record(tree.branch, id_number=number))
    member_reveal_id_number(actor=users.unit_admin, member=member)
    dump = database_text()
    assert idcard.mask(number) in dump  # the dump does see the record
    assert number not in dump
    assert number[6:14] + number[14:] not in dump
    if connection.vendor == "sqlite":
        assert number.encode() not in connection.connection.serialize()
    saved = fresh(member)
    assert crypto.decrypt(saved.id_number_cipher) == number
    assert saved.id_number_hash == crypto.keyed_hash(number)


# --- other record rules ---------------------------------------------------------------------


def test_it_refuses_a_join_date_before_the_18th_birthday(tree):
    error = refused(**record(tree.branch, joined_on=date(2003, 6, 14), full_member_on=None))
    assert error.field == "joined_on"
    assert "年满 18 岁" in error.message


def test_it_accepts_joining_on_the_18th_birthday(tree):
    member = member_create(actor=SYSTEM, **record(tree.branch, joined_on=date(2003, 6, 15)))
    assert member.joined_on == date(2003, 6, 15)


def test_it_refuses_a_probationary_member_with_a_full_member_date(tree):
    error = refused(**record(tree.branch, category=Category.PROBATIONARY))
    assert error.field == "full_member_on"
    assert "预备党员不应有转正日期" in error.message


def test_it_refuses_a_join_date_in_the_future(tree):
    tomorrow = timezone.localdate() + timedelta(days=1)
    error = refused(**record(tree.branch, joined_on=tomorrow, full_member_on=None))
    assert "不能晚于今天" in error.message


@pytest.mark.parametrize("where", ["committee", "unit", "far_unit", "group"])
def test_it_keeps_members_in_branches_only(tree, where):
    error = refused(**record(getattr(tree, where)))
    assert "党员须编入党支部或联合支部" in error.message


def test_it_accepts_a_joint_branch(tree):
    joint = make_org(tree.unit, OrgType.JOINT_BRANCH, "联合党支部")
    assert member_create(actor=SYSTEM, **record(joint)).org == joint


def test_it_refuses_a_party_group_of_another_branch(tree):
    error = refused(**record(tree.other_branch, party_group=tree.group))
    assert error.field == "party_group"


def test_it_lets_a_secretary_record_members_of_their_own_branch_only(tree, users):
    member = member_create(actor=users.secretary, **record(tree.branch))
    assert member.org == tree.branch
    with pytest.raises(PermissionDenied):
        member_create(actor=users.secretary, **record(tree.other_branch))
    with pytest.raises(PermissionDenied):
        member_create(actor=users.leader, **record(tree.branch))


def test_it_writes_the_history_and_an_audit_record_on_create(tree, users):
    member = member_create(actor=users.secretary, **record(tree.branch))
    kinds = list(member.events.values_list("kind", "on"))
    assert kinds == [
        (MemberEvent.Kind.JOINED, date(2010, 7, 1)),
        (MemberEvent.Kind.BECAME_FULL, date(2011, 7, 1)),
    ]
    entry = AuditLog.objects.get(action="member.create")
    assert entry.user == users.secretary
    assert entry.target_id == str(member.pk)
    assert entry.changes["id_number_masked"] == [None, member.id_number_masked]


def test_it_audits_what_an_edit_changed(tree, users, make_member):
    member = make_member(tree.branch, phone="13800000000")
    member_update(actor=users.secretary, member=member, phone="13900000000")
    entry = AuditLog.objects.get(action="member.update")
    assert entry.changes == {"phone": ["13800000000", "13900000000"]}


# --- masking and reveal ------------------------------------------------------------------


@pytest.fixture
def person(tree, make_member):
    return make_member(tree.branch, name="王五")


def plain(member) -> str:
    return crypto.decrypt(member.id_number_cipher)


def test_it_shows_the_number_masked_in_the_list_and_on_the_page(person, users, login):
    client = login(users.committee_admin)
    for url in ("/members/", f"/members/{person.id}/"):
        page = text(client.get(url))
        assert person.id_number_masked in page
        assert plain(person) not in page


def test_it_reveals_the_number_to_a_unit_admin_and_audits_it(person, users, login):
    client = login(users.unit_admin)
    assert "查看完整号码" in text(client.get(f"/members/{person.id}/"))
    response = client.post(f"/members/{person.id}/reveal/")
    assert response.status_code == 200
    assert plain(person) in text(response)
    client.post(f"/members/{person.id}/reveal/")
    entries = AuditLog.objects.filter(action="member.reveal_id", target_id=str(person.id))
    assert entries.count() == 2
    assert {e.user for e in entries} == {users.unit_admin}


def test_it_reveals_the_number_to_a_committee_admin(person, users, login):
    response = login(users.committee_admin).post(f"/members/{person.id}/reveal/")
    assert plain(person) in text(response)


@pytest.mark.parametrize(("who", "status"), [("secretary", 403), ("leader", 403), ("member", 404)])
def test_it_refuses_to_reveal_the_number_below_unit_admin(person, users, login, who, status):
    client = login(getattr(users, who))
    assert "查看完整号码" not in text(client.get(f"/members/{person.id}/"))
    response = client.post(f"/members/{person.id}/reveal/")
    assert response.status_code == status
    assert plain(person) not in text(response)
    assert not AuditLog.objects.filter(action="member.reveal_id").exists()


def test_it_answers_404_to_an_outsider_asking_for_the_number(person, users, login):
    response = login(users.outsider).post(f"/members/{person.id}/reveal/")
    assert response.status_code == 404
    assert not AuditLog.objects.filter(action="member.reveal_id").exists()


def test_it_reveals_only_on_post(person, users, login):
    assert login(users.unit_admin).get(f"/members/{person.id}/reveal/").status_code == 405


# --- scope and read-only ------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/members/{id}/", "/members/{id}/edit/"])
def test_it_answers_404_to_an_outsider(person, users, login, url):
    client = login(users.outsider)
    assert client.get(url.format(id=person.id)).status_code == 404
    assert client.post(url.format(id=person.id), {"name": "改名"}).status_code == 404
    assert fresh(person).name == "王五"


def test_it_answers_404_to_a_unit_admin_for_another_unit(tree, users, login, make_member):
    far = make_member(tree.far_branch)
    assert login(users.unit_admin).get(f"/members/{far.id}/").status_code == 404


def test_it_hides_members_outside_the_scope_from_the_list(tree, users, login, make_member):
    make_member(tree.branch, name="本支部党员")
    make_member(tree.other_branch, name="第二支部党员")
    assert names_in(login(users.outsider).get("/members/")) == ["第二支部党员"]


@pytest.mark.parametrize(("who", "seen"), [("leader", 200), ("member", 404)])
def test_it_keeps_read_only_users_from_writing(person, users, login, who, seen):
    client = login(getattr(users, who))
    assert client.get(f"/members/{person.id}/").status_code == seen
    assert client.get("/members/new/").status_code == 403
    assert client.post("/members/new/", form_data(person.org)).status_code == 403
    refused = 403 if seen == 200 else 404
    assert client.get(f"/members/{person.id}/edit/").status_code == refused
    assert client.post(f"/members/{person.id}/edit/", form_data(person.org)).status_code == refused
    assert Member.objects.count() == 1
    assert fresh(person).name == "王五"
    assert "录入党员" not in text(client.get("/members/"))


# --- the create and edit pages ------------------------------------------------------------


def test_it_creates_a_member_from_the_page(tree, users, login):
    client = login(users.secretary)
    data = form_data(tree.branch)
    response = client.post("/members/new/", data)
    member = Member.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/members/{member.id}/"
    assert (member.name, member.org, member.education) == ("李四", tree.branch, "bachelor")
    assert plain(member) == data["id_number"]
    assert AuditLog.objects.filter(action="member.create", user=users.secretary).exists()
    page = text(client.get(response["Location"]))
    assert "入党" in page and "2010-07-01" in page and "转为正式党员" in page


def test_it_reshows_the_typed_input_when_the_birth_date_disagrees(tree, users, login):
    data = form_data(tree.branch, birth_date="1985-06-16", name="赵六", phone="13912345678")
    response = login(users.secretary).post("/members/new/", data)
    page = text(response)
    assert response.status_code == 200
    assert "出生日期 1985-06-16 与公民身份号码中的 1985-06-15 不一致" in page
    assert 'value="赵六"' in page
    assert 'value="13912345678"' in page
    assert f'value="{data["id_number"]}"' in page
    assert not Member.objects.exists()


def test_it_reshows_the_page_on_a_wrong_sex(tree, users, login):
    response = login(users.secretary).post("/members/new/", form_data(tree.branch, sex="male"))
    assert "性别与公民身份号码" in text(response)
    assert not Member.objects.exists()


def test_it_refuses_a_secretary_recording_into_another_branch(tree, users, login):
    client = login(users.secretary)
    page = text(client.get("/members/new/"))
    assert tree.branch.name in page
    assert tree.other_branch.name not in page
    response = client.post("/members/new/", form_data(tree.other_branch))
    assert response.status_code == 200
    assert "请重新选择" in text(response)
    assert not Member.objects.exists()


def test_it_refuses_a_unit_on_the_create_page(tree, users, login):
    response = login(users.unit_admin).post("/members/new/", form_data(tree.unit))
    assert response.status_code == 200
    assert "请重新选择" in text(response)
    assert not Member.objects.exists()


def test_it_refuses_an_under_age_join_on_the_page(tree, users, login):
    data = form_data(tree.branch, joined_on="2002-07-01", full_member_on="2003-07-01")
    page = text(login(users.secretary).post("/members/new/", data))
    assert "年满 18 岁" in page
    assert not Member.objects.exists()


def test_it_edits_a_member_and_keeps_the_number_when_left_blank(person, users, login):
    client = login(users.secretary)
    form = text(client.get(f"/members/{person.id}/edit/"))
    assert 'value="王五"' in form
    assert plain(person) not in form
    data = form_data(person.org, name="王五五", id_number="", sex="male")
    response = client.post(f"/members/{person.id}/edit/", data)
    assert response.status_code == 302
    saved = fresh(person)
    assert saved.name == "王五五"
    assert plain(saved) == plain(person)
    assert AuditLog.objects.filter(action="member.update", target_id=str(person.id)).exists()


def test_it_reshows_the_edit_form_on_a_refused_change(person, users, login):
    data = form_data(person.org, name="新名字", id_number="", sex="male", birth_date="1990-01-01")
    response = login(users.secretary).post(f"/members/{person.id}/edit/", data)
    page = text(response)
    assert response.status_code == 200
    assert "不一致" in page
    assert 'value="新名字"' in page
    assert fresh(person).name == "王五"


# --- list: filters, sort, pagination, query count -------------------------------------------


@pytest.fixture
def roster(tree, make_member):
    """Members with distinct attributes; ages are counted from today."""
    today = timezone.localdate()

    def born(years_ago, days=0):
        return add_years(today, -years_ago) + timedelta(days=days)

    def add(name, org, birth, **fields):
        fields.setdefault("joined_on", add_years(birth, 20))
        fields.setdefault("full_member_on", add_years(birth, 21))
        return make_member(org, name=name, birth_date=birth, **fields)

    add("赵一", tree.branch, born(40), education=Education.POSTGRADUATE, phone="13511112222")
    add("钱二", tree.branch, born(50, days=1), sex="female", phone="13622223333")
    add("孙三", tree.branch, born(50), education=Education.COLLEGE)
    add("李四", tree.other_branch, born(30), category=Category.PROBATIONARY, full_member_on=None)
    add(
        "周五",
        tree.other_branch,
        born(39, days=-1),
        joined_on=date(2015, 7, 1),
        full_member_on=date(2016, 7, 1),
    )
    gone = add("吴六", tree.branch, born(60))
    Member.objects.filter(pk=gone.pk).update(status=Status.DECEASED)
    return today


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("", ["孙三", "赵一", "钱二", "周五", "李四"]),
        ("category=probationary", ["李四"]),
        ("category=full", ["孙三", "赵一", "钱二", "周五"]),
        ("status=history", ["吴六"]),
        ("status=deceased", ["吴六"]),
        ("sex=female", ["钱二"]),
        ("education=postgraduate", ["赵一"]),
        ("age_min=40&age_max=49", ["赵一", "钱二"]),
        ("age_max=39", ["周五", "李四"]),
        ("joined_year=2015", ["周五"]),
        ("q=孙", ["孙三"]),
        ("q=13622", ["钱二"]),
        ("q=22223333", []),
        ("category=full&sex=male&q=赵", ["赵一"]),
    ],
)
def test_it_filters_the_list(roster, users, login, query, names):
    response = login(users.unit_admin).get(f"/members/?{query}")
    assert sorted(names_in(response)) == sorted(names)


def test_it_limits_the_list_to_an_org_of_the_scope(roster, tree, users, login):
    client = login(users.unit_admin)
    assert sorted(names_in(client.get(f"/members/?org={tree.other_branch.id}"))) == [
        "周五",
        "李四",
    ]
    assert login(users.outsider).get(f"/members/?org={tree.branch.id}").status_code == 404


def test_it_sorts_the_list(roster, users, login):
    client = login(users.unit_admin)
    by_birth = names_in(client.get("/members/?sort=birth_date"))
    assert by_birth == ["孙三", "钱二", "赵一", "周五", "李四"]
    assert names_in(client.get("/members/?sort=-birth_date")) == by_birth[::-1]
    by_join = names_in(client.get("/members/?sort=-joined_on"))
    assert by_join[0] == "李四"
    assert by_join[-1] == "孙三"


def test_it_pages_the_list(tree, users, login, make_member):
    for i in range(53):
        make_member(tree.branch, name=f"党员{i:02d}")
    client = login(users.secretary)
    first = names_in(client.get("/members/?sort=name"))
    second = client.get("/members/?sort=name&page=2")
    assert len(first) == 50
    assert names_in(second) == ["党员50", "党员51", "党员52"]
    assert "第 2 / 2 页，共 53 条" in text(second)


def test_it_lists_5_or_60_members_with_the_same_queries(tree, users, login, make_member):
    group_members = {"party_group": tree.group}
    for i in range(5):
        make_member(tree.branch, **(group_members if i % 2 else {}))
    client = login(users.unit_admin)
    client.get("/members/")  # warm up the session
    with CaptureQueriesContext(connection) as small:
        assert client.get("/members/").status_code == 200
    for i in range(55):
        make_member(tree.other_branch if i % 2 else tree.branch)
    with CaptureQueriesContext(connection) as large:
        response = client.get("/members/")
    assert len(names_in(response)) == 50
    assert len(large.captured_queries) == len(small.captured_queries)


# --- export --------------------------------------------------------------------------------


def read_export(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[1])
    return [dict(zip(header, row, strict=True)) for row in rows[2:]]


def test_it_exports_the_filtered_list_with_masked_numbers(roster, users, login):
    response = login(users.unit_admin).get("/members/export.xlsx?category=full&q=赵")
    rows = read_export(response)
    assert [r["姓名"] for r in rows] == ["赵一"]
    member = Member.objects.get(name="赵一")
    assert rows[0]["公民身份号码（脱敏）"] == member.id_number_masked
    assert rows[0]["人员类别"] == "正式党员"
    assert plain(member).encode() not in response.content
    assert "公民身份号码" not in rows[0]
    entry = AuditLog.objects.get(action="member.export")
    assert entry.user == users.unit_admin
    assert "q=" in entry.detail


def test_it_exports_only_the_scope(roster, users, login):
    rows = read_export(login(users.outsider).get("/members/export.xlsx"))
    assert sorted(r["姓名"] for r in rows) == ["周五", "李四"]


def test_it_exports_history_members_when_asked(roster, users, login):
    rows = read_export(login(users.unit_admin).get("/members/export.xlsx?status=history"))
    assert [(r["姓名"], r["党籍状态"]) for r in rows] == [("吴六", "去世")]


# --- political birthdays -------------------------------------------------------------------


def test_it_lists_this_months_join_anniversaries(tree, users, login, make_member):
    today = timezone.localdate()
    this_month = date(2010, today.month, 1)
    other_month = date(2010, today.month % 12 + 1, 1)
    make_member(tree.branch, name="本月入党", joined_on=this_month)
    make_member(tree.branch, name="下月入党", joined_on=other_month)
    make_member(tree.other_branch, name="别的支部", joined_on=this_month)
    gone = make_member(tree.branch, name="已去世", joined_on=this_month)
    Member.objects.filter(pk=gone.pk).update(status=Status.DECEASED)
    response = login(users.secretary).get("/members/birthdays/")
    assert response.status_code == 200
    assert names_in(response) == ["本月入党"]
    assert f"{today.year - 2010} 年" in text(response)
    assert sorted(names_in(login(users.unit_admin).get("/members/birthdays/"))) == [
        "别的支部",
        "本月入党",
    ]


def test_it_orders_political_birthdays_by_day(tree, users, login, make_member):
    today = timezone.localdate()
    make_member(tree.branch, name="二十日", joined_on=date(2005, today.month, 20))
    make_member(
        tree.branch,
        name="三日",
        joined_on=date(2012, today.month, 3),
        full_member_on=None,
        category=Category.PROBATIONARY,
    )
    assert names_in(login(users.secretary).get("/members/birthdays/")) == ["三日", "二十日"]


def test_it_answers_404_to_birthdays_of_an_org_outside_the_scope(tree, users, login):
    response = login(users.outsider).get(f"/members/birthdays/?org={tree.branch.id}")
    assert response.status_code == 404


def test_it_keeps_the_org_when_paging_political_birthdays(tree, users, login, make_member):
    this_month = date(2010, timezone.localdate().month, 1)
    for _ in range(51):
        make_member(tree.branch, joined_on=this_month)
    url = f"/members/birthdays/?org={tree.branch.id}"
    page = text(login(users.unit_admin).get(url))
    assert f'href="?org={tree.branch.id}&page=2"' in page
