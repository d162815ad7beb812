"""The searchable org select in a browser: a committee admin finds 承办单位 of a 督办 item by
typing part of their names (or of their unit's), picks two, saves and sees both on the item's
page; on a phone the select opens and an org is chosen by tap."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mofan.core.tests.org_select import org_option
from mofan.plans.models import Instruction
from mofan.site.tests.browser.conftest import *  # noqa: F403
from mofan.site.tests.browser.conftest import PHONE, TIMEOUT_MS

pytestmark = pytest.mark.browser


def test_a_committee_admin_picks_two_units_by_typing_and_saves_them(new_page, tree, users, log_in):
    today = timezone.localdate().isoformat()
    page = log_in(new_page(), users.committee_admin)
    page.goto("/plans/supervision/new/")
    # 督办组织 starts on the admin's own org.
    expect(page.locator(".field-org .ts-control .item")).to_have_text("市直机关工委")
    page.get_by_label("事项").fill("报送调研报告")
    page.get_by_label("内容").fill("请各支部报送调研报告")
    page.get_by_label("收到日期").fill(today)
    page.get_by_label("反馈时限").fill(today)

    units = page.get_by_role("combobox", name="承办单位（可多选）")
    units.fill("没有这个组织")
    expect(page.locator(".ts-dropdown .no-results")).to_have_text("无匹配组织")
    units.fill("第一党支部")
    expect(org_option(page, "发改委第一党支部")).to_be_visible()
    expect(org_option(page, "民政局第一党支部")).to_be_visible()
    expect(org_option(page, "发改委第二党支部")).to_have_count(0)
    # The option shows where the org sits in the tree.
    expect(org_option(page, "发改委第一党支部").locator(".org-option-trail")).to_have_text(
        "市发改委机关党委 › 发改委第一党支部"
    )
    org_option(page, "发改委第一党支部").click()
    # The path matches too: the unit's name finds its branches.
    units.fill("民政局机关")
    expect(org_option(page, "民政局第一党支部")).to_be_visible()
    expect(page.locator(".ts-dropdown .option.active .org-option-trail")).to_have_text(
        re.compile("市民政局机关党总支")
    )
    org_option(page, "民政局第一党支部").click()
    picked = page.locator(".field-units .ts-control .item")
    expect(picked).to_have_count(2)
    expect(picked.nth(0)).to_contain_text("发改委第一党支部")
    expect(picked.nth(1)).to_contain_text("民政局第一党支部")

    page.keyboard.press("Escape")  # the picker stays open for more units until dismissed
    expect(page.locator(".field-units .ts-dropdown")).to_be_hidden()
    page.get_by_role("button", name="登记并交办").click()
    expect(page.locator(".flash.success")).to_have_text("已登记督办事项“报送调研报告”")
    main = page.locator("main")
    expect(main).to_contain_text("发改委第一党支部")
    expect(main).to_contain_text("民政局第一党支部")
    instruction = Instruction.objects.get()
    assert set(instruction.assignments.values_list("org", flat=True)) == {
        tree.branch.id,
        tree.far_branch.id,
    }
    assert instruction.org == tree.committee


def test_on_a_phone_the_select_opens_and_an_org_is_chosen_by_tap(
    browser, live_server, tree, users, log_in
):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, has_touch=True, is_mobile=True, locale="zh-CN"
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = log_in(context.new_page(), users.committee_admin)
        page.goto("/plans/supervision/new/")
        control = page.locator(".field-org .ts-control")
        control.tap()
        option = org_option(page, "市发改委机关党委")
        expect(option).to_be_visible()
        box = page.locator(".field-org .ts-dropdown").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert page.locator(".ts-dropdown .option").first.bounding_box()["height"] >= 40
        option.tap()
        expect(page.locator(".field-org .ts-control .item")).to_have_text("市发改委机关党委")
        expect(page.locator("select[name=org]")).to_have_value(str(tree.unit.id))
    finally:
        context.close()
