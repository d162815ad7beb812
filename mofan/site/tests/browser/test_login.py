"""Log in, wrong password, lockout: what a user sees on the login page."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WRONG = "Wrong@Pass999"
LOGIN_URL = re.compile(r"/accounts/login/(\?.*)?$")


def test_it_logs_in_and_out(page, users, log_in):
    admin = users.committee_admin
    log_in(page, admin)

    expect(page).to_have_url(re.compile(r"://[^/]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"您好，{admin.name}")
    expect(page.get_by_role("link", name="市直机关工委")).to_be_visible()

    page.get_by_role("button", name=f"退出（{admin.name}）").click()
    expect(page).to_have_url(LOGIN_URL)
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.goto("/orgs/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/orgs/$"))


def test_it_says_the_password_is_wrong_in_chinese(page, users, log_in):
    log_in(page, users.secretary, WRONG)

    expect(page).to_have_url(LOGIN_URL)
    expect(page.locator("form")).to_contain_text("用户名或密码不正确")
    expect(page.get_by_label("用户名")).to_have_value("secretary")
    page.goto("/")
    expect(page).to_have_url(LOGIN_URL)


def test_it_locks_the_account_after_five_failures(new_page, users, log_in):
    page = log_in(new_page(), users.secretary, WRONG)
    for _ in range(4):
        expect(page.locator("form")).to_contain_text("用户名或密码不正确")
        log_in(page, users.secretary, WRONG, open_form=False)

    log_in(page, users.secretary, open_form=False)  # the right password, refused while locked

    expect(page).to_have_url(LOGIN_URL)
    expect(page.get_by_role("alert")).to_contain_text("锁定")
    page.goto("/")
    expect(page).to_have_url(LOGIN_URL)

    # The lock is on that account only: another user still gets in.
    other = log_in(new_page(), users.committee_admin)
    expect(other.get_by_role("heading", level=1)).to_have_text(
        f"您好，{users.committee_admin.name}"
    )
