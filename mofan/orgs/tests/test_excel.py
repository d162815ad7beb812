import io
import re
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from mofan.core.access import SYSTEM
from mofan.core.excel import parse_date
from mofan.core.models import AuditLog
from mofan.orgs.excel import COLUMNS
from mofan.orgs.models import Org
from mofan.orgs.services import org_dissolve, org_update

HEADERS = [header for header, _ in COLUMNS]


def read_back(response):
    return load_workbook(io.BytesIO(response.content)).active


def rows_of(sheet, first=3):
    return [list(row) for row in sheet.iter_rows(min_row=first, values_only=True)]


def xlsx(rows, headers=None, title="市直机关党组织导入表", name="orgs.xlsx"):
    """An upload: an optional title row, a header row, then the rows (dicts by header)."""
    headers = headers or ["组织名称", "组织编码", "组织类型", "上级组织编码"]
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def upload(client, file):
    return client.post("/orgs/import/", {"file": file})


def error_rows(response) -> list[tuple[int, str, str]]:
    table = response.content.decode().split('id="import-errors"')[1]
    return [
        (int(row), column, reason)
        for row, column, reason in re.findall(
            r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", table
        )
    ]


def row(name, code, org_type, parent, **more):
    return {
        "组织名称": name,
        "组织编码": code,
        "组织类型": org_type,
        "上级组织编码": parent,
        **more,
    }


# --- export ------------------------------------------------------------------------------


def test_it_exports_a_sub_tree_with_one_row_per_org_and_its_parent_code(tree, users, login):
    org_update(
        actor=SYSTEM, org=tree.branch, term_start=date(2024, 1, 1), term_end=date(2027, 1, 1)
    )
    org_dissolve(actor=SYSTEM, org=tree.other_branch, reason="合并")

    response = login(users.unit_admin).get(f"/orgs/{tree.unit.id}/export.xlsx")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = read_back(response)
    assert sheet["A1"].value == "市发改委机关党委组织体系"
    assert [c.value for c in sheet[2]] == [*HEADERS, "状态"]
    rows = rows_of(sheet)
    assert [(r[2], r[4], r[10]) for r in rows] == [
        ("U1", "ROOT", "正常"),
        ("U1-B1", "U1", "正常"),
        ("U1-B1-G1", "U1-B1", "正常"),
        ("U1-B2", "U1", "已撤销"),
    ]
    branch = rows[1]
    assert branch[0] == "发改委第一党支部"
    assert branch[3] == "党支部"
    assert branch[5] == "市发改委"
    assert branch[8] == datetime(2024, 1, 1) and branch[9] == datetime(2027, 1, 1)


def test_it_records_each_export_in_the_audit_log(tree, users, login):
    login(users.secretary).get(f"/orgs/{tree.branch.id}/export.xlsx")
    entry = AuditLog.objects.get(action="org.export")
    assert entry.username == "secretary"
    assert entry.target_id == str(tree.branch.id)
    assert entry.detail == "导出 2 个组织"


def test_it_exports_only_the_users_sub_tree(tree, users, login):
    response = login(users.secretary).get(f"/orgs/{tree.branch.id}/export.xlsx")
    assert [r[2] for r in rows_of(read_back(response))] == ["U1-B1", "U1-B1-G1"]
    assert login(users.secretary).get(f"/orgs/{tree.unit.id}/export.xlsx").status_code == 404


def test_it_exports_a_file_the_import_reads_back(tree, users, login):
    exported = read_back(login(users.committee_admin).get(f"/orgs/{tree.far_unit.id}/export.xlsx"))
    for sheet_row in exported.iter_rows(min_row=3):
        sheet_row[2].value = f"COPY-{sheet_row[2].value}"
        if sheet_row[4].value != "ROOT":
            sheet_row[4].value = f"COPY-{sheet_row[4].value}"
    buffer = io.BytesIO()
    exported.parent.save(buffer)

    response = upload(
        login(users.committee_admin), SimpleUploadedFile("copy.xlsx", buffer.getvalue())
    )

    assert response.status_code == 302
    copy = Org.objects.get(code="COPY-U2-B1")
    assert Org.objects.get_parent(copy).code == "COPY-U2"
    assert Org.objects.get_parent(Org.objects.get(code="COPY-U2")) == tree.committee


# --- import: a good file -----------------------------------------------------------------


def test_it_imports_a_good_file_with_parents_earlier_in_the_file_or_existing(tree, users, login):
    headers = [
        "上级组织编码",
        "组织类型",
        "组织编码",
        "成立日期",
        "组织名称",
        "任期开始",
        "任期届满",
        "所在单位",
    ]
    file = xlsx(
        [
            row("市财政局机关党委", "U3", "机关党委", "ROOT", **{"成立日期": date(2019, 7, 1)}),
            row(
                "财政局第一党支部",
                "U3-B1",
                "党支部",
                "U3",
                **{"任期开始": "2019/7/1", "任期届满": "2022年7月1日"},
            ),
            row("财政局第一党小组", "U3-B1-G1", "党小组", "U3-B1", **{"所在单位": "市财政局"}),
            row(
                "发改委第三党支部",
                "U1-B3",
                "党支部",
                "U1",
                **{"任期开始": "2024-03-01", "任期届满": "20270301"},
            ),
        ],
        headers=headers,
    )

    client = login(users.committee_admin)
    response = upload(client, file)

    assert response.status_code == 302
    assert "导入成功，共新建 4 个组织" in client.get(response["Location"]).content.decode()
    unit = Org.objects.get(code="U3")
    assert Org.objects.get_parent(unit) == tree.committee
    assert unit.established_on == date(2019, 7, 1)
    branch = Org.objects.get(code="U3-B1")
    assert Org.objects.get_parent(branch) == unit
    assert (branch.term_start, branch.term_end) == (date(2019, 7, 1), date(2022, 7, 1))
    group = Org.objects.get(code="U3-B1-G1")
    assert Org.objects.get_parent(group) == branch and group.unit == "市财政局"
    assert Org.objects.get(code="U1-B3").term_end == date(2027, 3, 1)
    assert AuditLog.objects.filter(action="org.create", username="gwadmin").count() == 4
    assert AuditLog.objects.get(action="org.import").detail == "导入组织 4 个"


def test_it_finds_the_header_row_below_several_title_rows(tree, users, login):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["市发改委党组织情况统计表"])
    sheet.merge_cells("A1:D1")
    sheet.append(["填报单位：市发改委机关党委", None, "填报日期：2025年1月"])
    sheet.append([])
    sheet.append(["组织编码 ", "组织 名称", "组织类型*", "上级组织编码", "备注"])
    sheet.append(["U1-B3", "发改委第三党支部", "党支部", "U1", "新设"])
    sheet.append([None, None, None, None, None])
    sheet.append(["U1-B4", "发改委第四党支部", "联合支部", "U1", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    file = SimpleUploadedFile("统计表.xlsx", buffer.getvalue())

    response = upload(login(users.unit_admin), file)

    assert response.status_code == 302
    assert Org.objects.get(code="U1-B3").name == "发改委第三党支部"
    assert Org.objects.get(code="U1-B4").get_org_type_display() == "联合支部"


def test_it_reads_headers_marked_required_with_a_star(tree, users, login):
    headers = ["组织名称*", "组织编码*", "组织类型*", "上级组织编码*", "简称"]
    file = xlsx(
        [
            {
                "组织名称*": "发改委第三党支部",
                "组织编码*": "U1-B3",
                "组织类型*": "党支部",
                "上级组织编码*": "U1",
                "简称": "三支部",
            }
        ],
        headers=headers,
        title=None,
    )
    response = upload(login(users.unit_admin), file)
    assert response.status_code == 302
    assert Org.objects.get(code="U1-B3").short_name == "三支部"


def test_it_imports_codes_and_sort_orders_typed_as_numbers(tree, users, login):
    file = xlsx(
        [row("发改委第三党支部", 2024001, "党支部", "U1", **{"排序号": 3})],
        headers=["组织名称", "组织编码", "组织类型", "上级组织编码", "排序号"],
    )
    assert upload(login(users.unit_admin), file).status_code == 302
    assert Org.objects.get(code="2024001").sort_order == 3


# --- import: a bad file imports nothing and lists every bad row --------------------------


def test_it_lists_every_bad_row_and_imports_nothing(tree, users, login):
    headers = [
        "组织名称",
        "组织编码",
        "组织类型",
        "上级组织编码",
        "成立日期",
        "任期开始",
        "任期届满",
    ]
    file = xlsx(
        [
            row("发改委第三党支部", "U1-B3", "党支部", "U1"),  # row 3: good
            row("发改委党委会", "U1-X", "党委会", "U1"),  # row 4: bad type
            row("没有编码的支部", None, "党支部", "U1"),  # row 5: missing code
            row("重复编码的支部", "U1-B3", "党支部", "U1"),  # row 6: duplicate in file
            row("已存在的支部", "U1-B1", "党支部", "U1"),  # row 7: code in the database
            row("找不到上级的支部", "U1-B5", "党支部", "NOPE"),  # row 8: unknown parent
            row("民政局的支部", "U2-B9", "党支部", "U2"),  # row 9: parent outside scope
            row("日期错误的支部", "U1-B6", "党支部", "U1", **{"成立日期": "2019-13-45"}),  # 10
            row("机关党委下的小组", "U1-G1", "党小组", "U1"),  # row 11: type does not fit
            row(
                "任期倒置的支部",
                "U1-B7",
                "党支部",
                "U1",
                **{"任期开始": "2024-01-01", "任期届满": "2023-01-01"},
            ),  # 12
            row("上级在后面的小组", "U1-B8-G1", "党小组", "U1-B8"),  # row 13: parent later
            row("在后面的支部", "U1-B8", "党支部", "U1"),  # row 14: good
        ],
        headers=headers,
    )

    client = login(users.unit_admin)
    audit_count = AuditLog.objects.count()
    response = upload(client, file)

    assert response.status_code == 200
    page = response.content.decode()
    assert "文件中有 10 处错误，未导入任何数据" in page
    type_names = "机关工委、机关党委、基层党委、党总支、党支部、联合支部、党小组"
    assert error_rows(response) == [
        (4, "组织类型", f"“党委会”不是有效的组织类型（{type_names}）"),
        (5, "组织编码", "必须填写"),
        (6, "组织编码", "与第 3 行重复"),
        (7, "组织编码", "“U1-B1”已存在于系统中"),
        (8, "上级组织编码", "找不到编码为“NOPE”的上级组织（须已存在或在本行之前）"),
        (9, "上级组织编码", "“U2”不在您的管理范围内或已撤销"),
        (10, "成立日期", "日期“2019-13-45”无法识别，请写成 2019-07-01、2019/7/1 或 2019年7月1日"),
        (11, "组织类型", "机关党委下不能设立党小组"),
        (12, "任期届满", "任期届满日期必须晚于任期开始日期"),
        (13, "上级组织编码", "找不到编码为“U1-B8”的上级组织（须已存在或在本行之前）"),
    ]
    assert Org.objects.count() == 7
    assert AuditLog.objects.count() == audit_count


def test_it_reports_several_faults_of_one_row_in_column_order(tree, users, login):
    headers = ["组织名称", "组织编码", "组织类型", "上级组织编码", "排序号", "任期届满"]
    file = xlsx(
        [
            {
                "组织名称": "",
                "组织编码": "X1",
                "组织类型": "支部",
                "上级组织编码": "",
                "排序号": "第一",
                "任期届满": "明年",
            }
        ],
        headers=headers,
    )
    response = upload(login(users.committee_admin), file)
    assert [(r, c) for r, c, _ in error_rows(response)] == [
        (3, "组织名称"),
        (3, "组织类型"),
        (3, "上级组织编码"),
        (3, "排序号"),
        (3, "任期届满"),
    ]


def test_it_refuses_a_dissolved_parent(tree, users, login):
    org_dissolve(actor=SYSTEM, org=tree.other_branch, reason="合并")
    response = upload(login(users.unit_admin), xlsx([row("小组", "G9", "党小组", "U1-B2")]))
    assert error_rows(response) == [(3, "上级组织编码", "“U1-B2”不在您的管理范围内或已撤销")]


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("简称", "简" * 51, "50"),
        ("所在单位", "单" * 101, "100"),
        ("排序号", 10**20, "确保该值小于或等于"),
    ],
)
def test_it_lists_a_value_too_long_or_large_with_its_row_and_column(
    tree, users, login, column, value, reason
):
    headers = ["组织名称", "组织编码", "组织类型", "上级组织编码", column]
    file = xlsx(
        [
            row("发改委第三党支部", "U1-B3", "党支部", "U1"),
            row("发改委第四党支部", "U1-B4", "党支部", "U1", **{column: value}),
        ],
        headers=headers,
    )
    response = upload(login(users.unit_admin), file)
    assert response.status_code == 200
    errors = error_rows(response)
    assert [(r, c) for r, c, _ in errors] == [(4, column)]
    assert reason in errors[0][2]
    assert not Org.objects.filter(code__in=["U1-B3", "U1-B4"]).exists()


# --- import: files that cannot be read ---------------------------------------------------


def test_it_refuses_a_file_that_is_not_xlsx(tree, users, login):
    file = SimpleUploadedFile("orgs.csv", "组织名称,组织编码\n".encode())
    response = upload(login(users.committee_admin), file)
    assert response.status_code == 200
    assert (
        "请上传 Excel 文件（.xlsx、.xls）或 WPS / LibreOffice 表格（.ods）"
        in response.content.decode()
    )


def test_it_refuses_a_broken_xlsx_file(tree, users, login):
    response = upload(login(users.committee_admin), SimpleUploadedFile("orgs.xlsx", b"not a zip"))
    assert (
        "无法读取该文件，请确认是 Excel（.xlsx、.xls）或 .ods 表格文件" in response.content.decode()
    )


def test_it_refuses_a_file_without_the_required_headers(tree, users, login):
    file = xlsx([{"组织名称": "支部"}], headers=["组织名称", "组织编码"])
    response = upload(login(users.committee_admin), file)
    assert "没有找到表头行：表头须包含 组织名称、组织编码、组织类型、上级组织编码" in (
        response.content.decode()
    )


def test_it_refuses_a_file_without_data_rows(tree, users, login):
    response = upload(login(users.committee_admin), xlsx([]))
    assert "文件中没有数据行" in response.content.decode()
    assert Org.objects.count() == 7


def test_it_asks_for_a_file(tree, users, login):
    response = login(users.committee_admin).post("/orgs/import/", {"file": ""})
    assert response.status_code == 200
    assert "请选择要上传的Excel 文件" in response.content.decode()
    assert Org.objects.count() == 7


# --- template ----------------------------------------------------------------------------


def test_it_offers_a_template_that_imports_once_filled_in(tree, users, login):
    client = login(users.unit_admin)
    response = client.get("/orgs/import/template.xlsx")
    assert response.status_code == 200
    sheet = read_back(response)
    assert [c.value for c in sheet[2]] == HEADERS

    sheet["C3"] = "U1-B3"
    sheet["E3"] = "U1"
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    assert upload(client, SimpleUploadedFile("模板.xlsx", buffer.getvalue())).status_code == 302
    created = Org.objects.get(code="U1-B3")
    assert created.name == "市XX局机关第一党支部"
    assert created.term_end == date(2027, 1, 1)


def test_it_links_the_template_from_the_import_page(tree, users, login):
    page = login(users.unit_admin).get("/orgs/import/").content.decode()
    assert "/orgs/import/template.xlsx" in page


# --- date parsing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-07-01", date(2019, 7, 1)),
        ("2019/7/1", date(2019, 7, 1)),
        ("2019.7.1", date(2019, 7, 1)),
        ("2019年7月1日", date(2019, 7, 1)),
        ("2019年7月1", date(2019, 7, 1)),
        (" 20190701 ", date(2019, 7, 1)),
        (datetime(2019, 7, 1, 0, 0), date(2019, 7, 1)),
        (date(2019, 7, 1), date(2019, 7, 1)),
        ("", None),
        (None, None),
    ],
)
def test_it_reads_dates_as_units_write_them(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["2019-02-30", "七月一日", "2019-7", "43647"])
def test_it_refuses_a_date_it_cannot_read(value):
    with pytest.raises(ValueError, match="无法识别"):
        parse_date(value)
