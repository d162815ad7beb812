"""A rater votes on a phone without logging in: the code from the slip, every reporter rated
(a missing one is named and what was chosen stays), then the code is spent."""

import pytest
from playwright.sync_api import expect

from mofan.appraisal.models import Ballot
from mofan.site.tests.browser.conftest import *  # noqa: F403
from mofan.site.tests.browser.conftest import PHONE
from mofan.site.tests.browser.flows import expect_no_sideways_scroll

pytestmark = pytest.mark.browser


def enter(page, code):
    page.goto("/appraisal/vote/")
    page.get_by_label("评议码").fill(code)
    page.get_by_role("button", name="下一步").click()
    page.wait_for_load_state()


def test_a_rater_votes_once_on_a_phone_without_an_account(new_page, voting):  # noqa: F811
    round_, codes = voting
    first, second = round_.reporters.order_by("sort_order", "id")
    page = new_page(viewport=PHONE)
    enter(page, codes[0].lower())  # as typed from the slip, in small letters
    expect(page.get_by_role("heading", name=round_.title)).to_be_visible()
    expect_no_sideways_scroll(page)
    cards = page.locator("fieldset.vote-card")
    expect(cards).to_have_count(2)
    cards.nth(0).get_by_label("好", exact=True).check()
    page.get_by_role("button", name="提交评议（共 2 位）").click()
    expect(page.get_by_role("alert")).to_contain_text("还有 1 位述职人未评价")
    expect(page.locator("fieldset.vote-card").nth(0).get_by_label("好", exact=True)).to_be_checked()
    page.locator("fieldset.vote-card").nth(1).get_by_label("一般", exact=True).check()
    page.get_by_role("button", name="提交评议（共 2 位）").click()
    expect(page.get_by_role("heading", name="投票成功")).to_be_visible()
    assert Ballot.objects.filter(round=round_).count() == 1
    ratings = {r.reporter_id: r.grade for r in Ballot.objects.get(round=round_).ratings.all()}
    assert ratings == {first.id: "good", second.id: "average"}

    enter(page, codes[0])
    expect(page.locator("#id_code_error")).to_contain_text("该评议码已经使用过")
    assert Ballot.objects.filter(round=round_).count() == 1
