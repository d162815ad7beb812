"""The shared layout in a browser: on a desktop a filter bar shows its fields and no 筛选条件
button; on a 375 px phone the fields fold behind that button and the header's menu button
stays inside the screen."""

import pytest
from playwright.sync_api import expect

from mofan.site.tests.browser.conftest import PHONE
from mofan.site.tests.browser.flows import expect_no_sideways_scroll

pytestmark = pytest.mark.browser


def test_a_desktop_filter_bar_shows_its_fields_without_the_phone_toggle(page, users, log_in):
    log_in(page, users.committee_admin)
    page.goto("/meetings/")
    bar = page.locator(".filter-bar")
    expect(bar.get_by_role("button", name="筛选条件")).to_be_hidden()
    expect(bar.locator(".filter-fields")).to_be_visible()


def test_on_a_phone_the_filters_fold_and_the_menu_button_fits(new_page, users, log_in):
    page = log_in(new_page(viewport=PHONE), users.committee_admin)
    page.goto("/meetings/")
    bar = page.locator(".filter-bar")
    expect(bar.locator(".filter-fields")).to_be_hidden()
    bar.get_by_role("button", name="筛选条件").click()
    expect(bar.locator(".filter-fields")).to_be_visible()
    menu = page.get_by_role("button", name="菜单")
    box = menu.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    expect_no_sideways_scroll(page)
