"""The org tree, an org's page, create, move, scope (404) and the 375 px layout."""

import re

import pytest
from playwright.sync_api import expect

from mofan.core.tests.org_select import choose_org
from mofan.orgs.models import Org, OrgType
from mofan.site.tests.browser.conftest import PHONE
from mofan.site.tests.factories import make_org

pytestmark = pytest.mark.browser


def test_it_browses_the_tree_and_loads_deeper_levels(page, users, tree, log_in):
    # Below 发改委机关党委: 基层党委 › 党总支 › 党支部 › 党小组, deeper than the first page shows.
    basic = make_org(tree.unit, OrgType.BASIC_COMMITTEE, "信息中心党委")
    general = make_org(basic, OrgType.GENERAL_BRANCH, "信息中心党总支")
    deep_branch = make_org(general, OrgType.BRANCH, "信息中心第一党支部")
    make_org(deep_branch, OrgType.PARTY_GROUP, "信息中心第一党小组")
    log_in(page, users.committee_admin)

    page.goto("/orgs/")

    expect(page.get_by_role("heading", level=1)).to_have_text("组织体系")
    tree_list = page.locator("ul.tree")
    for name in ["市直机关工委", "市发改委机关党委", "市民政局机关党总支", "发改委第一党支部"]:
        expect(tree_list.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(tree_list).to_contain_text("党员 0（正式 0，预备 0）")
    expect(tree_list.get_by_role("link", name="第一党小组")).to_have_count(0)
    expect(tree_list.get_by_role("link", name="信息中心党总支")).to_have_count(0)

    def expand(name):
        node = tree_list.locator(".node").filter(
            has=page.get_by_role("link", name=name, exact=True)
        )
        node.get_by_role("button", name="展开下级").click()

    expand("发改委第一党支部")
    expect(tree_list.get_by_role("link", name="第一党小组")).to_be_visible()
    # Loaded nodes expand in turn (htmx processes what it swapped in).
    expand("信息中心党委")
    expand("信息中心党总支")
    expand("信息中心第一党支部")
    expect(tree_list.get_by_role("link", name="信息中心第一党小组")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/orgs/$"))  # no full page load

    tree_list.get_by_role("link", name="信息中心第一党小组").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("信息中心第一党小组")
    expect(page.get_by_role("navigation", name="组织路径")).to_have_text(
        "市直机关工委›市发改委机关党委›信息中心党委›信息中心党总支›信息中心第一党支部›信息中心第一党小组"
    )


def test_it_creates_an_org_and_keeps_the_input_when_refused(page, users, tree, log_in):
    log_in(page, users.committee_admin)
    page.goto(f"/orgs/{tree.unit.id}/")

    page.get_by_role("link", name="新建下级组织").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("在“市发改委机关党委”下新建组织")
    page.get_by_label("组织名称").fill("发改委第三党支部")
    page.get_by_label("组织编码").fill("U1-B1")  # taken by 发改委第一党支部
    page.get_by_label("组织类型").select_option(label="党支部")
    page.get_by_label("本届任期开始").fill("2024-03-01")
    page.get_by_label("本届任期届满").fill("2029-02-28")
    page.get_by_role("button", name="保存").click()

    expect(page.locator("[data-form-summary] li")).to_have_text("组织编码“U1-B1”已被使用")
    expect(page.get_by_label("组织名称")).to_have_value("发改委第三党支部")
    expect(page.get_by_label("组织类型")).to_have_value(OrgType.BRANCH.value)
    assert not Org.objects.filter(name="发改委第三党支部").exists()

    page.get_by_label("组织编码").fill("U1-B3")
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("发改委第三党支部")
    expect(page.locator(".flash")).to_have_text("已新建组织“发改委第三党支部”")
    expect(page.locator("dl.fields")).to_contain_text("U1-B3")
    expect(page.locator("dl.fields")).to_contain_text("2024-03-01 至 2029-02-28")
    expect(page.get_by_role("navigation", name="组织路径")).to_have_text(
        "市直机关工委›市发改委机关党委›发改委第三党支部"
    )
    created = Org.objects.get(code="U1-B3")
    assert Org.objects.get_parent(created) == tree.unit
    assert page.url.endswith(f"/orgs/{created.id}/")


def test_it_moves_an_org_after_confirmation(page, users, tree, log_in):
    moving = make_org(tree.unit, OrgType.BRANCH, "发改委机关服务中心党支部")
    log_in(page, users.committee_admin)
    page.goto(f"/orgs/{moving.id}/")

    page.get_by_role("link", name="移动").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("移动“发改委机关服务中心党支部”")
    choice = page.locator("select[name=new_parent]")
    expect(choice.locator("option", has_text="市民政局机关党总支")).to_have_count(1)
    expect(choice.locator("option", has_text="发改委机关服务中心党支部")).to_have_count(0)
    choose_org(page, "新的上级组织", "市民政局机关党总支")
    page.get_by_role("button", name="下一步").click()

    expect(page.locator("main")).to_contain_text(
        "确定将 发改委机关服务中心党支部（含其全部下级组织）移动到 市民政局机关党总支 之下？"
    )
    moving.refresh_from_db()
    assert Org.objects.get_parent(moving) == tree.unit  # nothing moves before the confirmation
    page.get_by_role("button", name="确认移动").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("发改委机关服务中心党支部")
    expect(page.locator(".flash")).to_contain_text("移动到“市民政局机关党总支”下")
    expect(page.get_by_role("navigation", name="组织路径")).to_have_text(
        "市直机关工委›市民政局机关党总支›发改委机关服务中心党支部"
    )
    assert Org.objects.get_parent(Org.objects.get(pk=moving.pk)) == tree.far_unit


def test_it_hides_another_branch_from_a_secretary(page, users, tree, log_in):
    log_in(page, users.secretary)

    own = page.goto(f"/orgs/{tree.branch.id}/")
    assert own.status == 200
    response = page.goto(f"/orgs/{tree.other_branch.id}/")

    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("发改委第二党支部")
    expect(page.locator("body")).to_contain_text("未找到")


def test_it_fits_a_375_px_phone(new_page, users, tree, log_in):
    page = log_in(new_page(viewport=PHONE), users.committee_admin)

    for url in [f"/orgs/{tree.unit.id}/", "/orgs/"]:
        page.goto(url)
        menu = page.locator("nav.menu")
        expect(menu).to_be_hidden()
        page.get_by_role("button", name="菜单").click()
        expect(menu).to_be_visible()
        expect(menu.get_by_role("link", name="组织体系")).to_be_visible()
        page.get_by_role("button", name="菜单").click()
        expect(menu).to_be_hidden()
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= 375 + 2, f"{url} scrolls sideways: {overflow} px wide"
