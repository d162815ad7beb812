"""The scheme pages: who sees a scheme (its org's sub-tree; the orgs below once published),
who writes it (admins over its org, 403 for the rest), the forms, publishing and versions."""

import re

import pytest

from mofan.assessment import services
from mofan.assessment.models import Indicator, Scheme, SchemeStatus
from mofan.assessment.tests.conftest import add_area


def text(response) -> str:
    return response.content.decode()


def flash(response) -> list[str]:
    return re.findall(r'<div class="flash [^"]*">([^<]*)</div>', text(response))


def test_a_draft_is_seen_only_in_its_orgs_sub_tree_with_write_rights(scheme, users, login):
    assert scheme.name in text(login(users.committee_admin).get("/assessment/"))
    assert scheme.name in text(login(users.leader).get("/assessment/"))
    assert scheme.name not in text(login(users.unit_admin).get("/assessment/"))
    assert login(users.unit_admin).get(f"/assessment/{scheme.id}/").status_code == 404
    assert login(users.secretary).get(f"/assessment/{scheme.id}/").status_code == 404


def test_a_published_scheme_is_seen_by_the_orgs_it_assesses(ready_scheme, users, tree, login):
    services.scheme_publish(actor=users.committee_admin, scheme=ready_scheme)
    page = text(login(users.secretary).get(f"/assessment/{ready_scheme.id}/"))
    assert "组织生活按期完成" in page and "组织生活按期完成率（各类合计） × 分值" in page
    assert "发布方案" not in page and "生成新版本" not in page


def test_a_unit_scheme_is_not_seen_by_another_unit(users, tree, login):
    own = services.scheme_create(
        actor=users.unit_admin, org=tree.unit, name="发改委支部考核", year=2026
    )
    assert login(users.outsider).get(f"/assessment/{own.id}/").status_code == 404  # draft
    far_admin_page = text(login(users.committee_admin).get("/assessment/"))
    assert "发改委支部考核" in far_admin_page  # the committee sees its whole tree


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/assessment/{id}/areas/"),
        ("get", "/assessment/{id}/items/new/"),
        ("get", "/assessment/{id}/grades/"),
        ("post", "/assessment/{id}/publish/"),
        ("post", "/assessment/{id}/new-version/"),
    ],
)
def test_a_read_only_leader_may_not_write(scheme, users, login, method, path):
    response = getattr(login(users.leader), method)(path.format(id=scheme.id))
    assert response.status_code == 403


@pytest.mark.parametrize("user", ["outsider", "member", "secretary"])
def test_writing_pages_are_not_found_outside_the_sub_tree(scheme, users, login, user):
    client = login(getattr(users, user))
    assert client.get(f"/assessment/{scheme.id}/items/new/").status_code == 404
    assert client.post(f"/assessment/{scheme.id}/publish/").status_code == 404
    area = add_area(scheme, users.committee_admin)
    assert client.post(f"/assessment/indicators/{area.id}/delete/").status_code == 404


def test_non_admins_cannot_open_the_new_scheme_or_category_pages(users, login):
    for user in (users.secretary, users.leader, users.member):
        assert login(user).get("/assessment/new/").status_code == 403
        assert login(user).get("/assessment/categories/").status_code == 403


def test_an_admin_builds_a_scheme_through_the_pages(users, tree, login):
    client = login(users.committee_admin)
    form = text(client.get("/assessment/new/"))
    assert "考核对象" in form and "加分上限" in form
    response = client.post(
        "/assessment/new/",
        {
            "org": tree.committee.id,
            "name": "2026 年模范机关创建考核",
            "year": 2026,
            "target": "units",
            "bonus_cap": "5",
        },
    )
    scheme = Scheme.objects.get(name="2026 年模范机关创建考核")
    assert response.url == f"/assessment/{scheme.id}/"
    assert list(scheme.grades.values_list("label", flat=True)) == ["好", "较好", "一般", "差"]
    client.post(f"/assessment/{scheme.id}/areas/", {"name": "基层组织", "max_points": "10"})
    area = Indicator.objects.get(scheme=scheme, name="基层组织")
    response = client.post(
        f"/assessment/{scheme.id}/items/new/",
        {
            "parent": area.id,
            "name": "组织生活",
            "max_points": "10",
            "rule": "thresholds",
            "fact_code": "meetings.compliance",
            "band1_at": "95",
            "band1_share": "100",
            "band2_at": "80",
            "band2_share": "80",
        },
    )
    assert response.status_code == 302
    item = Indicator.objects.get(scheme=scheme, name="组织生活")
    assert item.params == {"bands": [["95", "100"], ["80", "80"]]}
    page = text(client.get(f"/assessment/{scheme.id}/"))
    assert "≥95 得 100%；≥80 得 80%" in page
    response = client.post(f"/assessment/{scheme.id}/publish/", follow=True)
    assert "已发布" in " ".join(flash(response))
    assert Scheme.objects.get(pk=scheme.pk).status == SchemeStatus.PUBLISHED


def test_a_refused_item_keeps_everything_typed(scheme, users, login):
    area = add_area(scheme, users.committee_admin)
    response = login(users.committee_admin).post(
        f"/assessment/{scheme.id}/items/new/",
        {
            "parent": area.id,
            "name": "出席率",
            "max_points": "6",
            "rule": "ratio",
            "fact_code": "plans.tasks.overdue",
            "guidance": "按全年出席率计分",
        },
    )
    page = text(response)
    assert response.status_code == 200
    assert "按比例计分须选择比率类指标" in page
    assert 'value="出席率"' in page and "按全年出席率计分" in page
    assert not Indicator.objects.filter(name="出席率").exists()


def test_publishing_a_scheme_with_problems_lists_them_and_keeps_the_draft(scheme, users, login):
    add_area(scheme, users.committee_admin, name="政治建设")
    page = text(login(users.committee_admin).get(f"/assessment/{scheme.id}/"))
    assert "发布前还需要" in page and "“政治建设”下还没有具体指标" in page
    response = login(users.committee_admin).post(f"/assessment/{scheme.id}/publish/", follow=True)
    assert "方案还不能发布" in " ".join(flash(response))


def test_the_scheme_page_costs_the_same_queries_for_a_few_or_many_items(
    scheme, users, login, django_assert_max_num_queries
):
    client = login(users.committee_admin)
    area = add_area(scheme, users.committee_admin)
    services.indicator_add(
        actor=users.committee_admin,
        scheme=scheme,
        parent=area,
        name="项目 1",
        rule="reviewed",
        max_points=2,
    )
    with django_assert_max_num_queries(20) as few:
        client.get(f"/assessment/{scheme.id}/")
    for number in range(2, 30):
        other = (
            add_area(scheme, users.committee_admin, name=f"领域 {number}")
            if number % 5 == 0
            else area
        )
        services.indicator_add(
            actor=users.committee_admin,
            scheme=scheme,
            parent=other,
            name=f"项目 {number}",
            rule="reviewed",
            max_points=2,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/assessment/{scheme.id}/")


def test_categories_are_defined_and_units_placed_through_the_page(users, tree, login):
    client = login(users.committee_admin)
    client.post("/assessment/categories/", {"name": "综合管理类"})
    category = services.Category.objects.get(name="综合管理类")
    response = client.post(
        "/assessment/categories/place/",
        {"category": category.id, "units": [tree.unit.id, tree.far_unit.id]},
        follow=True,
    )
    assert "已将 2 个单位列入“综合管理类”" in " ".join(flash(response))
    page = text(client.get("/assessment/categories/"))
    assert "市发改委机关党委、市民政局机关党总支" in page


def test_org_fields_use_the_searchable_tree_select_and_unit_picker(users, login):
    client = login(users.committee_admin)
    client.post("/assessment/categories/", {"name": "综合管理类"})
    categories = client.get("/assessment/categories/").content.decode()
    assert 'name="units"' in categories and "data-org-picker" in categories
    new_scheme = client.get("/assessment/new/").content.decode()
    assert "data-org-select" in new_scheme


def test_a_missing_report_deduction_is_set_and_shown_through_the_item_form(scheme, users, login):
    client = login(users.committee_admin)
    client.post(f"/assessment/{scheme.id}/areas/", {"name": "日常监督", "max_points": "10"})
    area = Indicator.objects.get(scheme=scheme, name="日常监督")
    client.post(
        f"/assessment/{scheme.id}/items/new/",
        {
            "parent": area.id,
            "name": "按期报送",
            "max_points": "10",
            "rule": "deduction",
            "each": "10",
            "missing_report": "on",
        },
    )
    item = Indicator.objects.get(scheme=scheme, name="按期报送")
    assert item.params == {"each": "10", "missing_report": True}
    assert "自评截止日前未提交季度报告扣 10 分" in text(client.get(f"/assessment/{scheme.id}/"))
    edit = client.get(f"/assessment/indicators/{item.id}/").content.decode()
    box = re.search(r'<input type="checkbox" name="missing_report"[^>]*>', edit).group(0)
    assert "checked" in box
