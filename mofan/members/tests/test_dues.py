"""党费: the rate table, approvals, payments, the monthly ledger, the yearly summary, export."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from mofan.core.access import SYSTEM
from mofan.core.dates import add_months
from mofan.core.errors import ApplicationError
from mofan.core.models import AuditLog
from mofan.members.dues import (
    dues_approve,
    dues_record_all_at_standard,
    dues_record_payment,
    dues_standard,
    month_start,
)
from mofan.members.lifecycle import member_transfer_out_of_system
from mofan.members.models import Category, DuesCategory, DuesPayment, PaymentMethod


def today() -> date:
    return timezone.localdate()


def month(offset: int = 0) -> date:
    """The first day of the month `offset` months from the current one."""
    return add_months(month_start(today()), offset)


def ym(day: date) -> str:
    return f"{day:%Y-%m}"


def iso(day: date) -> str:
    return f"{day:%Y-%m-%d}"


def text(response) -> str:
    return response.content.decode()


def row_of(page: str, name: str) -> str:
    """The ledger table row of a member (from its <tr> to its </tr>)."""
    rows = [chunk for chunk in page.split("<tr") if f">{name}</a>" in chunk]
    assert len(rows) == 1, name
    return rows[0].split("</tr>")[0]


def ledger_url(org, day: date) -> str:
    return f"/members/dues/?org={org.pk}&month={ym(day)}"


@pytest.fixture
def payer(tree, make_member):
    """make a member of `org` (default: the branch) on 5400 a month as employed → 81.00."""

    def _make(org=None, **fields):
        fields.setdefault("dues_category", DuesCategory.EMPLOYED)
        fields.setdefault("dues_base", Decimal("5400"))
        return make_member(org or tree.branch, **fields)

    return _make


def pay(member, day: date, paid=None, method=PaymentMethod.CASH):
    return dues_record_payment(
        actor=SYSTEM,
        member=member,
        month=day,
        paid=Decimal(paid) if paid is not None else Decimal("81.00"),
        paid_on=day + timedelta(days=9),
        method=method,
    )


def pay_months(member, first: int, last: int):
    for offset in range(first, last + 1):
        pay(member, month(offset))


# --- the rate table -------------------------------------------------------------------------

TABLE = [
    (DuesCategory.EMPLOYED, "0", "0.00", "0.005"),
    (DuesCategory.EMPLOYED, "2000", "10.00", "0.005"),
    (DuesCategory.EMPLOYED, "3000", "15.00", "0.005"),
    (DuesCategory.EMPLOYED, "3000.01", "30.00", "0.01"),
    (DuesCategory.EMPLOYED, "5000", "50.00", "0.01"),
    (DuesCategory.EMPLOYED, "5000.01", "75.00", "0.015"),
    (DuesCategory.EMPLOYED, "5400", "81.00", "0.015"),
    (DuesCategory.EMPLOYED, "10000", "150.00", "0.015"),
    (DuesCategory.EMPLOYED, "10000.01", "200.00", "0.02"),
    (DuesCategory.EMPLOYED, "3333.33", "33.33", "0.01"),
    (DuesCategory.EMPLOYED, "2001", "10.01", "0.005"),  # 10.005 rounds half up
    (DuesCategory.RETIRED, "4000", "20.00", "0.005"),
    (DuesCategory.RETIRED, "5000", "25.00", "0.005"),
    (DuesCategory.RETIRED, "5000.01", "50.00", "0.01"),
    (DuesCategory.RETIRED, "12000", "120.00", "0.01"),
]


@pytest.mark.parametrize(("category", "base", "amount", "rate"), TABLE)
def test_it_computes_the_standard_by_the_rate_table(category, base, amount, rate):
    standard = dues_standard(category, Decimal(base))
    assert standard.amount == Decimal(amount)
    assert str(standard.amount) == amount
    assert standard.rate == Decimal(rate)


@pytest.mark.parametrize(
    "category", [DuesCategory.STUDENT, DuesCategory.UNEMPLOYED, DuesCategory.SUBSISTENCE]
)
@pytest.mark.parametrize("base", ["0", "800", "50000"])
def test_it_charges_students_unemployed_and_subsistence_members_0_20(category, base):
    standard = dues_standard(category, Decimal(base))
    assert str(standard.amount) == "0.20"
    assert standard.rate is None


@pytest.mark.parametrize(
    ("base", "amount"),
    [("0", "0.20"), ("0.1", "0.20"), ("0.5", "0.50"), ("1", "1.00"), ("30", "1.00")],
)
def test_it_keeps_farmers_between_0_20_and_1_yuan(base, amount):
    assert str(dues_standard(DuesCategory.FARMER, Decimal(base)).amount) == amount


def test_it_refuses_a_negative_base():
    with pytest.raises(ApplicationError, match="计算基数须在 0 到"):
        dues_standard(DuesCategory.EMPLOYED, Decimal("-1"))


def test_it_shows_the_standard_on_the_member_page(users, payer, login):
    member = payer(dues_base=Decimal("3000.01"))
    assert "标准 30.00 元/月" in text(login(users.secretary).get(f"/members/{member.pk}/"))


# --- approvals ------------------------------------------------------------------------------


def test_it_applies_an_approved_standard_from_its_month_on(users, tree, payer, login):
    member = payer(name="减免者")
    dues_approve(
        actor=users.secretary,
        member=member,
        amount=Decimal("10"),
        valid_from=month(-2) + timedelta(days=12),
        reason="家庭困难",
        approved_by="机关党委",
        approved_on=month(-2),
    )
    client = login(users.secretary)
    assert "<td>81.00</td>" in row_of(
        text(client.get(ledger_url(tree.branch, month(-3)))), "减免者"
    )
    assert "<td>10.00</td>" in row_of(
        text(client.get(ledger_url(tree.branch, month(-2)))), "减免者"
    )
    assert "<td>10.00</td>" in row_of(text(client.get(ledger_url(tree.branch, month(0)))), "减免者")
    assert pay(member, month(-1), "10").due == Decimal("10.00")
    assert pay(member, month(-3)).due == Decimal("81.00")
    entry = AuditLog.objects.get(action="dues.approve")
    assert entry.user == users.secretary
    assert "家庭困难" in entry.detail


def test_it_lets_a_later_approval_replace_an_earlier_one(users, tree, payer, login):
    member = payer(name="免交者")
    for amount, offset in (("10", -2), ("0", 0)):
        dues_approve(
            actor=users.secretary,
            member=member,
            amount=Decimal(amount),
            valid_from=month(offset),
            reason="批准",
            approved_by="机关党委",
            approved_on=month(-2),
        )
    client = login(users.secretary)
    assert "<td>10.00</td>" in row_of(
        text(client.get(ledger_url(tree.branch, month(-1)))), "免交者"
    )
    assert "<td>0.00</td>" in row_of(text(client.get(ledger_url(tree.branch, month(0)))), "免交者")


def test_it_requires_a_reason_and_an_approving_body(users, payer):
    member = payer()
    for reason, body in (("", "机关党委"), ("困难", " ")):
        with pytest.raises(ApplicationError):
            dues_approve(
                actor=users.secretary,
                member=member,
                amount=Decimal("1"),
                valid_from=month(),
                reason=reason,
                approved_by=body,
                approved_on=today(),
            )
    assert not member.dues_approvals.exists()


def test_it_records_an_approval_from_the_page(users, payer, login):
    member = payer()
    client = login(users.secretary)
    assert client.get(f"/members/{member.pk}/dues/approve/").status_code == 200
    data = {
        "amount": "5.00",
        "valid_from": ym(month()),
        "reason": "",
        "approved_by": "机关党委",
        "approved_on": iso(today()),
    }
    response = client.post(f"/members/{member.pk}/dues/approve/", data)
    assert response.status_code == 200
    assert not member.dues_approvals.exists()
    response = client.post(f"/members/{member.pk}/dues/approve/", {**data, "reason": "长期患病"})
    assert response["Location"] == f"/members/{member.pk}/"
    assert "标准 5.00 元/月" in text(client.get(f"/members/{member.pk}/"))


# --- payments -------------------------------------------------------------------------------


def test_it_records_a_payment_at_the_standard_with_an_audit_record(users, payer):
    member = payer(dues_base=Decimal("10000.01"))
    payment = dues_record_payment(
        actor=users.secretary,
        member=member,
        month=month(-1) + timedelta(days=20),
        paid=Decimal("200"),
        paid_on=today(),
        method=PaymentMethod.TRANSFER,
    )
    assert payment.month == month(-1)
    assert payment.due == Decimal("200.00")
    assert payment.paid == Decimal("200.00")
    entry = AuditLog.objects.get(action="dues.pay")
    assert entry.user == users.secretary
    assert "应缴 200.00" in entry.detail


def test_it_records_one_payment_per_member_and_month(payer):
    member = payer(name="重复缴")
    pay(member, month(-1))
    with pytest.raises(ApplicationError, match="已登记"):
        pay(member, month(-1) + timedelta(days=3))
    assert DuesPayment.objects.count() == 1


def test_it_refuses_a_month_before_joining_naming_the_date(tree, make_member):
    joined = month(-2) + timedelta(days=14)
    member = make_member(
        tree.branch, category=Category.PROBATIONARY, joined_on=joined, dues_base=Decimal("5400")
    )
    with pytest.raises(ApplicationError) as refused:
        pay(member, month(-3))
    assert iso(joined) in refused.value.message
    assert pay(member, month(-2)).due == Decimal("81.00")  # 预备党员 pay from admission


@pytest.mark.parametrize("method", ["alipay", "", "现金"])
def test_it_accepts_only_cash_transfer_or_proxy(payer, method):
    member = payer()
    with pytest.raises(ApplicationError) as refused:
        pay(member, month(-1), method=method)
    assert refused.value.field == "method"
    assert not DuesPayment.objects.exists()


@pytest.mark.parametrize("method", PaymentMethod.values)
def test_it_records_each_method(payer, method):
    assert pay(payer(), month(-1), method=method).method == method


def test_it_refuses_a_payment_of_nothing(payer):
    with pytest.raises(ApplicationError, match="大于 0"):
        pay(payer(), month(-1), "0")


def test_it_refuses_a_payment_by_a_secretary_of_another_branch(users, payer):
    with pytest.raises(PermissionDenied):
        dues_record_payment(
            actor=users.outsider,
            member=payer(),
            month=month(-1),
            paid=Decimal("81"),
            paid_on=today(),
            method=PaymentMethod.CASH,
        )
    assert not DuesPayment.objects.exists()


def test_it_records_a_payment_from_the_ledger_page(users, tree, payer, login):
    member = payer(name="页面缴")
    client = login(users.secretary)
    data = {"month": ym(month(-1)), "paid": "81.00", "paid_on": iso(today()), "method": "cash"}
    response = client.post(f"/members/{member.pk}/dues/pay/", data)
    assert response["Location"] == ledger_url(tree.branch, month(-1))
    row = row_of(text(client.get(response["Location"])), "页面缴")
    assert "<td>81.00</td>" in row
    assert "现金" in row
    response = client.post(f"/members/{member.pk}/dues/pay/", data, follow=True)
    assert "登记失败" in text(response)
    assert DuesPayment.objects.count() == 1


def test_it_pays_all_at_standard_only_those_who_have_not_paid(users, tree, payer, make_member):
    paid = payer(name="已缴")
    pay(paid, month(-1), "100")
    owing = payer(name="未缴", dues_base=Decimal("3000"))
    waived = payer(name="免交")
    dues_approve(
        actor=SYSTEM,
        member=waived,
        amount=Decimal("0"),
        valid_from=month(-6),
        reason="困难",
        approved_by="机关党委",
        approved_on=month(-6),
    )
    newcomer = make_member(
        tree.branch, category=Category.PROBATIONARY, joined_on=month(0), dues_base=Decimal("5400")
    )
    count = dues_record_all_at_standard(
        actor=users.secretary,
        members=[paid, owing, waived, newcomer],
        month=month(-1),
        paid_on=today(),
        method=PaymentMethod.PROXY,
    )
    assert count == 1
    assert DuesPayment.objects.get(member=paid).paid == Decimal("100.00")
    recorded = DuesPayment.objects.get(member=owing)
    assert (recorded.due, recorded.paid, recorded.method) == (
        Decimal("15.00"),
        Decimal("15.00"),
        PaymentMethod.PROXY,
    )
    assert not DuesPayment.objects.filter(member__in=[waived, newcomer]).exists()
    entry = AuditLog.objects.get(action="dues.pay_all")
    assert entry.user == users.secretary
    assert "未缴" in entry.detail


def test_it_pays_all_from_the_ledger_page(users, tree, payer, login):
    for n in range(3):
        payer(name=f"成员{n}")
    pay(payer(name="提前缴"), month(-1))
    client = login(users.secretary)
    response = client.post(
        "/members/dues/pay-all/",
        {"org": tree.branch.pk, "month": ym(month(-1)), "paid_on": iso(today()), "method": "cash"},
        follow=True,
    )
    assert "已按标准登记 3 人" in text(response)
    assert DuesPayment.objects.filter(month=month(-1)).count() == 4


# --- the monthly ledger ---------------------------------------------------------------------


def test_it_shows_due_paid_and_totals(users, tree, payer, login):
    pay(payer(name="甲"), month(-1))
    payer(name="乙", dues_base=Decimal("3000"))
    page = text(login(users.secretary).get(ledger_url(tree.branch, month(-1))))
    assert "应缴合计 96.00 元，已缴 81.00 元" in page
    assert "<td>81.00</td><td>" in row_of(page, "甲")
    assert "<td>15.00</td>" in row_of(page, "乙")


def test_it_highlights_3_months_of_arrears_and_flags_6(users, tree, payer, login):
    names = {"按时": -1, "欠二": -3, "欠三": -4, "欠六": -7}
    for name, last_paid in names.items():
        pay_months(payer(name=name), -12, last_paid)
    page = text(login(users.secretary).get(ledger_url(tree.branch, month(0))))
    assert "row-" not in row_of(page, "按时")
    assert "个月" not in row_of(page, "按时")  # the running month is not yet in arrears
    assert "2 个月" in row_of(page, "欠二")
    assert "row-" not in row_of(page, "欠二")
    assert "row-warn" in row_of(page, "欠三")
    assert "3 个月" in row_of(page, "欠三")
    assert "row-bad" in row_of(page, "欠六")
    assert "6 个月（已达 6 个月）" in row_of(page, "欠六")
    assert '<span class="tag tag-due">黄色</span>' in page  # the legend has the rows' amber
    earlier = text(login(users.secretary).get(ledger_url(tree.branch, month(-3))))
    assert "1 个月" in row_of(earlier, "欠三")
    assert "4 个月" in row_of(earlier, "欠六")
    assert "row-warn" in row_of(earlier, "欠六")


def test_it_counts_arrears_only_from_the_month_the_record_was_entered(users, tree, payer, login):
    """Collection started a year ago; a member whose record was entered this month owes nothing
    yet, one entered two months ago owes those two months, not twelve."""
    pay_months(payer(name="按时"), -12, -1)
    payer(name="新录入", entered_on=today())
    payer(name="两月前录入", entered_on=month(-2))
    page = text(login(users.secretary).get(ledger_url(tree.branch, month(0))))
    assert "个月" not in row_of(page, "新录入")
    assert "2 个月" in row_of(page, "两月前录入")


def test_it_does_not_count_waived_months_as_arrears(users, tree, payer, login):
    pay_months(payer(name="按时"), -12, -1)
    waived = payer(name="免交者")
    dues_approve(
        actor=SYSTEM,
        member=waived,
        amount=Decimal("0"),
        valid_from=month(-12),
        reason="低保",
        approved_by="机关党委",
        approved_on=month(-12),
    )
    row = row_of(text(login(users.secretary).get(ledger_url(tree.branch, month(0)))), "免交者")
    assert "<td>0.00</td>" in row
    assert "个月" not in row
    assert "row-" not in row


def test_it_counts_no_arrears_before_collection_started(users, tree, payer, login):
    payer(name="新台账")
    page = text(login(users.secretary).get(ledger_url(tree.branch, month(0))))
    assert "个月" not in row_of(page, "新台账")
    assert "应缴合计 81.00 元，已缴 0.00 元" in page


def test_it_lists_only_members_who_had_joined_by_that_month(users, tree, payer, make_member, login):
    payer(name="老党员")
    make_member(
        tree.branch,
        name="新党员",
        category=Category.PROBATIONARY,
        joined_on=month(-1),
        dues_base=Decimal("5400"),
    )
    client = login(users.secretary)
    before = text(client.get(ledger_url(tree.branch, month(-2))))
    assert "老党员" in before
    assert "新党员" not in before
    assert "应缴合计 81.00 元" in before
    assert "新党员" in text(client.get(ledger_url(tree.branch, month(-1))))


def test_it_leaves_members_who_left_out_of_the_ledger(users, tree, payer, login):
    gone = payer(name="已转出")
    member_transfer_out_of_system(
        actor=SYSTEM, member=gone, destination="外省", letter_number="1", on=today()
    )
    payer(name="在册")
    page = text(login(users.secretary).get(ledger_url(tree.branch, month(0))))
    assert "已转出" not in page
    assert "在册" in page


def test_it_exports_the_ledger_to_excel(users, tree, payer, login):
    pay(payer(name="导出甲"), month(-1), method=PaymentMethod.TRANSFER)
    payer(name="导出乙", dues_base=Decimal("3000.01"))
    response = login(users.secretary).get(ledger_url(tree.branch, month(-1)) + "&export=1")
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert tree.branch.name in sheet["A1"].value
    assert f"{month(-1):%Y年%m月}" in sheet["A1"].value
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0][:4] == ("姓名", "类别", "应缴（元）", "实缴（元）")
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["导出甲"][2] == 81
    assert by_name["导出甲"][3] == 81
    assert by_name["导出甲"][5] == "转账"
    assert by_name["导出乙"][2] == 30
    assert by_name["导出乙"][3] is None
    entry = AuditLog.objects.get(action="dues.export")
    assert entry.user == users.secretary


def test_it_sends_a_non_branch_to_the_summary_and_no_org_to_a_branch(users, tree, payer, login):
    payer()
    client = login(users.unit_admin)
    response = client.get(f"/members/dues/?org={tree.unit.pk}")
    assert response["Location"] == f"/members/dues/summary/?org={tree.unit.pk}"
    response = client.get("/members/dues/")
    assert response["Location"] == f"/members/dues/?org={tree.branch.pk}"


def test_it_costs_the_same_queries_for_3_and_30_members(
    users, tree, payer, login, django_assert_max_num_queries
):
    def fill(count):
        for _ in range(count):
            member = payer()
            pay(member, month(-2))
            dues_approve(
                actor=SYSTEM,
                member=member,
                amount=Decimal("1"),
                valid_from=month(-1),
                reason="r",
                approved_by="b",
                approved_on=today(),
            )

    fill(3)
    client = login(users.secretary)
    url = ledger_url(tree.branch, month(-1))
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    fill(27)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = text(client.get(url))
    assert page.count('/dues/pay/"') == 30


# --- scope ----------------------------------------------------------------------------------


def test_it_answers_404_to_a_secretary_of_another_branch(users, tree, payer, login):
    member = payer()
    client = login(users.outsider)
    assert client.get(ledger_url(tree.branch, month(0))).status_code == 404
    assert client.get(ledger_url(tree.branch, month(0)) + "&export=1").status_code == 404
    data = {"month": ym(month(-1)), "paid": "81", "paid_on": iso(today()), "method": "cash"}
    assert client.post(f"/members/{member.pk}/dues/pay/", data).status_code == 404
    all_data = {"org": tree.branch.pk, "month": ym(month(-1)), "paid_on": iso(today())}
    assert client.post("/members/dues/pay-all/", {**all_data, "method": "cash"}).status_code == 404
    assert client.get(f"/members/{member.pk}/dues/approve/").status_code == 404
    assert client.get(f"/members/dues/summary/?org={tree.branch.pk}").status_code == 404
    assert not DuesPayment.objects.exists()
    assert not AuditLog.objects.filter(action="dues.export").exists()


def test_it_lets_the_leader_view_but_not_pay(users, tree, payer, login):
    member = payer(name="领导看")
    client = login(users.leader)
    page = text(client.get(ledger_url(tree.branch, month(-1))))
    assert "领导看" in page
    assert "pay-all" not in page
    assert "/dues/pay/" not in page
    data = {"month": ym(month(-1)), "paid": "81", "paid_on": iso(today()), "method": "cash"}
    assert client.post(f"/members/{member.pk}/dues/pay/", data).status_code == 403
    all_data = {"org": tree.branch.pk, "month": ym(month(-1)), "paid_on": iso(today())}
    assert client.post("/members/dues/pay-all/", {**all_data, "method": "cash"}).status_code == 403
    assert client.get(f"/members/{member.pk}/dues/approve/").status_code == 403
    assert not DuesPayment.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="dues.pay").exists()


# --- the yearly summary ---------------------------------------------------------------------


@pytest.fixture
def last_year_dues(tree, payer):
    year = today().year - 1
    months = [date(year, 3, 1), date(year, 4, 1)]
    for member in (payer(name="支部一甲"), payer(name="支部一乙")):
        for day in months:
            pay(member, day)
    pay(payer(tree.other_branch, dues_base=Decimal("3000")), months[0], "15")
    pay(payer(tree.far_branch, name="远支部"), months[0])
    return year


def test_it_sums_a_year_per_branch_of_a_sub_tree(users, tree, last_year_dues, login):
    client = login(users.unit_admin)
    page = text(client.get(f"/members/dues/summary/?org={tree.unit.pk}&year={last_year_dues}"))
    assert f"<td>{tree.branch.name}</td><td>2</td><td>4</td><td>324.00</td><td>324.00</td>" in page
    assert f"<td>{tree.other_branch.name}</td><td>1</td><td>1</td><td>15.00</td>" in page
    assert tree.far_branch.name not in page
    assert "应缴合计 339.00 元，实缴合计 339.00 元" in page
    assert "该年度没有党费记录" in text(
        client.get(f"/members/dues/summary/?org={tree.unit.pk}&year={last_year_dues - 1}")
    )


def test_it_sums_everything_in_reach_without_an_org(users, tree, last_year_dues, login):
    page = text(login(users.committee_admin).get(f"/members/dues/summary/?year={last_year_dues}"))
    assert tree.far_branch.name in page
    assert "应缴合计 420.00 元" in page
    outsider = text(login(users.outsider).get(f"/members/dues/summary/?year={last_year_dues}"))
    assert tree.other_branch.name in outsider
    assert tree.branch.name not in outsider
    assert "应缴合计 15.00 元" in outsider


def test_it_keeps_dues_of_members_who_left_in_the_summary(users, tree, last_year_dues, login):
    gone = tree.branch.members.get(name="支部一甲")
    member_transfer_out_of_system(
        actor=SYSTEM, member=gone, destination="外省", letter_number="1", on=today()
    )
    page = text(
        login(users.unit_admin).get(
            f"/members/dues/summary/?org={tree.unit.pk}&year={last_year_dues}"
        )
    )
    assert "应缴合计 339.00 元" in page


@pytest.mark.parametrize("year", ["99999", "0", "abc", "-1"])
def test_it_answers_a_bad_year_without_an_error(users, tree, login, year):
    response = login(users.unit_admin).get(f"/members/dues/summary/?org={tree.unit.pk}&year={year}")
    assert response.status_code == 200
