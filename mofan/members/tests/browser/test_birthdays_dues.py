"""A secretary's political birthdays of the month and the monthly dues ledger."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mofan.core.dates import add_years
from mofan.members.models import DuesCategory, DuesPayment

pytestmark = pytest.mark.browser


def test_it_lists_this_months_political_birthdays(page, users, tree, log_in, make_member):
    month = timezone.localdate().month
    other_month = month % 12 + 1
    for org, name, joined_on in [
        (tree.branch, "刘洋", date(2010, month, 1)),
        (tree.branch, "孙丽", date(2010, other_month, 1)),
        (tree.other_branch, "吴刚", date(2012, month, 1)),
    ]:
        make_member(org, name=name, joined_on=joined_on, full_member_on=add_years(joined_on, 1))
    log_in(page, users.secretary)

    page.goto("/members/")
    page.get_by_role("link", name="本月政治生日").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"{month} 月政治生日")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)  # not 孙丽 (another month), not 吴刚 (another branch)
    expect(rows.locator("td")).to_have_text(
        [
            "刘洋",
            "发改委第一党支部",
            f"2010-{month:02d}-01",
            f"{timezone.localdate().year - 2010} 年",
        ]
    )


def test_it_records_a_payment_in_the_dues_ledger(page, users, tree, log_in, make_member):
    today = timezone.localdate()
    member = make_member(
        tree.branch, name="刘洋", dues_category=DuesCategory.EMPLOYED, dues_base=Decimal("5400")
    )
    make_member(
        tree.branch, name="孙丽", dues_category=DuesCategory.RETIRED, dues_base=Decimal("0")
    )
    log_in(page, users.secretary)

    page.goto("/members/dues/")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"发改委第一党支部 · {today.year}年{today.month}月党费收缴台账"
    )
    row = page.locator("main table tbody tr").filter(
        has=page.get_by_role("link", name="刘洋", exact=True)
    )
    expect(row.locator("td").nth(1)).to_have_text("81.00")
    expect(row.get_by_label("实缴")).to_have_value("81.00")
    row.get_by_role("combobox").select_option(label="转账")
    row.get_by_role("button", name="登记").click()

    expect(page.locator(".flash.success")).to_have_text(
        f"已登记 刘洋 {today:%Y年%m月}党费 81.00 元"
    )
    row = page.locator("main table tbody tr").filter(
        has=page.get_by_role("link", name="刘洋", exact=True)
    )
    expect(row.locator("td").nth(2)).to_have_text("81.00")
    expect(row.locator("td").nth(3)).to_have_text(f"{today:%Y-%m-%d}")
    expect(row.locator("td").nth(4)).to_have_text("转账")
    expect(row.get_by_role("button", name="登记")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("已缴 81.00 元")
    assert DuesPayment.objects.get(member=member).paid == Decimal("81.00")
