"""The score table workbook: grouped headers (areas over their items), one row per unit with
its rank, points, total and grade; who may take it, and its audit row."""

import io
from decimal import Decimal

from openpyxl import load_workbook

from mofan.assessment import rounds
from mofan.core.models import AuditLog


def workbook(response):
    return load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )


def test_the_score_table_groups_items_under_their_areas(users, tree, round_, values, login):
    values["meetings.compliance"] = {tree.unit.pk: Decimal("90"), tree.far_unit.pk: Decimal("70")}
    rounds.round_open(actor=users.committee_admin, round_=round_)
    response = login(users.committee_admin).get(f"/assessment/rounds/{round_.id}/export/")
    assert response.status_code == 200
    sheet = workbook(response).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "2026 年度考评得分表"
    assert rows[1][:5] == ("类别内名次", "单位", "类别", "基层组织", "作用发挥")
    assert rows[2][3:5] == ("组织生活（10分）", "服务群众（8分）")
    assert "D2:D2" not in {str(r) for r in sheet.merged_cells.ranges}
    assert rows[3][:4] == (1, "市发改委机关党委", None, 9)
    assert rows[3][-1] == "待评审" and rows[4][1] == "市民政局机关党总支"
    assert AuditLog.objects.filter(action="assessment.round_export").count() == 1


def test_units_take_the_table_only_once_it_is_published(users, round_, login, api):
    rounds.round_open(actor=users.committee_admin, round_=round_)
    assert login(users.unit_admin).get(f"/assessment/rounds/{round_.id}/export/").status_code == 403
    assert (
        api(users.unit_admin).get(f"/api/v1/assessment/rounds/{round_.id}/export").status_code
        == 403
    )
    rounds.round_advance(actor=users.committee_admin, round_=round_)
    rounds.round_advance(actor=users.committee_admin, round_=round_)
    assert login(users.unit_admin).get(f"/assessment/rounds/{round_.id}/export/").status_code == 200
    assert (
        api(users.unit_admin).get(f"/api/v1/assessment/rounds/{round_.id}/export").status_code
        == 200
    )
    assert (
        login(users.outsider).get(f"/assessment/rounds/{round_.id}/export/").status_code == 200
    )  # 公示 is public to the tree
