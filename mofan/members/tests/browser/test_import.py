"""Roster import: a file with a merged title row and bad rows imports nothing and lists every
bad row; the corrected file is previewed, then committed, and the list shows the new members."""

from datetime import date

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from mofan.members import idcard
from mofan.members.models import Member

pytestmark = pytest.mark.browser

HEADERS = ["序号", "姓名", "性别", "公民身份号码", "人员类别", "所在支部", "入党日期", "转正日期"]
ZHANG = idcard.make("110105", date(1985, 3, 12), 123, "male")
LI = idcard.make("320102", date(1996, 11, 2), 48, "female")
WANG = idcard.make("440106", date(1979, 1, 30), 7, "male")
# The same number with a wrong last character: what a typo in the check digit looks like.
LI_TYPO = LI[:17] + ("0" if LI[17] != "0" else "1")


def roster(path, rows):
    """An .xlsx the way units keep it: a merged title and a merged note above the header row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["市发改委机关党委党员花名册"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet.append(["填报单位：市发改委机关党委（盖章）        填报日期：2025年6月30日"])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(HEADERS))
    sheet.append(HEADERS)
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    workbook.save(path)
    return path


def rows(li_number, wang_branch):
    return [
        ["张伟", "男", ZHANG, "正式党员", "发改委第一党支部", date(2012, 7, 1), "2013/7/1"],
        ["李娜", "女", li_number, "预备党员", "发改委第二党支部", "2025年3月1日", None],
        ["王强", "男", WANG, "正式党员", wang_branch, "2005-06-20", "2006-06-20"],
    ]


def upload(page, path):
    page.get_by_label("花名册（.xlsx、.xls 或 .ods）").set_input_files(str(path))
    page.get_by_role("button", name="上传并预览").click()


def test_it_lists_every_bad_row_then_imports_the_corrected_file(
    page, users, tree, log_in, tmp_path
):
    log_in(page, users.unit_admin)
    page.goto("/members/")
    page.get_by_role("link", name="导入花名册").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("导入党员花名册")

    upload(page, roster(tmp_path / "花名册（有错）.xlsx", rows(LI_TYPO, "发改委第九党支部")))

    expect(page.get_by_role("heading", level=2)).to_have_text("文件中有 2 处错误，未导入任何数据")
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(2)
    expect(errors.nth(0).locator("td")).to_have_text(
        ["5", "公民身份号码", f"公民身份号码校验位错误（最后一位应为 {LI[17]}），请核对"]
    )
    expect(errors.nth(1).locator("td")).to_have_text(
        ["6", "所在支部", "找不到您管理范围内的支部“发改委第九党支部”"]
    )
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    assert not Member.objects.exists()

    upload(page, roster(tmp_path / "花名册.xlsx", rows(LI, "发改委第一党支部")))

    expect(page.get_by_role("heading", level=2)).to_have_text("预览：将新增 3 人，更新 0 人")
    preview = page.locator("main table tbody tr")
    expect(preview).to_have_count(3)
    expect(preview.nth(1).locator("td")).to_have_text(["5", "李娜", "发改委第二党支部", "新增"])
    assert not Member.objects.exists()  # the preview writes nothing

    page.get_by_role("button", name="确认导入").click()

    expect(page.locator(".flash")).to_have_text("导入完成：新增 3 人，更新 0 人")
    expect(page.get_by_role("heading", level=1)).to_have_text("党员信息")
    listed = page.locator("main table tbody tr")
    expect(listed).to_have_count(3)
    for name, number, category in [
        ("张伟", ZHANG, "正式党员"),
        ("李娜", LI, "预备党员"),
        ("王强", WANG, "正式党员"),
    ]:
        row = listed.filter(has=page.get_by_role("link", name=name, exact=True))
        expect(row.locator("code")).to_have_text(idcard.mask(number))
        expect(row).to_contain_text(category)
    expect(page.locator("main")).not_to_contain_text(LI)  # only the masked number is shown
    assert idcard.mask(LI) == f"{LI[:6]}********{LI[-4:]}"
    li = Member.objects.get(name="李娜")
    assert (li.org, li.joined_on, li.sex) == (tree.other_branch, date(2025, 3, 1), "female")
