"""A transfer between branches: sent by the source branch, invisible to the receiving branch
until it accepts, then on its list and in the member's history with the letter number."""

import re

import pytest
from playwright.sync_api import expect

from mofan.core.tests.org_select import choose_org

pytestmark = pytest.mark.browser

LETTER = "发改组转字〔2025〕17号"


def test_it_moves_a_member_once_the_receiving_branch_accepts(
    new_page, users, tree, log_in, make_member
):
    member = make_member(tree.branch, name="赵敏", sex="female")
    sender = log_in(new_page(), users.secretary)
    sender.goto(f"/members/{member.id}/")

    sender.get_by_role("link", name="转接到其他支部").click()
    expect(sender.get_by_role("heading", level=1)).to_have_text("赵敏 · 转到系统内其他支部")
    choose_org(sender, "转入支部", "发改委第二党支部")
    sender.get_by_label("介绍信编号").fill(LETTER)
    sender.get_by_role("button", name="办理").click()
    confirm = sender.get_by_role("dialog")
    expect(confirm).to_contain_text("确定办理“转到系统内其他支部”？")
    confirm.get_by_role("button", name="确定").click()

    expect(sender.get_by_role("heading", level=1)).to_contain_text("赵敏")
    expect(sender.locator(".flash.success")).to_have_text("已办理：转到系统内其他支部")
    expect(sender.locator("main")).to_contain_text(
        f"组织关系正在转往 发改委第二党支部（介绍信 {LETTER}），待对方接收。"
    )
    member.refresh_from_db()
    assert member.org == tree.branch  # nothing moves before the receiving branch accepts

    receiver = log_in(new_page(), users.outsider)  # secretary of 发改委第二党支部
    assert receiver.goto(f"/members/{member.id}/").status == 404
    receiver.goto("/members/")
    expect(receiver.locator("main table")).not_to_contain_text("赵敏")

    receiver.goto("/members/transfers/")
    expect(receiver.get_by_role("heading", level=1)).to_have_text("组织关系转接")
    row = receiver.locator("main table tbody tr").filter(has_text="赵敏")
    expect(row).to_contain_text("发改委第一党支部")
    expect(row).to_contain_text(LETTER)
    expect(row).to_contain_text("待接收")
    row.get_by_role("button", name="接收").click()

    expect(receiver.locator(".flash.success")).to_have_text("已接收 赵敏 的组织关系")
    receiver.goto("/members/")
    receiver.get_by_role("link", name="赵敏", exact=True).click()
    expect(receiver).to_have_url(re.compile(rf"/members/{member.id}/$"))
    expect(receiver.locator("dl.fields")).to_contain_text("发改委第二党支部")
    history = receiver.locator(".card", has=receiver.get_by_role("heading", name="历史"))
    expect(history).to_contain_text(f"组织关系转出：转出 发改委第一党支部，介绍信 {LETTER}")
    expect(history).to_contain_text(f"组织关系转入：转入 发改委第二党支部，介绍信 {LETTER}")

    # The sending branch no longer holds the record.
    assert sender.goto(f"/members/{member.id}/").status == 404
