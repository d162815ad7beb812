"""Roster (花名册) import with preview and commit, the template and the export.

The files are built the way units keep them: a merged title row and merged group headings
above the header row, the columns in any order, dates as real date cells or as text.
"""

import io
import os
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from mofan.core.errors import ApplicationError
from mofan.core.models import AuditLog
from mofan.members import crypto, idcard
from mofan.members.excel import check_roster, commit_roster
from mofan.members.models import Category, Education, Member
from mofan.members.tests.conftest import new_id_number

HEADERS = [
    "入党日期",
    "姓名",
    "所在支部",
    "公民身份号码",
    "人员类别",
    "性别",
    "出生日期",
    "联系电话",
]
FIRST_ROW = 4  # title row, group headings, header row, then data


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def roster_bytes(rows: list[dict], headers=HEADERS) -> bytes:
    """A workbook: row 1 a merged title, row 2 merged group headings, row 3 the headers."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["市发改委机关党员花名册（2024 年）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.append(["基本信息", None, None, "党籍信息"])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=3)
    sheet.merge_cells(start_row=2, start_column=4, end_row=2, end_column=len(headers))
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def person(tree_org, **cells) -> dict:
    born = cells.pop("born", date(1985, 6, 15))
    sex = cells.pop("sex", "male")
    row = {
        "入党日期": datetime(2010, 7, 1),
        "姓名": "张三",
        "所在支部": tree_org.name,
        "公民身份号码": new_id_number(born, sex),
        "人员类别": "正式党员",
        "性别": "男" if sex == "male" else "女",
        "出生日期": datetime(born.year, born.month, born.day),
        "联系电话": "13800138000",
    }
    row.update(cells)
    return row


def check(actor, rows, headers=HEADERS):
    return check_roster(actor=actor, upload=io.BytesIO(roster_bytes(rows, headers)))


def errors_of(checked) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.reason) for e in checked.errors]


def upload(rows, headers=HEADERS, name="花名册.xlsx"):
    return SimpleUploadedFile(name, roster_bytes(rows, headers))


def plain_numbers() -> set[str]:
    return {crypto.decrypt(c) for c in Member.objects.values_list("id_number_cipher", flat=True)}


# --- a clean import ------------------------------------------------------------------------


def test_it_reads_a_real_looking_roster_with_dates_as_cells_and_as_text(tree, users):
    rows = [
        person(tree.branch, 姓名="王一"),
        person(tree.branch, 姓名="王二", 入党日期="2019/7/1", 出生日期="1985/6/15"),
        person(tree.other_branch, 姓名="王三", 入党日期="2019年7月1日", 出生日期="1985年6月15日"),
        person(tree.other_branch, 姓名="王四", 入党日期="2019-07-01", 出生日期=None, 性别=None),
        person(tree.branch, 姓名="王五", 人员类别="预备", 入党日期=" 2024.3.5 ", sex="female"),
    ]
    checked = check(users.unit_admin, rows)
    assert errors_of(checked) == []
    assert [r.row for r in checked.to_create] == [4, 5, 6, 7, 8]
    assert commit_roster(actor=users.unit_admin, checked=checked) == (5, 0)
    joined = dict(Member.objects.values_list("name", "joined_on"))
    assert joined == {
        "王一": date(2010, 7, 1),
        "王二": date(2019, 7, 1),
        "王三": date(2019, 7, 1),
        "王四": date(2019, 7, 1),
        "王五": date(2024, 3, 5),
    }
    wang4 = Member.objects.get(name="王四")
    assert (wang4.birth_date, wang4.sex, wang4.org) == (
        date(1985, 6, 15),
        "male",
        tree.other_branch,
    )
    wang5 = Member.objects.get(name="王五")
    assert (wang5.category, wang5.sex, wang5.phone) == (
        Category.PROBATIONARY,
        "female",
        "13800138000",
    )
    assert plain_numbers() == {r["公民身份号码"] for r in rows}
    entry = AuditLog.objects.get(action="member.import")
    assert "新增 5 人" in entry.detail
    assert AuditLog.objects.filter(action="member.create").count() == 5


def test_it_accepts_aliases_codes_and_optional_columns(tree, users):
    headers = ["身份证号", "姓名", "支部", "类别", "入党日期", "学历", "党费基数", "困难党员"]
    row = {
        "身份证号": new_id_number(date(1970, 1, 1), "female"),
        "姓名": "钱七",
        "支部": tree.branch.code,
        "类别": "正式",
        "入党日期": "1995-07-01",
        "学历": "研究生",
        "党费基数": 5400,
        "困难党员": "是",
    }
    checked = check(users.secretary, [row], headers)
    assert checked.ok, errors_of(checked)
    commit_roster(actor=users.secretary, checked=checked)
    member = Member.objects.get()
    assert (member.org, member.education, member.is_hardship) == (
        tree.branch,
        Education.POSTGRADUATE,
        True,
    )
    assert member.dues_base == Decimal("5400.00")
    assert (member.birth_date, member.sex) == (date(1970, 1, 1), "female")


def test_it_updates_a_member_already_on_record(tree, users, make_member):
    existing = make_member(tree.branch, name="旧名字", phone="13500000000")
    number = crypto.decrypt(existing.id_number_cipher)
    rows = [
        person(tree.branch, 姓名="新名字", 公民身份号码=number, 联系电话="13600000000"),
        person(tree.branch, 姓名="新人"),
    ]
    checked = check(users.secretary, rows)
    assert checked.ok, errors_of(checked)
    assert [r.existing for r in checked.to_update] == [existing]
    assert len(checked.to_create) == 1
    assert commit_roster(actor=users.secretary, checked=checked) == (1, 1)
    existing.refresh_from_db()
    assert (existing.name, existing.phone) == ("新名字", "13600000000")
    assert Member.objects.count() == 2
    assert AuditLog.objects.filter(action="member.update", target_id=str(existing.id)).exists()


def test_it_updates_only_the_columns_the_file_has(tree, users, make_member):
    existing = make_member(
        tree.branch,
        phone="13500000000",
        work_unit="市发改委",
        education=Education.BACHELOR,
        dues_base=Decimal("5400"),
    )
    headers = ["姓名", "公民身份号码", "人员类别", "所在支部", "入党日期"]
    row = person(
        tree.branch, 姓名="只改名字", 公民身份号码=crypto.decrypt(existing.id_number_cipher)
    )
    checked = check(users.secretary, [row], headers)
    assert checked.ok, errors_of(checked)
    commit_roster(actor=users.secretary, checked=checked)
    existing.refresh_from_db()
    assert existing.name == "只改名字"
    assert (existing.phone, existing.work_unit, existing.education, existing.dues_base) == (
        "13500000000",
        "市发改委",
        Education.BACHELOR,
        Decimal("5400.00"),
    )
    assert existing.full_member_on == date(2011, 7, 1)


def test_it_updates_a_member_when_the_birth_date_and_sex_cells_are_blank(tree, users, make_member):
    existing = make_member(tree.branch, name="旧名字")
    row = person(
        tree.branch,
        姓名="新名字",
        公民身份号码=crypto.decrypt(existing.id_number_cipher),
        出生日期=None,
        性别=None,
    )
    checked = check(users.secretary, [row])
    assert checked.ok, errors_of(checked)
    commit_roster(actor=users.secretary, checked=checked)
    existing.refresh_from_db()
    assert (existing.name, existing.birth_date, existing.sex) == (
        "新名字",
        date(1985, 6, 15),
        "male",
    )


# --- one bad row: nothing imported, every bad row listed ----------------------------------


def test_it_lists_every_bad_row_and_imports_nothing(tree, users, make_member):
    outside = make_member(tree.far_branch)
    good = person(tree.branch, 姓名="好人")
    wrong_check = good_number = new_id_number()
    wrong_check = good_number[:17] + ("0" if good_number[17] != "0" else "1")
    twice = new_id_number()
    rows = [
        good,  # row 4
        person(tree.branch, 姓名="校验位错", 公民身份号码=wrong_check),  # 5
        person(tree.branch, 姓名="重复甲", 公民身份号码=twice),  # 6
        person(tree.branch, 姓名="重复乙", 公民身份号码=twice),  # 7
        person(
            tree.branch, 姓名="外单位", 公民身份号码=crypto.decrypt(outside.id_number_cipher)
        ),  # 8
        person(tree.branch, 姓名="无此支部", 所在支部="不存在的党支部"),  # 9
        person(tree.branch, 姓名="日期错", 入党日期="2019年13月1日"),  # 10
        person(tree.branch, 姓名=None),  # 11
        person(tree.branch, 姓名="未满十八", 入党日期="2003-06-14", born=date(1985, 6, 15)),  # 12
        person(tree.branch, 姓名="生日不符", 出生日期="1985-06-16"),  # 13
        person(tree.branch, 姓名="类别错", 人员类别="党员"),  # 14
        person(tree.branch, 姓名="缺入党日期", 入党日期=None),  # 15
    ]
    checked = check(users.unit_admin, rows)
    found = errors_of(checked)
    assert not checked.ok
    by_row = {row: (column, reason) for row, column, reason in found}
    assert 4 not in by_row
    assert by_row[5][0] == "公民身份号码" and "校验位错误" in by_row[5][1]
    assert 6 not in by_row
    assert by_row[7] == ("公民身份号码", "与第 6 行重复")
    assert by_row[8][0] == "公民身份号码" and "不在您的管理范围内" in by_row[8][1]
    assert by_row[9] == ("所在支部", "找不到您管理范围内的支部“不存在的党支部”")
    assert by_row[10][0] == "入党日期" and "2019年13月1日" in by_row[10][1]
    assert by_row[11] == ("姓名", "必须填写")
    assert by_row[12][0] == "入党日期" and "年满 18 岁" in by_row[12][1]
    assert by_row[13] == ("出生日期", "出生日期与公民身份号码不一致")
    assert by_row[14][0] == "人员类别" and "“党员”不是有效的值" in by_row[14][1]
    assert by_row[15] == ("入党日期", "必须填写")
    assert sorted(by_row) == list(range(5, 6)) + list(range(7, 16))
    with pytest.raises(ApplicationError):
        commit_roster(actor=users.unit_admin, checked=checked)
    assert Member.objects.count() == 1  # only the one made before


def test_it_refuses_a_branch_outside_the_users_scope(tree, users):
    checked = check(users.secretary, [person(tree.other_branch)])
    assert errors_of(checked) == [
        (4, "所在支部", f"找不到您管理范围内的支部“{tree.other_branch.name}”")
    ]


def test_it_refuses_a_unit_as_the_branch(tree, users):
    checked = check(users.unit_admin, [person(tree.unit)])
    assert [e.column for e in checked.errors] == ["所在支部"]


def test_it_refuses_a_value_too_long_in_the_preview(tree, users):
    checked = check(users.unit_admin, [person(tree.branch, 联系电话="1" * 30)])
    assert [(e.row, e.column) for e in checked.errors] == [(4, "联系电话")]


def test_it_explains_a_missing_required_header(tree, users):
    headers = [h for h in HEADERS if h != "入党日期"]
    with pytest.raises(ApplicationError) as caught:
        check(users.unit_admin, [person(tree.branch)], headers)
    assert "入党日期" in caught.value.message
    assert "表头" in caught.value.message


def test_it_refuses_a_file_without_data_rows(tree, users):
    with pytest.raises(ApplicationError) as caught:
        check(users.unit_admin, [])
    assert "没有数据行" in caught.value.message


# --- the import page: preview, then commit ------------------------------------------------


def test_it_previews_then_imports_on_confirmation(tree, users, login, make_member, media):
    existing = make_member(tree.branch)
    rows = [
        person(tree.branch, 姓名="新甲"),
        person(tree.branch, 姓名="新乙"),
        person(tree.branch, 姓名="老党员", 公民身份号码=crypto.decrypt(existing.id_number_cipher)),
    ]
    client = login(users.secretary)
    response = client.post("/members/import/", {"file": upload(rows)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "将新增 2 人，更新 1 人" in page
    assert Member.objects.count() == 1
    token = response.context["token"]
    assert f'value="{token}"' in page
    response = client.post("/members/import/", {"token": token})
    assert response.status_code == 302
    assert Member.objects.count() == 3
    existing.refresh_from_db()
    assert existing.name == "老党员"
    assert not list(Path(media, "imports").iterdir())
    assert AuditLog.objects.filter(action="member.import", user=users.secretary).exists()
    # The token is spent: confirming again imports nothing more.
    response = client.post("/members/import/", {"token": token}, follow=True)
    assert "预览已过期" in response.content.decode()
    assert Member.objects.count() == 3


def test_it_shows_every_error_on_the_page_and_offers_no_confirmation(tree, users, login, media):
    rows = [
        person(tree.branch, 姓名="好人"),
        person(tree.branch, 姓名="日期错", 入党日期="某年某月"),
        person(tree.branch, 姓名="无此支部", 所在支部="第九党支部"),
    ]
    response = login(users.unit_admin).post("/members/import/", {"file": upload(rows)})
    page = response.content.decode()
    assert "文件中有 2 处错误，未导入任何数据" in page
    assert "<td>5</td><td>入党日期</td>" in page
    assert "<td>6</td><td>所在支部</td><td>找不到您管理范围内的支部“第九党支部”</td>" in page
    assert 'name="token"' not in page
    assert not Member.objects.exists()
    assert not list(Path(media, "imports").iterdir())  # no copy of the numbers kept


def test_it_forgets_a_preview_left_unconfirmed_for_an_hour(tree, users, login, media):
    client = login(users.unit_admin)
    response = client.post("/members/import/", {"file": upload([person(tree.branch)])})
    (stored,) = Path(media, "imports").iterdir()
    two_hours_ago = time.time() - 7200
    os.utime(stored, (two_hours_ago, two_hours_ago))
    response = client.post("/members/import/", {"token": response.context["token"]}, follow=True)
    assert "预览已过期" in response.content.decode()
    assert not stored.exists()
    assert not Member.objects.exists()


def test_it_does_not_let_one_user_confirm_another_users_preview(tree, users, login):
    client = login(users.secretary)
    response = client.post("/members/import/", {"file": upload([person(tree.branch)])})
    token = response.context["token"]
    client = login(users.unit_admin)
    response = client.post("/members/import/", {"token": token}, follow=True)
    assert "预览已过期" in response.content.decode()
    assert not Member.objects.exists()


def test_it_refuses_a_forged_token(tree, users, login):
    response = login(users.unit_admin).post("/members/import/", {"token": "../../etc"})
    assert response.status_code == 403


def test_it_refuses_a_file_that_is_not_xlsx(tree, users, login):
    client = login(users.unit_admin)
    csv = SimpleUploadedFile("花名册.csv", "姓名,公民身份号码\n".encode())
    assert (
        "请上传 Excel 文件（.xlsx、.xls）或 WPS / LibreOffice 表格（.ods）"
        in client.post("/members/import/", {"file": csv}).content.decode()
    )
    fake = SimpleUploadedFile("花名册.xlsx", b"not a workbook")
    page = client.post("/members/import/", {"file": fake}).content.decode()
    assert "无法读取该文件" in page
    assert 'name="token"' not in page


def test_it_explains_a_missing_header_on_the_page(tree, users, login, media):
    headers = [h for h in HEADERS if h != "公民身份号码"]
    response = login(users.unit_admin).post(
        "/members/import/", {"file": upload([person(tree.branch)], headers)}
    )
    page = response.content.decode()
    assert "没有找到表头行" in page
    assert "公民身份号码" in page
    assert not list(Path(media, "imports").iterdir())


@pytest.mark.parametrize("who", ["leader", "member"])
def test_it_keeps_read_only_users_out_of_the_import(tree, users, login, who):
    client = login(getattr(users, who))
    assert client.get("/members/import/").status_code == 403
    assert (
        client.post("/members/import/", {"file": upload([person(tree.branch)])}).status_code == 403
    )
    assert not Member.objects.exists()


# --- template and export -----------------------------------------------------------------


def test_it_offers_a_template_that_imports_once_filled(tree, users, login):
    response = login(users.secretary).get("/members/import/template.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    headers = [c.value for c in sheet[2]]
    assert {"姓名", "公民身份号码", "人员类别", "所在支部", "入党日期"} <= set(headers)
    values = {
        "姓名": "模板人",
        "公民身份号码": idcard.make("110105", date(1980, 1, 1), 3, "male"),
        "人员类别": "正式党员",
        "所在支部": tree.branch.name,
        "入党日期": "2005-07-01",
    }
    sheet.append([values.get(h) for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    checked = check_roster(actor=users.secretary, upload=buffer)
    assert checked.ok, errors_of(checked)


def test_it_exports_masked_numbers_only(tree, users, login, make_member):
    member = make_member(tree.branch, name="导出人")
    response = login(users.secretary).get("/members/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[1]
    values = dict(zip(header, rows[2], strict=True))
    assert values["姓名"] == "导出人"
    assert values["公民身份号码（脱敏）"] == member.id_number_masked
    assert values["所在支部"] == tree.branch.name
    number = crypto.decrypt(member.id_number_cipher)
    assert all(number not in str(v) for row in rows for v in row)
