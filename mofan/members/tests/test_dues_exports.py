"""党费 exports (issue 8 §3): the monthly ledger and the yearly summary as Excel, from the pages
and the API, through the same services; each leaves an audit row, each stays in the sub-tree."""

import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from openpyxl import load_workbook

from mofan.core.access import SYSTEM
from mofan.core.models import AuditLog
from mofan.members.dues import dues_record_payment
from mofan.members.models import DuesCategory, PaymentMethod

TODAY = date(2026, 5, 20)


@pytest.fixture(autouse=True)
def pinned_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def payer(tree, make_member):
    """A member on 5400 a month as employed (81.00 a month), joined long ago."""

    def _make(org=None, **fields):
        fields.setdefault("dues_category", DuesCategory.EMPLOYED)
        fields.setdefault("dues_base", Decimal("5400"))
        return make_member(org or tree.branch, **fields)

    return _make


def pay(member, month: date, paid="81.00", method=PaymentMethod.CASH, on=None):
    return dues_record_payment(
        actor=SYSTEM,
        member=member,
        month=month,
        paid=Decimal(paid),
        paid_on=on or month.replace(day=10),
        method=method,
    )


def workbook_rows(response) -> list[tuple]:
    assert response.status_code == 200, response.content[:300]
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


@pytest.fixture
def april(payer, tree):
    """Branch: 甲 paid April by transfer, 乙 (3000.01 → 30.00) did not; other branch: 丙."""
    jia = payer(name="甲")
    pay(jia, date(2026, 4, 1), method=PaymentMethod.TRANSFER, on=date(2026, 4, 8))
    payer(name="乙", dues_base=Decimal("3000.01"))
    pay(payer(tree.other_branch, name="丙"), date(2026, 4, 1))
    return date(2026, 4, 1)


def ledger_url(org, month="2026-04"):
    return f"/members/dues/?org={org.pk}&month={month}&export=1"


def test_it_exports_the_ledger_of_a_branch_with_its_totals(users, tree, april, login):
    rows = workbook_rows(login(users.secretary).get(ledger_url(tree.branch)))
    assert rows[0][0] == "发改委第一党支部2026年04月党费收缴台账"
    assert rows[1] == (
        "姓名",
        "类别",
        "应缴（元）",
        "实缴（元）",
        "缴纳日期",
        "方式",
        "连续欠缴（月）",
    )
    by_name = {row[0]: row for row in rows[2:]}
    assert set(by_name) == {"甲", "乙", "合计"}
    assert by_name["甲"][2:4] == (81, 81)
    assert by_name["甲"][4].date() == date(2026, 4, 8)
    assert by_name["甲"][5] == "转账"
    assert by_name["乙"][2] == 30 and by_name["乙"][3] is None
    assert by_name["合计"][1:4] == ("2 人", 111, 81)
    entry = AuditLog.objects.get(action="dues.export")
    assert entry.user == users.secretary
    assert "2026年04月党费收缴台账" in entry.detail


def test_it_exports_the_same_ledger_through_the_api(users, tree, april, api):
    response = api(users.unit_admin).get(
        f"/api/v1/dues/export?org_id={tree.branch.pk}&month=2026-04"
    )
    rows = workbook_rows(response)
    assert {row[0] for row in rows[2:]} == {"甲", "乙", "合计"}
    assert AuditLog.objects.get(action="dues.export").user == users.unit_admin


def test_the_api_ledger_defaults_to_this_month_and_refuses_a_bad_one(users, tree, april, api):
    client = api(users.secretary)
    rows = workbook_rows(client.get(f"/api/v1/dues/export?org_id={tree.branch.pk}"))
    assert rows[0][0] == "发改委第一党支部2026年05月党费收缴台账"
    response = client.get(f"/api/v1/dues/export?org_id={tree.branch.pk}&month=2026-13")
    assert response.status_code == 400
    assert "月份" in response.json()["detail"]
    response = api(users.unit_admin).get(f"/api/v1/dues/export?org_id={tree.unit.pk}")
    assert response.status_code == 400
    assert "党支部" in response.json()["detail"]


@pytest.fixture
def last_year(tree, payer):
    """2025: branch 2 members × 2 months (324.00), other branch 15.00, far branch 81.00."""
    for member in (payer(name="一甲"), payer(name="一乙")):
        for month in (date(2025, 3, 1), date(2025, 4, 1)):
            pay(member, month)
    pay(payer(tree.other_branch, dues_base=Decimal("3000")), date(2025, 3, 1), "15")
    pay(payer(tree.far_branch), date(2025, 3, 1))
    return 2025


def test_it_exports_the_yearly_summary_of_a_sub_tree(users, tree, last_year, login):
    url = f"/members/dues/summary/?org={tree.unit.pk}&year=2025&export=1"
    rows = workbook_rows(login(users.unit_admin).get(url))
    assert rows[0][0] == "市发改委机关党委2025年党费收缴汇总"
    assert rows[1] == ("支部", "缴费人数", "缴费人次", "应缴（元）", "实缴（元）")
    assert rows[2:] == [
        ("发改委第一党支部", 2, 4, 324, 324),
        ("发改委第二党支部", 1, 1, 15, 15),
        ("合计", 3, 5, 339, 339),
    ]
    assert AuditLog.objects.get(action="dues.export").detail == "市发改委机关党委2025年党费收缴汇总"


def test_the_summary_api_without_an_org_covers_all_the_actor_reads(users, tree, last_year, api):
    rows = workbook_rows(api(users.committee_admin).get("/api/v1/dues/summary/export?year=2025"))
    assert rows[-1] == ("合计", 4, 6, 420, 420)
    rows = workbook_rows(api(users.outsider).get("/api/v1/dues/summary/export?year=2025"))
    assert rows[2:] == [("发改委第二党支部", 1, 1, 15, 15), ("合计", 1, 1, 15, 15)]


def test_the_pages_show_the_export_button_to_readers_only(users, tree, april, login):
    client = login(users.leader)
    assert "导出 Excel" in client.get(f"/members/dues/?org={tree.branch.pk}").content.decode()
    assert "导出 Excel" in client.get("/members/dues/summary/").content.decode()
    client = login(users.member)
    assert "导出 Excel" not in client.get(f"/members/dues/?org={tree.branch.pk}").content.decode()
    assert "导出 Excel" not in client.get("/members/dues/summary/").content.decode()


def test_a_plain_member_sees_only_their_own_dues_and_exports_nothing(
    users, tree, april, login, api, link
):
    me = tree.branch.members.get(name="乙")
    link(me, users.member)
    client = login(users.member)
    page = client.get(f"/members/dues/?org={tree.branch.pk}").content.decode()
    assert "乙" in page and ">甲<" not in page
    assert client.get(ledger_url(tree.branch)).status_code == 403
    assert client.get("/members/dues/summary/?year=2026&export=1").status_code == 403
    client = api(users.member)
    assert client.get(f"/api/v1/dues/export?org_id={tree.branch.pk}").status_code == 403
    response = client.get(f"/api/v1/dues/summary/export?org_id={tree.branch.pk}")
    assert response.status_code == 403
    assert "党员只能查看本人的党费记录" in response.json()["detail"]
    assert not AuditLog.objects.filter(action="dues.export").exists()


def test_an_outsider_gets_404_for_another_branch(users, tree, april, login, api):
    client = login(users.outsider)
    assert client.get(ledger_url(tree.branch)).status_code == 404
    summary = f"/members/dues/summary/?org={tree.unit.pk}&year=2026&export=1"
    assert client.get(summary).status_code == 404
    client = api(users.outsider)
    assert client.get(f"/api/v1/dues/export?org_id={tree.branch.pk}").status_code == 404
    assert client.get(f"/api/v1/dues/summary/export?org_id={tree.unit.pk}").status_code == 404
    assert not AuditLog.objects.filter(action="dues.export").exists()
