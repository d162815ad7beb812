"""The round pages: who sees the results table and which unit sheets, the step buttons, and
the self-assessment, review, adjustment and finding forms on a unit's sheet."""

import re
from datetime import date
from decimal import Decimal

import pytest

from mofan.assessment import rounds
from mofan.assessment.models import Entry, Finding, Round, RoundStatus
from mofan.assessment.tests.rounds.test_services import item


def text(response) -> str:
    return response.content.decode()


def flash(response) -> list[str]:
    return re.findall(r'<div class="flash [^"]*">([^<]*)</div>', text(response))


@pytest.fixture
def opened(round_, users):
    rounds.round_open(actor=users.committee_admin, round_=round_)
    return round_


def sheet(round_, org) -> str:
    return f"/assessment/rounds/{round_.id}/?org={org.id}"


def test_a_draft_round_is_seen_only_by_those_who_run_it(round_, users, login):
    assert login(users.committee_admin).get(f"/assessment/rounds/{round_.id}/").status_code == 200
    assert login(users.unit_admin).get(f"/assessment/rounds/{round_.id}/").status_code == 404
    assert round_.name not in text(login(users.unit_admin).get("/assessment/rounds/"))


def test_a_unit_sees_only_its_own_sheet_until_the_results_are_published(opened, users, tree, login):
    client = login(users.unit_admin)
    page = text(client.get(f"/assessment/rounds/{opened.id}/"))
    assert "市发改委机关党委 的考核表" in page and "市民政局机关党总支" not in page
    assert client.get(sheet(opened, tree.unit)).status_code == 200
    assert client.get(sheet(opened, tree.far_unit)).status_code == 404
    assert client.get(f"/assessment/rounds/{opened.id}/?org=abc").status_code == 404
    assert login(users.outsider).get(sheet(opened, tree.unit)).status_code == 404


def test_the_committee_sees_the_whole_table_with_ranks_and_grades(
    opened, users, tree, login, values
):
    values["meetings.compliance"] = {tree.unit.pk: Decimal("90"), tree.far_unit.pk: Decimal("60")}
    page = text(login(users.committee_admin).get(f"/assessment/rounds/{opened.id}/"))
    assert "类别内名次" in page and "市发改委机关党委" in page and "市民政局机关党总支" in page
    assert page.index("市发改委机关党委") < page.index("市民政局机关党总支")  # 9 before 6
    assert "结束自评，开始评审" in page


@pytest.mark.parametrize("user", ["leader", "unit_admin", "secretary"])
def test_only_the_runners_move_the_round_on(opened, users, login, user):
    response = login(getattr(users, user)).post(f"/assessment/rounds/{opened.id}/step/")
    assert response.status_code in (403, 404)
    assert Round.objects.get(pk=opened.pk).status == RoundStatus.SELF


def test_a_unit_self_assesses_on_its_sheet_and_a_wrong_score_is_explained(
    opened, users, tree, scheme, login
):
    client = login(users.unit_admin)
    serve = item(scheme, "服务群众")
    page = text(client.get(sheet(opened, tree.unit)))
    assert "保存自评" in page and "组织生活按期完成率（各类合计）（%）" in page
    response = client.post(
        f"/assessment/rounds/{opened.id}/{serve.id}/self/",
        {"org": tree.unit.id, "points": "7", "note": "开展志愿服务 12 次"},
        follow=True,
    )
    assert "已保存“服务群众”" in " ".join(flash(response))
    assert "自评 7.00 分：开展志愿服务 12 次" in text(response)
    response = client.post(
        f"/assessment/rounds/{opened.id}/{serve.id}/self/",
        {"org": tree.unit.id, "points": "80"},
        follow=True,
    )
    assert "“服务群众”：评分应在 0 到 8 分之间" in " ".join(flash(response))
    assert Entry.objects.get(round=opened, org=tree.unit, indicator=serve).self_points == Decimal(7)
    outsider = login(users.outsider).post(
        f"/assessment/rounds/{opened.id}/{serve.id}/self/", {"org": tree.unit.id, "points": "8"}
    )
    assert outsider.status_code == 404


def test_reviewers_score_adjust_and_record_findings_on_the_sheet(
    opened, users, tree, scheme, login, values
):
    values["meetings.compliance"] = {tree.unit.pk: Decimal("50")}
    client = login(users.committee_admin)
    rounds.round_advance(actor=users.committee_admin, round_=opened)
    page = text(client.get(sheet(opened, tree.unit)))
    assert "保存评审" in page and "调整按记录计算的得分" in page and "记录否决事项" in page
    client.post(
        f"/assessment/rounds/{opened.id}/{item(scheme, '服务群众').id}/review/",
        {"org": tree.unit.id, "points": "6", "reason": "材料齐全"},
    )
    response = client.post(
        f"/assessment/rounds/{opened.id}/{item(scheme, '组织生活').id}/adjust/",
        {"org": tree.unit.id, "points": "7"},
        follow=True,
    )
    assert "调整理由" in " ".join(flash(response))  # a required field
    client.post(
        f"/assessment/rounds/{opened.id}/{item(scheme, '组织生活').id}/adjust/",
        {"org": tree.unit.id, "points": "7", "reason": "补录纸质记录"},
    )
    client.post(
        f"/assessment/rounds/{opened.id}/{item(scheme, '督办未反馈').id}/finding/",
        {"org": tree.unit.id, "description": "发生严重违纪案件", "source": "纪检通报 2026-11"},
    )
    page = text(client.get(sheet(opened, tree.unit)))
    assert "经调整，按记录计算为 5.00" in page and "理由：补录纸质记录" in page
    assert "发生严重违纪案件（纪检通报 2026-11）" in page and "触发一票否决" in page
    assert Finding.objects.count() == 1
    assert (
        login(users.leader)
        .post(
            f"/assessment/rounds/{opened.id}/{item(scheme, '服务群众').id}/review/",
            {"org": tree.unit.id, "points": "8"},
        )
        .status_code
        == 403
    )


def test_a_round_is_created_from_a_published_scheme(scheme, users, login):
    client = login(users.committee_admin)
    assert "组织考核" in text(client.get(f"/assessment/{scheme.id}/"))
    response = client.post(
        f"/assessment/{scheme.id}/rounds/new/",
        {
            "name": "2026 年第四季度日常监督",
            "kind": "quarterly",
            "starts_on": "2026-10-01",
            "ends_on": "2026-09-30",
        },
    )
    assert "考核期结束日期不能早于开始日期" in text(response)
    assert 'value="2026 年第四季度日常监督"' in text(response)
    response = client.post(
        f"/assessment/{scheme.id}/rounds/new/",
        {
            "name": "2026 年第四季度日常监督",
            "kind": "quarterly",
            "starts_on": "2026-10-01",
            "ends_on": "2026-12-31",
        },
    )
    created = Round.objects.get(name="2026 年第四季度日常监督")
    assert response.url == f"/assessment/rounds/{created.id}/"
    assert (created.starts_on, created.status) == (date(2026, 10, 1), RoundStatus.DRAFT)
    assert login(users.leader).get(f"/assessment/{scheme.id}/rounds/new/").status_code == 403
