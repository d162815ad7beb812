"""The one form template in a browser (issue 10 §1, §5): a meeting refused for one field comes
back with the error summary focused and every other typed value still there; a date typed as
2019年7月1日 is saved; the calendar button's picker writes the picked day into the text box;
fields sit two to a row on a desktop and one to a row on a phone."""

import pytest
from playwright.sync_api import expect

from mofan.meetings.models import Kind, Meeting
from mofan.site.tests.browser.conftest import (  # noqa: F401 (the Playwright fixtures)
    PHONE,
    browser,
    log_in,
    new_page,
    page,
)

pytestmark = pytest.mark.browser


def open_meeting_form(page, tree, users, log_in):  # noqa: F811
    # The first page of a session compiles every template: longer than the default timeout
    # on a busy machine.
    page.goto("/accounts/login/", timeout=60_000)
    log_in(page, users.secretary, open_form=False)
    page.goto(f"/meetings/new/?org={tree.branch.id}")
    return page


def test_a_refused_form_keeps_every_value_and_a_typed_chinese_date_is_saved(
    page,  # noqa: F811
    tree,
    users,
    log_in,  # noqa: F811
):
    open_meeting_form(page, tree, users, log_in)
    page.get_by_label("类型").select_option(Kind.LECTURE)
    page.get_by_label("主题").fill("学习新修订的党章")
    page.get_by_label("计划日期").fill("2019.7.1")
    page.get_by_label("已召开（现在记录出席情况）").check()
    page.get_by_label("召开日期").fill("2019年7月1日")
    page.get_by_label("地点").fill("三楼会议室")
    page.get_by_label("主持人").fill("王书记")
    page.get_by_label("会议记录").fill("逐章学习党章")
    page.get_by_role("button", name="保存").click()  # no 授课人: refused

    summary = page.locator("[data-form-summary]")
    expect(summary).to_contain_text("请修改以下 1 处错误")
    expect(summary).to_contain_text("党课须填写授课人")
    expect(summary).to_be_focused()
    expect(page.locator(".field-lecturer .invalid-feedback")).to_have_text("党课须填写授课人")
    expect(page.get_by_label("类型")).to_have_value(Kind.LECTURE)
    expect(page.get_by_label("主题")).to_have_value("学习新修订的党章")
    expect(page.get_by_label("计划日期")).to_have_value("2019.7.1")
    expect(page.get_by_label("已召开（现在记录出席情况）")).to_be_checked()
    expect(page.get_by_label("召开日期")).to_have_value("2019年7月1日")
    expect(page.get_by_label("地点")).to_have_value("三楼会议室")
    expect(page.get_by_label("主持人")).to_have_value("王书记")
    expect(page.get_by_label("会议记录")).to_have_value("逐章学习党章")

    summary.get_by_role("link", name="党课须填写授课人").click()
    expect(page.get_by_label("授课人（党课）")).to_be_focused()
    page.get_by_label("授课人（党课）").fill("王书记")
    page.get_by_role("button", name="保存").click()

    expect(page.locator(".flash.success")).to_be_visible()
    meeting = Meeting.objects.get(topic="学习新修订的党章")
    assert (meeting.planned_on.isoformat(), meeting.held_on.isoformat()) == (
        "2019-07-01",
        "2019-07-01",
    )
    assert (meeting.place, meeting.lecturer) == ("三楼会议室", "王书记")


def test_the_calendar_button_opens_a_picker_that_fills_the_text_box(
    page,  # noqa: F811
    tree,
    users,
    log_in,  # noqa: F811
):
    open_meeting_form(page, tree, users, log_in)
    planned = page.locator(".field-planned_on")
    planned.get_by_role("button", name="打开日历").click()  # the native picker opens
    page.keyboard.press("Escape")
    # The browser's own calendar cannot be driven from Playwright: pick a day as it would.
    planned.locator("[data-date-native]").evaluate(
        "input => { input.value = '2019-07-01';"
        " input.dispatchEvent(new Event('change', {bubbles: true})); }"
    )
    expect(page.get_by_label("计划日期")).to_have_value("2019-07-01")
    expect(page.get_by_label("计划日期")).to_be_focused()


def test_fields_sit_two_to_a_row_on_a_desktop_and_one_on_a_phone(
    new_page,  # noqa: F811
    tree,
    users,
    log_in,  # noqa: F811
):
    for viewport, side_by_side in ((None, True), (PHONE, False)):
        page = open_meeting_form(  # noqa: F811
            new_page() if viewport is None else new_page(viewport=viewport), tree, users, log_in
        )
        kind = page.locator(".field-kind").bounding_box()
        topic = page.locator(".field-topic").bounding_box()
        minutes = page.locator(".field-minutes").bounding_box()
        assert (kind["y"] == topic["y"]) is side_by_side
        assert (topic["x"] > kind["x"]) is side_by_side
        form = page.locator("#meeting-form").bounding_box()
        assert minutes["width"] > form["width"] * 0.8  # long text: the whole row
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
