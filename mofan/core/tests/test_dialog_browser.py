"""The confirm dialog (core/dialog.js): 取消 or Esc does not submit, 确定 submits with the
submitter's name/value, focus starts on 取消, a red 确定 for destructive actions, at 1366 and
375 px; and a real destructive action (停用 a user) asks first."""

import pytest
from playwright.sync_api import expect

from mofan.core.access import Role
from mofan.site.tests.browser.conftest import *  # noqa: F403
from mofan.site.tests.factories import make_user

pytestmark = pytest.mark.browser

WIDE = {"width": 1366, "height": 800}
PHONE = {"width": 375, "height": 740}
SIZES = pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1366", "375"])

# A page of its own, answered by the browser (page.route), so that the component is tested
# alone: the same dialog.js and dialog.css that base.html loads, on two forms.
PROBE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/vendor/tabler/1.0.0/tabler.min.css">
<link rel="stylesheet" href="/static/core/dialog.css">
<script src="/static/vendor/htmx/2.0.11/htmx.min.js" defer></script>
<script src="/static/core/dialog.js" defer></script></head><body>
<form method="post" action="/probe/answer" data-confirm="确定删除附件“记录.pdf”？"
 data-confirm-detail="删除后无法恢复。" data-confirm-tone="danger">
<input name="reason" value="重复上传"><button name="answer" value="delete">删除</button></form>
<form method="post" action="/probe/answer"><button name="answer" value="approve"
 data-confirm="批准后将开始新一届任期，确定？">批准</button></form>
<button hx-post="/probe/answer" hx-vals='{"answer": "reveal"}' hx-target="#shown"
 hx-confirm="查看完整身份证号将记入审计日志，确定？">查看</button><div id="shown"></div>
</body></html>"""


@pytest.fixture
def probe(new_page, db):
    """probe(viewport) → (page, posted): the probe page and the forms it has submitted."""

    def _probe(viewport):
        page = new_page(viewport=viewport)
        posted = []

        def answer(route):
            posted.append(route.request.post_data)
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body="已提交")

        page.route(
            "**/probe/page",
            lambda route: route.fulfill(
                status=200, content_type="text/html; charset=utf-8", body=PROBE
            ),
        )
        page.route("**/probe/answer", answer)
        page.goto("/probe/page")
        return page, posted

    return _probe


def dialog_of(page):
    return page.get_by_role("dialog")


@SIZES
def test_cancel_does_not_submit_and_focus_starts_on_cancel(probe, viewport):
    page, posted = probe(viewport)

    page.get_by_role("button", name="删除").click()

    dialog = dialog_of(page)
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("确定删除附件“记录.pdf”？")
    expect(dialog).to_contain_text("删除后无法恢复。")
    expect(dialog.get_by_role("button", name="取消")).to_be_focused()
    dialog.get_by_role("button", name="取消").click()

    expect(dialog).to_be_hidden()
    page.wait_for_timeout(200)
    assert posted == []
    assert page.url.endswith("/probe/page")


@SIZES
def test_escape_cancels(probe, viewport):
    page, posted = probe(viewport)

    page.get_by_role("button", name="删除").click()
    expect(dialog_of(page)).to_be_visible()
    page.keyboard.press("Escape")

    expect(dialog_of(page)).to_be_hidden()
    page.wait_for_timeout(200)
    assert posted == []
    # Asked again, it still asks (the cancelled question does not linger).
    page.get_by_role("button", name="删除").click()
    expect(dialog_of(page)).to_be_visible()


@SIZES
def test_confirm_submits_with_the_submitters_name_and_value(probe, viewport):
    page, posted = probe(viewport)

    page.get_by_role("button", name="删除").click()
    ok = dialog_of(page).get_by_role("button", name="确定")
    expect(ok).to_have_class("btn confirm-ok btn-danger")
    ok.click()

    expect(page.locator("body")).to_have_text("已提交")
    assert len(posted) == 1
    assert "answer=delete" in posted[0]
    assert "reason=" in posted[0]


@SIZES
def test_a_question_on_the_button_asks_and_keeps_its_value(probe, viewport):
    page, posted = probe(viewport)

    page.get_by_role("button", name="批准").click()
    dialog = dialog_of(page)
    expect(dialog).to_contain_text("批准后将开始新一届任期，确定？")
    expect(dialog.get_by_role("button", name="确定")).to_have_class("btn confirm-ok btn-primary")
    dialog.get_by_role("button", name="确定").click()

    expect(page.locator("body")).to_have_text("已提交")
    assert posted == ["answer=approve"]


def test_on_a_phone_the_buttons_are_full_width_and_thumb_sized(probe):
    page, _posted = probe(PHONE)

    page.get_by_role("button", name="删除").click()

    dialog = dialog_of(page)
    expect(dialog).to_be_visible()
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    for name in ["确定", "取消"]:
        button = dialog.get_by_role("button", name=name).bounding_box()
        assert button["height"] >= 44
        assert button["width"] >= box["width"] - 48  # the full width of the dialog's body


@SIZES
def test_disabling_a_user_asks_first(new_page, users, tree, log_in, viewport, tmp_path):
    target = make_user(Role.SECRETARY, tree.branch, "tobedisabled")
    page = new_page(viewport=viewport)
    log_in(page, users.committee_admin)
    page.goto(f"/accounts/users/{target.id}/")

    page.get_by_role("button", name="停用").click()
    dialog = dialog_of(page)
    expect(dialog).to_contain_text("停用")
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_be_hidden()
    target.refresh_from_db()
    assert target.is_active

    page.get_by_role("button", name="停用").click()
    page.screenshot(path=str(tmp_path / f"confirm-{viewport['width']}.png"))
    dialog.get_by_role("button", name="确定").click()
    expect(page.get_by_role("button", name="启用")).to_be_visible()
    target.refresh_from_db()
    assert not target.is_active


@SIZES
def test_an_htmx_confirm_asks_in_the_same_dialog(probe, viewport):
    page, posted = probe(viewport)

    page.get_by_role("button", name="查看").click()
    dialog = dialog_of(page)
    expect(dialog).to_contain_text("查看完整身份证号将记入审计日志，确定？")
    dialog.get_by_role("button", name="取消").click()
    page.wait_for_timeout(200)
    assert posted == []

    page.get_by_role("button", name="查看").click()
    dialog.get_by_role("button", name="确定").click()
    expect(page.locator("#shown")).to_have_text("已提交")
    assert posted == ["answer=reveal"]
