import io
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from mofan.core.access import SYSTEM
from mofan.core.models import AuditLog
from mofan.orgs.models import CommitteeSeat, Org, OrgType
from mofan.orgs.services import committee_seat_add, org_dissolve
from mofan.site.tests.factories import make_org


def fresh(org):
    return Org.objects.get(pk=org.pk)


def parent_of(org):
    return Org.objects.get_parent(fresh(org))


def text(response):
    return response.content.decode()


def org_form(org=None, **changes):
    data = {
        "name": org.name if org else "新设党支部",
        "short_name": org.short_name if org else "",
        "code": org.code if org else "NEW-1",
        "org_type": org.org_type if org else OrgType.BRANCH,
        "unit": org.unit if org else "",
        "established_on": "",
        "sort_order": "0",
        "term_start": "",
        "term_end": "",
    }
    data.update(changes)
    return data


def names_in_table(page: str) -> list[str]:
    return re.findall(r'<tr><td><a href="/orgs/\d+/">([^<]+)</a></td>', page)


# --- scope: every page answers 404 outside the user's sub-tree ----------------------------

ORG_PAGES = [
    ("get", "/orgs/{id}/"),
    ("get", "/orgs/{id}/children/"),
    ("get", "/orgs/{id}/new/"),
    ("get", "/orgs/{id}/edit/"),
    ("get", "/orgs/{id}/move/"),
    ("get", "/orgs/{id}/dissolve/"),
    ("post", "/orgs/{id}/committee/add/"),
    ("get", "/orgs/{id}/export.xlsx"),
    ("get", "/orgs/{id}/health/"),
    ("get", "/orgs/?root={id}"),
]


@pytest.mark.parametrize(("method", "url"), ORG_PAGES)
def test_it_answers_404_to_a_secretary_of_another_branch(tree, users, login, method, url):
    client = login(users.outsider)
    data = {"name": "王五", "post": "member"} if method == "post" else None
    for org in (tree.branch, tree.group, tree.unit):
        response = getattr(client, method)(url.format(id=org.id), data)
        assert response.status_code == 404, (url, org.name)
    assert not CommitteeSeat.objects.exists()
    assert not AuditLog.objects.filter(action="org.export").exists()


@pytest.mark.parametrize(("method", "url"), ORG_PAGES)
def test_it_answers_404_to_a_unit_admin_for_another_unit(tree, users, login, method, url):
    response = getattr(login(users.unit_admin), method)(url.format(id=tree.far_branch.id))
    assert response.status_code == 404


@pytest.mark.parametrize(("method", "url"), ORG_PAGES)
def test_it_answers_404_for_an_org_that_does_not_exist(tree, users, login, method, url):
    response = getattr(login(users.committee_admin), method)(url.format(id=999999))
    assert response.status_code == 404


def test_it_answers_404_when_removing_a_committee_seat_of_another_branch(tree, users, login):
    seat = committee_seat_add(actor=SYSTEM, org=tree.branch, name="张三", post="secretary")
    response = login(users.outsider).post(f"/orgs/committee/{seat.id}/remove/")
    assert response.status_code == 404
    assert CommitteeSeat.objects.filter(pk=seat.pk).exists()


def test_it_shows_an_outsider_only_their_own_branch_in_the_tree_and_list(tree, users, login):
    client = login(users.outsider)
    tree_page = text(client.get("/orgs/"))
    assert "发改委第二党支部" in tree_page
    assert "发改委第一党支部" not in tree_page
    assert "市发改委机关党委" not in tree_page

    list_page = text(client.get("/orgs/list/"))
    assert names_in_table(list_page) == ["发改委第二党支部"]


@pytest.mark.parametrize(
    "url", ["/orgs/", "/orgs/list/", "/orgs/import/", "/orgs/rules/", "/orgs/{id}/"]
)
def test_it_sends_anonymous_visitors_to_the_login_page(tree, client, url):
    response = client.get(url.format(id=tree.branch.id))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- scope: read-only users get 403 on writes inside their scope -------------------------

WRITE_PAGES = [
    ("get", "/orgs/{id}/new/"),
    ("post", "/orgs/{id}/new/"),
    ("get", "/orgs/{id}/edit/"),
    ("post", "/orgs/{id}/edit/"),
    ("get", "/orgs/{id}/move/"),
    ("post", "/orgs/{id}/move/"),
    ("get", "/orgs/{id}/dissolve/"),
    ("post", "/orgs/{id}/dissolve/"),
    ("post", "/orgs/{id}/committee/add/"),
]


@pytest.mark.parametrize("who", ["leader", "secretary", "member"])
@pytest.mark.parametrize(("method", "url"), WRITE_PAGES)
def test_it_answers_403_to_read_only_users_on_writes(tree, users, login, who, method, url):
    data = {
        **org_form(code="RO-1", org_type=OrgType.PARTY_GROUP, name="只读用户建的小组"),
        "new_parent": tree.other_branch.id,
        "confirm": "1",
        "reason": "合并",
        "post": "member",
    }
    client = login(getattr(users, who))
    for org in (tree.branch, tree.group):
        response = getattr(client, method)(url.format(id=org.id), data)
        assert response.status_code == 403, (who, url, org.name)
    assert Org.objects.count() == 7
    assert parent_of(tree.group) == tree.branch
    assert not Org.objects.filter(dissolved_on__isnull=False).exists()
    assert not CommitteeSeat.objects.exists()


@pytest.mark.parametrize("who", ["leader", "secretary"])
def test_it_answers_403_to_read_only_users_removing_a_committee_seat(tree, users, login, who):
    seat = committee_seat_add(actor=SYSTEM, org=tree.branch, name="张三", post="secretary")
    response = login(getattr(users, who)).post(f"/orgs/committee/{seat.id}/remove/")
    assert response.status_code == 403
    assert CommitteeSeat.objects.filter(pk=seat.pk).exists()


@pytest.mark.parametrize("url", ["/orgs/{id}/move/", "/orgs/{id}/dissolve/"])
def test_it_answers_403_to_a_unit_admin_moving_or_dissolving_their_own_unit(
    tree, users, login, url
):
    client = login(users.unit_admin)
    assert client.get(url.format(id=tree.unit.id)).status_code == 403
    response = client.post(
        url.format(id=tree.unit.id), {"new_parent": tree.committee.id, "reason": "x"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["leader", "secretary", "member"])
def test_it_answers_403_to_non_admins_on_the_import_page(tree, users, login, who):
    assert login(getattr(users, who)).get("/orgs/import/").status_code == 403


def test_it_shows_write_buttons_only_to_those_who_may_use_them(tree, users, login):
    edit, move = f"/orgs/{tree.unit.id}/edit/", f"/orgs/{tree.unit.id}/move/"
    admin_page = text(login(users.committee_admin).get(f"/orgs/{tree.unit.id}/"))
    assert edit in admin_page and move in admin_page

    unit_page = text(login(users.unit_admin).get(f"/orgs/{tree.unit.id}/"))
    assert edit in unit_page and move not in unit_page

    leader_page = text(login(users.leader).get(f"/orgs/{tree.unit.id}/"))
    assert edit not in leader_page and move not in leader_page
    assert "增加</button>" not in leader_page


# --- tree page ---------------------------------------------------------------------------


def test_it_shows_the_tree_two_levels_down_with_zero_member_counts(tree, users, login):
    page = text(login(users.committee_admin).get("/orgs/"))
    for name in ["市直机关工委", "市发改委机关党委", "发改委第一党支部", "民政局第一党支部"]:
        assert name in page
    assert page.count("党员 0（正式 0，预备 0）") == 6
    assert "第一党小组" not in page
    assert f'hx-get="/orgs/{tree.branch.id}/children/"' in page
    assert f'hx-get="/orgs/{tree.other_branch.id}/children/"' not in page


def test_it_shows_member_counts_of_each_whole_sub_tree(tree, users, login, members):
    members(tree.branch, 10, full=8)
    members(tree.group, 3)
    members(tree.other_branch, 4, full=4)
    page = text(login(users.committee_admin).get("/orgs/"))
    assert "市直机关工委</a>" in page
    assert page.count("党员 17（正式 15，预备 2）") == 2  # the committee and the unit
    assert "党员 13（正式 11，预备 2）" in page  # the branch with its party group
    assert "党员 4（正式 4，预备 0）" in page


def test_it_expands_a_node_on_demand(tree, users, login, members):
    members(tree.group, 3, full=2)
    page = text(login(users.committee_admin).get(f"/orgs/{tree.branch.id}/children/"))
    assert "第一党小组" in page
    assert "党员 3（正式 2，预备 1）" in page
    assert "<html" not in page


def test_it_hides_dissolved_orgs_from_the_tree(tree, users, login):
    org_dissolve(actor=SYSTEM, org=tree.group, reason="合并")
    org_dissolve(actor=SYSTEM, org=tree.other_branch, reason="合并")
    client = login(users.committee_admin)
    assert "发改委第二党支部" not in text(client.get("/orgs/"))
    assert "第一党小组" not in text(client.get(f"/orgs/{tree.branch.id}/children/"))


def test_it_starts_the_tree_at_a_chosen_root(tree, users, login):
    page = text(login(users.committee_admin).get(f"/orgs/?root={tree.branch.id}"))
    assert "第一党小组" in page
    assert "市民政局机关党总支" not in page


def test_it_starts_a_secretarys_tree_at_their_branch(tree, users, login):
    page = text(login(users.secretary).get("/orgs/"))
    assert "发改委第一党支部" in page and "第一党小组" in page
    assert "发改委第二党支部" not in page


# --- list page ---------------------------------------------------------------------------


@pytest.fixture
def sortable(tree):
    """Three branches under far_unit whose name, code and term end sort differently."""
    end = date(2027, 1, 1)
    make_org(
        tree.far_unit,
        OrgType.BRANCH,
        "Bravo党支部",
        code="SORT-3",
        unit="排序单位",
        term_start=date(2020, 1, 1),
        term_end=end,
    )
    make_org(
        tree.far_unit,
        OrgType.BRANCH,
        "Charlie党支部",
        code="SORT-1",
        unit="排序单位",
        term_start=date(2020, 1, 1),
        term_end=end - timedelta(days=200),
    )
    make_org(
        tree.far_unit,
        OrgType.JOINT_BRANCH,
        "Alpha联合支部",
        code="SORT-2",
        unit="排序单位",
        term_start=date(2020, 1, 1),
        term_end=end + timedelta(days=200),
    )


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Alpha联合支部", "Bravo党支部", "Charlie党支部"]),
        ("-name", ["Charlie党支部", "Bravo党支部", "Alpha联合支部"]),
        ("code", ["Charlie党支部", "Alpha联合支部", "Bravo党支部"]),
        ("-code", ["Bravo党支部", "Alpha联合支部", "Charlie党支部"]),
        ("term_end", ["Charlie党支部", "Bravo党支部", "Alpha联合支部"]),
        ("-term_end", ["Alpha联合支部", "Bravo党支部", "Charlie党支部"]),
        ("nonsense", ["Bravo党支部", "Charlie党支部", "Alpha联合支部"]),  # tree order
    ],
)
def test_it_sorts_the_list(tree, users, login, sortable, sort, expected):
    page = text(login(users.committee_admin).get(f"/orgs/list/?q=排序单位&sort={sort}"))
    assert names_in_table(page) == expected


def test_it_follows_a_sort_link_on_an_already_sorted_list(tree, users, login, sortable):
    client = login(users.committee_admin)
    page = text(client.get("/orgs/list/?q=排序单位&sort=name"))
    code_link = re.search(r'<a class="sort" href="(\?[^"]*sort=code[^"]*)">编码</a>', page).group(1)
    resorted = text(client.get("/orgs/list/" + code_link.replace("&amp;", "&")))
    assert names_in_table(resorted) == ["Charlie党支部", "Alpha联合支部", "Bravo党支部"]
    name_link = re.search(r'href="(\?[^"]*sort=[^"]*)" aria-sort="ascending">组织名称', page).group(
        1
    )
    assert code_link.count("sort=") == name_link.count("sort=") == 1  # replaced, not appended
    reversed_page = text(client.get("/orgs/list/" + name_link.replace("&amp;", "&")))
    assert names_in_table(reversed_page) == ["Charlie党支部", "Bravo党支部", "Alpha联合支部"]


def test_it_exports_the_list_as_filtered_and_sorted(tree, users, login, sortable):
    response = login(users.committee_admin).get("/orgs/list/?q=排序单位&sort=-name&export=1")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "组织列表"
    assert rows[1][:5] == ("组织名称", "简称", "编码", "类型", "上级组织")
    assert [r[0] for r in rows[2:]] == ["Charlie党支部", "Bravo党支部", "Alpha联合支部"]
    assert AuditLog.objects.filter(action="org.list_export").count() == 1


def test_the_list_export_holds_only_the_users_sub_tree(tree, users, login):
    response = login(users.outsider).get("/orgs/list/?export=1")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[2:]] == ["发改委第二党支部"]
    assert rows[2][4] == "市发改委机关党委"


def test_it_filters_the_list_by_text_and_type(tree, users, login, sortable):
    client = login(users.committee_admin)
    assert names_in_table(text(client.get("/orgs/list/?q=发改委"))) == [
        "市发改委机关党委",
        "发改委第一党支部",
        "发改委第二党支部",
    ]
    assert names_in_table(text(client.get("/orgs/list/?q=SORT-1"))) == ["Charlie党支部"]
    assert names_in_table(text(client.get("/orgs/list/?org_type=joint_branch"))) == [
        "Alpha联合支部"
    ]
    assert names_in_table(text(client.get("/orgs/list/?q=发改委&org_type=party_group"))) == []
    assert "没有符合条件的组织" in text(client.get("/orgs/list/?q=不存在的组织"))


def test_it_lists_dissolved_orgs_only_when_asked(tree, users, login):
    org_dissolve(actor=SYSTEM, org=tree.other_branch, reason="合并")
    client = login(users.unit_admin)
    default = text(client.get("/orgs/list/"))
    assert "含已撤销" in default
    assert "发改委第二党支部" not in names_in_table(default)

    page = text(client.get("/orgs/list/?include_dissolved=on"))
    assert "发改委第二党支部" in names_in_table(page)
    assert '<span class="tag gray">已撤销</span>' in page


def test_it_paginates_the_list_and_keeps_the_filter(tree, users, login, grow):
    grow(30)  # 30 branches and 30 party groups under the unit
    client = login(users.unit_admin)
    first = text(client.get("/orgs/list/?org_type=party_group&sort=code"))
    assert "第 1 / 1 页" not in first
    assert "共 31 条" in first

    grow(20)
    first = text(client.get("/orgs/list/?org_type=party_group&sort=code"))
    assert len(names_in_table(first)) == 50
    assert "第 1 / 2 页，共 51 条" in first
    assert "?org_type=party_group&amp;sort=code&page=2" in first

    second = text(client.get("/orgs/list/?org_type=party_group&sort=code&page=2"))
    assert len(names_in_table(second)) == 1
    assert set(names_in_table(second)).isdisjoint(names_in_table(first))
    assert "第 2 / 2 页" in second


# --- org page ----------------------------------------------------------------------------


def test_it_shows_an_org_with_its_fields_committee_and_children(tree, users, login, members):
    committee_seat_add(actor=SYSTEM, org=tree.unit, name="赵书记", post="secretary")
    org_dissolve(actor=SYSTEM, org=tree.other_branch, reason="合并")
    members(tree.branch, 5, full=4)
    page = text(login(users.unit_admin).get(f"/orgs/{tree.unit.id}/"))
    assert "U1" in page and "机关党委" in page and "市发改委" in page
    assert "赵书记" in page
    assert "5（正式 4，预备 1，含下级组织）" in page
    assert (
        f'<a href="/orgs/{tree.branch.id}/">发改委第一党支部</a></td><td>党支部</td><td>—</td><td>正常'
        in page
    )
    assert (
        f'<a href="/orgs/{tree.other_branch.id}/">发改委第二党支部</a></td><td>党支部</td>'
        '<td>—</td><td><span class="tag gray">已撤销</span>'
    ) in page


def test_it_shows_the_breadcrumb_only_inside_the_users_scope(tree, users, login):
    page = text(login(users.secretary).get(f"/orgs/{tree.group.id}/"))
    breadcrumb = page.split('aria-label="组织路径"')[1].split("</nav>")[0]
    assert "发改委第一党支部" in breadcrumb and "第一党小组" in breadcrumb
    assert "市发改委机关党委" not in breadcrumb

    page = text(login(users.committee_admin).get(f"/orgs/{tree.group.id}/"))
    breadcrumb = page.split('aria-label="组织路径"')[1].split("</nav>")[0]
    assert "市直机关工委" in breadcrumb and "市发改委机关党委" in breadcrumb


def test_it_lets_a_member_read_their_own_branch(tree, users, login):
    assert login(users.member).get(f"/orgs/{tree.branch.id}/").status_code == 200


def test_it_shows_a_dissolved_org_with_its_reason_and_no_write_buttons(tree, users, login):
    org_dissolve(actor=SYSTEM, org=tree.other_branch, reason="机构改革", on=date(2025, 5, 1))
    page = text(login(users.unit_admin).get(f"/orgs/{tree.other_branch.id}/"))
    assert "2025-05-01：机构改革" in page
    assert f"/orgs/{tree.other_branch.id}/edit/" not in page
    assert f"/orgs/{tree.other_branch.id}/dissolve/" not in page


# --- create and edit ---------------------------------------------------------------------


def test_it_creates_an_org_from_the_form(tree, users, login):
    client = login(users.unit_admin)
    response = client.post(
        f"/orgs/{tree.unit.id}/new/",
        org_form(
            name="发改委第三党支部", code="U1-B3", term_start="2024-01-01", term_end="2027-01-01"
        ),
    )
    created = Org.objects.get(code="U1-B3")
    assert response.status_code == 302
    assert response["Location"] == f"/orgs/{created.id}/"
    assert parent_of(created) == tree.unit
    assert created.term_end == date(2027, 1, 1)
    entry = AuditLog.objects.get(action="org.create", target_id=str(created.id))
    assert entry.username == "unitadmin"
    assert entry.ip == "127.0.0.1"
    assert "已新建组织“发改委第三党支部”" in text(client.get(response["Location"]))


def test_it_offers_only_the_types_that_fit_under_the_parent(tree, users, login):
    page = text(login(users.unit_admin).get(f"/orgs/{tree.branch.id}/new/"))
    assert '<option value="party_group"' in page
    assert '<option value="branch"' not in page
    assert 'value="市发改委"' in page  # the unit is filled in from the parent


def test_it_refuses_a_type_that_does_not_fit_and_creates_nothing(tree, users, login):
    response = login(users.unit_admin).post(
        f"/orgs/{tree.branch.id}/new/", org_form(org_type=OrgType.BRANCH)
    )
    assert response.status_code == 200
    assert "请重新选择" in text(response)
    assert not Org.objects.filter(code="NEW-1").exists()


def test_it_keeps_the_typed_values_when_the_code_is_taken(tree, users, login):
    response = login(users.unit_admin).post(
        f"/orgs/{tree.unit.id}/new/", org_form(name="我刚输入的名称", code="U2-B1", unit="市发改委")
    )
    page = text(response)
    assert response.status_code == 200
    assert "组织编码“U2-B1”已被使用" in page
    assert 'value="我刚输入的名称"' in page
    assert 'value="U2-B1"' in page
    assert Org.objects.filter(name="我刚输入的名称").count() == 0


def test_it_keeps_the_typed_values_when_the_term_is_backwards(tree, users, login):
    response = login(users.unit_admin).post(
        f"/orgs/{tree.branch.id}/edit/",
        org_form(tree.branch, name="改过的名称", term_start="2025-01-01", term_end="2024-01-01"),
    )
    page = text(response)
    assert "任期届满日期必须晚于任期开始日期" in page
    assert 'value="改过的名称"' in page and 'value="2024-01-01"' in page
    assert fresh(tree.branch).name == "发改委第一党支部"


def test_it_edits_an_org_and_records_the_change(tree, users, login):
    response = login(users.unit_admin).post(
        f"/orgs/{tree.branch.id}/edit/", org_form(tree.branch, short_name="一支部", sort_order="3")
    )
    assert response.status_code == 302
    branch = fresh(tree.branch)
    assert (branch.short_name, branch.sort_order) == ("一支部", 3)
    assert AuditLog.objects.get(action="org.update").changes == {
        "short_name": ["", "一支部"],
        "sort_order": [0, 3],
    }


def test_it_shows_the_current_values_on_the_edit_form(tree, users, login):
    page = text(login(users.unit_admin).get(f"/orgs/{tree.branch.id}/edit/"))
    assert 'value="发改委第一党支部"' in page and 'value="U1-B1"' in page


def test_it_refuses_editing_a_dissolved_org_on_the_page(tree, users, login):
    org_dissolve(actor=SYSTEM, org=tree.other_branch, reason="合并")
    response = login(users.unit_admin).post(
        f"/orgs/{tree.other_branch.id}/edit/", org_form(tree.other_branch, name="复活")
    )
    assert "已撤销的组织不能修改" in text(response)
    assert fresh(tree.other_branch).name == "发改委第二党支部"


# --- move --------------------------------------------------------------------------------


def test_it_moves_in_two_steps_with_a_confirmation(tree, users, login):
    client = login(users.unit_admin)
    url = f"/orgs/{tree.group.id}/move/"

    first = client.post(url, {"new_parent": tree.other_branch.id})
    assert first.status_code == 200
    assert (
        "确定将 <b>第一党小组</b>（含其全部下级组织）移动到 <b>发改委第二党支部</b> 之下？"
        in text(first)
    )
    assert 'name="confirm" value="1"' in text(first)
    assert parent_of(tree.group) == tree.branch
    assert not AuditLog.objects.filter(action="org.move").exists()

    second = client.post(url, {"new_parent": tree.other_branch.id, "confirm": "1"})
    assert second.status_code == 302
    assert parent_of(tree.group) == tree.other_branch
    assert AuditLog.objects.get(action="org.move").changes == {
        "parent": ["发改委第一党支部", "发改委第二党支部"]
    }


def test_it_offers_only_possible_new_parents(tree, users, login):
    page = text(login(users.committee_admin).get(f"/orgs/{tree.branch.id}/move/"))
    options = re.findall(r'<option value="(\d+)"', page)
    assert {int(o) for o in options} == {tree.committee.id, tree.unit.id, tree.far_unit.id}


def test_it_refuses_moving_an_org_under_its_own_descendant(tree, users, login):
    basic = make_org(tree.unit, OrgType.BASIC_COMMITTEE, "某中心基层党委")
    client = login(users.committee_admin)
    response = client.post(f"/orgs/{tree.unit.id}/move/", {"new_parent": basic.id, "confirm": "1"})
    assert response.status_code == 200
    assert "请重新选择" in text(response)
    assert parent_of(tree.unit) == tree.committee


def test_it_shows_a_service_refusal_on_the_move_page(tree, users, login):
    response = login(users.committee_admin).post(
        f"/orgs/{tree.branch.id}/move/", {"new_parent": tree.unit.id, "confirm": "1"}
    )
    assert "新的上级组织与原上级组织相同" in text(response)


# --- dissolve ----------------------------------------------------------------------------


def test_it_requires_a_reason_to_dissolve(tree, users, login):
    response = login(users.unit_admin).post(
        f"/orgs/{tree.other_branch.id}/dissolve/", {"reason": "", "dissolved_on": ""}
    )
    assert response.status_code == 200
    assert "请填写撤销原因" in text(response)
    assert fresh(tree.other_branch).dissolved_on is None


def test_it_dissolves_from_the_page_and_keeps_the_org_in_history(tree, users, login):
    client = login(users.unit_admin)
    response = client.post(
        f"/orgs/{tree.other_branch.id}/dissolve/",
        {"reason": "机构改革", "dissolved_on": "2025-06-30"},
    )
    assert response.status_code == 302
    assert fresh(tree.other_branch).dissolved_on == date(2025, 6, 30)
    assert "其记录保留在历史中" in text(client.get(response["Location"]))
    assert "发改委第二党支部" not in text(client.get("/orgs/"))
    assert "发改委第二党支部" in text(client.get("/orgs/list/?include_dissolved=on"))
    assert AuditLog.objects.filter(action="org.dissolve").count() == 1


def test_it_refuses_to_dissolve_an_org_with_active_children_on_the_page(tree, users, login):
    response = login(users.unit_admin).post(f"/orgs/{tree.branch.id}/dissolve/", {"reason": "合并"})
    assert "请先撤销或移走下级组织“第一党小组”" in text(response)
    assert fresh(tree.branch).dissolved_on is None


# --- committee ---------------------------------------------------------------------------


def test_it_adds_and_removes_a_committee_member_from_the_org_page(tree, users, login):
    client = login(users.unit_admin)
    response = client.post(
        f"/orgs/{tree.branch.id}/committee/add/", {"name": "钱组织", "post": "organisation"}
    )
    assert response.status_code == 302
    page = text(client.get(f"/orgs/{tree.branch.id}/"))
    assert "<td>组织委员</td><td>钱组织</td>" in page

    seat = CommitteeSeat.objects.get(name="钱组织")
    client.post(f"/orgs/committee/{seat.id}/remove/")
    assert "尚未录入班子成员" in text(client.get(f"/orgs/{tree.branch.id}/"))
    assert not CommitteeSeat.objects.exists()
    assert [e.action for e in AuditLog.objects.filter(action__startswith="org.committee")] == [
        "org.committee.remove",
        "org.committee.add",
    ]


def test_it_shows_an_error_for_a_committee_member_without_a_name(tree, users, login):
    client = login(users.unit_admin)
    response = client.post(f"/orgs/{tree.branch.id}/committee/add/", {"name": "", "post": "member"})
    assert response.status_code == 302
    assert "请填写姓名或选择党员记录" in text(client.get(response["Location"]))
    assert not CommitteeSeat.objects.exists()


@pytest.mark.parametrize("who", ["leader", "secretary"])
def test_it_answers_403_to_read_only_users_even_for_a_committee_form_with_errors(
    tree, users, login, who
):
    response = login(getattr(users, who)).post(
        f"/orgs/{tree.branch.id}/committee/add/", {"name": "", "post": "member"}
    )
    assert response.status_code == 403


def test_it_refuses_get_on_committee_writes(tree, users, login):
    client = login(users.unit_admin)
    assert client.get(f"/orgs/{tree.branch.id}/committee/add/").status_code == 405


# --- query counts do not grow with the tree ----------------------------------------------

COUNTED_PAGES = [
    "/orgs/",
    "/orgs/?root={unit}",
    "/orgs/list/",
    "/orgs/list/?include_dissolved=on&sort=-term_end",
    "/orgs/{unit}/",
    "/orgs/{unit}/health/",
    "/orgs/{unit}/children/",
    "/orgs/{committee}/",
]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", COUNTED_PAGES)
def test_it_reads_a_fixed_number_of_queries_whatever_the_tree_size(
    tree, users, login, grow, url, django_assert_max_num_queries
):
    client = login(users.committee_admin)
    url = url.format(unit=tree.unit.id, committee=tree.committee.id)
    grow(3)
    client.get(url)  # warm up: session, content types
    small = count_queries(client, url)

    grow(60)
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert response.status_code == 200
    assert small <= 20


def test_it_shows_the_counts_and_findings_of_a_larger_tree(tree, users, login, grow):
    grow(60)
    page = text(
        login(users.committee_admin).get(f"/orgs/{tree.unit.id}/health/?rule=term-expiring")
    )
    days = (timezone.localdate() + timedelta(days=30)).isoformat()
    assert page.count(f"本届任期将于 {days} 届满（还有 30 天）") == 60
    tree_page = text(login(users.committee_admin).get("/orgs/"))
    assert "党员 600（正式 540，预备 60）" in tree_page
