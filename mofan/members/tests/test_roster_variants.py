"""The roster import reads the headers and values units really write: 身份证号码（必填）,
所属党支部, 手机号, 本科, 预备, 男性, 2019.7.1, 20190701 and the like."""

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from mofan.members import crypto
from mofan.members.excel import check_roster, commit_roster
from mofan.members.models import Category, Education, Member
from mofan.members.tests.conftest import new_id_number


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def roster(headers: list[str], rows: list[list]) -> io.BytesIO:
    """A title row, then the headers, then the rows (data from row 3)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["党员花名册"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def errors_of(checked) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.reason) for e in checked.errors]


HEADERS = [
    "*姓名",
    "身份证号码（必填）",
    "所属党支部",
    "人员类别",
    "入党时间(yyyy-mm-dd)",
    "转正时间",
    "手机号",
    "全日制学历",
    "性别",
]


def test_it_imports_a_roster_with_variant_headers_and_values(tree, users):
    numbers = [
        new_id_number(date(1985, 6, 15), "male"),
        new_id_number(date(1990, 3, 1), "female"),
        new_id_number(date(1980, 1, 1), "male"),
        new_id_number(date(1975, 5, 5), "female"),
        new_id_number(date(1988, 8, 8), "male"),
    ]
    branch = tree.branch.name
    rows = [
        ["赵一", numbers[0], branch, "正式", "2019.7.1", "2020.7.1", "13800000001", "本科", "男性"],
        ["赵二", numbers[1], branch, "预备", "2024/3/5", None, "13800000002", "大专", "女性"],
        [
            "赵三",
            numbers[2],
            branch,
            "正式党员",
            "2005年7月1日",
            "2006年7月1日",
            None,
            "硕士",
            "男",
        ],
        ["赵四", numbers[3], branch, "正式", 20000701, "20010701", None, "博士研究生", None],
        ["赵五", numbers[4], branch, "正式", datetime(2012, 6, 1), "2013-6-1", None, "大学", None],
    ]
    checked = check_roster(actor=users.unit_admin, upload=roster(HEADERS, rows))
    assert errors_of(checked) == []
    assert [r.row for r in checked.to_create] == [3, 4, 5, 6, 7]
    assert commit_roster(actor=users.unit_admin, checked=checked) == (5, 0)
    stored = {
        m.name: (m.category, m.joined_on, m.full_member_on, m.phone, m.education, m.sex, m.org)
        for m in Member.objects.all()
    }
    assert stored == {
        "赵一": (
            Category.FULL,
            date(2019, 7, 1),
            date(2020, 7, 1),
            "13800000001",
            Education.BACHELOR,
            "male",
            tree.branch,
        ),
        "赵二": (
            Category.PROBATIONARY,
            date(2024, 3, 5),
            None,
            "13800000002",
            Education.COLLEGE,
            "female",
            tree.branch,
        ),
        "赵三": (
            Category.FULL,
            date(2005, 7, 1),
            date(2006, 7, 1),
            "",
            Education.POSTGRADUATE,
            "male",
            tree.branch,
        ),
        "赵四": (
            Category.FULL,
            date(2000, 7, 1),
            date(2001, 7, 1),
            "",
            Education.POSTGRADUATE,
            "female",
            tree.branch,
        ),
        "赵五": (
            Category.FULL,
            date(2012, 6, 1),
            date(2013, 6, 1),
            "",
            Education.BACHELOR,
            "male",
            tree.branch,
        ),
    }
    assert {
        crypto.decrypt(c) for c in Member.objects.values_list("id_number_cipher", flat=True)
    } == set(numbers)


@pytest.mark.parametrize(
    ("id_header", "org_header", "joined_header", "phone_header", "education_header"),
    [
        ("身份证号", "所在党支部", "入党日期", "手机", "文化程度"),
        ("公民身份证号", "党组织名称", "入党日期【必填】", "联系方式", "学历"),
        ("公民身份号码*", "所在　支部", " 入党时间 ", "联系电话", "文化程度（最高）"),
        ("身 份 证 号 码", "所在支部（必填）", "*入党时间", "手机号码", "学历"),
    ],
)
def test_it_matches_each_header_variant(
    tree, users, id_header, org_header, joined_header, phone_header, education_header
):
    headers = ["姓名", id_header, org_header, "类别", joined_header, phone_header, education_header]
    number = new_id_number(date(1985, 6, 15), "male")
    rows = [["孙一", number, tree.branch.code, "预备", "2024年1月2日", "13900000000", "硕士研究生"]]
    checked = check_roster(actor=users.unit_admin, upload=roster(headers, rows))
    assert errors_of(checked) == []
    commit_roster(actor=users.unit_admin, checked=checked)
    member = Member.objects.get()
    assert (member.org, member.category, member.joined_on, member.phone, member.education) == (
        tree.branch,
        Category.PROBATIONARY,
        date(2024, 1, 2),
        "13900000000",
        Education.POSTGRADUATE,
    )


def test_it_still_reports_a_bad_value_under_a_variant_header(tree, users):
    good = new_id_number(date(1985, 6, 15), "male")
    other = new_id_number(date(1986, 6, 15), "male")
    rows = [
        ["钱一", good, tree.branch.name, "正式", "2019.7.1", None, None, "本科", "男性"],
        ["钱二", other, tree.branch.name, "正式", "2019.13.1", None, None, "小学", "男生"],
        ["钱三", "123", "不存在的党支部", "党员", "2019.7.1", None, None, None, None],
    ]
    checked = check_roster(actor=users.unit_admin, upload=roster(HEADERS, rows))
    found = errors_of(checked)
    assert [(row, column) for row, column, _ in found] == [
        (4, "性别"),
        (4, "全日制学历"),
        (4, "入党时间(yyyy-mm-dd)"),
        (5, "身份证号码（必填）"),
        (5, "人员类别"),
        (5, "所属党支部"),
    ]
    reasons = dict(((row, column), reason) for row, column, reason in found)
    assert "“小学”不是有效的值" in reasons[(4, "全日制学历")]
    assert "研究生、大学本科、大学专科" in reasons[(4, "全日制学历")]
    assert "2019.13.1" in reasons[(4, "入党时间(yyyy-mm-dd)")]
    assert reasons[(4, "性别")] == "“男生”不是有效的值（男、女）"
    assert reasons[(5, "所属党支部")] == "找不到您管理范围内的支部“不存在的党支部”"
    assert not checked.ok
    assert Member.objects.count() == 0
