"""The ledger in Excel (title row, merged group headers, one row per task with owner, leader,
deadline, progress and status), the Word export of a plan, and the atomic import of a plan's
tasks from Excel: one bad row imports nothing and every bad row is listed."""

import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from openpyxl import Workbook, load_workbook

from mofan.plans import services
from mofan.plans.models import PlanItem, Task
from mofan.plans.tests.conftest import audits

HEADERS = [
    "方案事项",
    "任务",
    "责任单位",
    "责任人",
    "分管领导",
    "开始日期",
    "完成时限",
    "须佐证",
    "权重",
]


def workbook(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def merged(sheet) -> set[str]:
    return {str(r) for r in sheet.merged_cells.ranges}


def xlsx(rows, headers=HEADERS, title="2025年创建任务分解表"):
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("任务.xlsx", buffer.getvalue())


def upload(client, plan, file):
    return client.post(f"/plans/{plan.id}/import/", {"file": file})


def error_rows(response) -> list[tuple[str, str, str]]:
    table = re.search(r'<table id="import-errors">.*?</table>', response.content.decode(), re.S)
    assert table, "no error table"
    return re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", table.group(0))


# --- the ledger in Excel -----------------------------------------------------------------------


@pytest.fixture
def ledger(assign, split, tree, users, today):
    late = assign(
        tree.unit,
        "落实第一议题制度",
        target="每月不少于一次",
        owner_people="张三",
        leader="李副书记",
        start_on=date(today.year - 1, 1, 1),
        deadline=today - timedelta(days=5),
    )
    services.task_report(actor=users.unit_admin, task=late, text="推进", percent=40)
    parent = assign(tree.unit, "开展主题党日", owner_people="王五", leader="赵书记")
    first = split(parent, tree.branch, "第一支部主题党日", weight=Decimal(1))
    split(parent, tree.other_branch, "第二支部主题党日", weight=Decimal(3))
    services.task_report(actor=users.secretary, task=first, text="完成", percent=100)
    assign(tree.far_unit, "民政局的任务")
    return {"late": late, "parent": parent}


def test_it_exports_a_units_ledger_in_the_layout_units_hand_in(ledger, tree, users, login):
    sheet = workbook(login(users.unit_admin).get(f"/plans/tasks/?owner={tree.unit.id}&export=1"))
    assert sheet["A1"].value == f"{tree.unit.name}任务清单"
    assert "A1:L1" in merged(sheet)
    assert {"A2:E2", "F2:H2", "I2:J2", "K2:L2"} <= merged(sheet)
    assert [sheet.cell(2, c).value for c in (1, 6, 9, 11)] == ["任务信息", "责任", "时间", "进展"]
    headers = [c.value for c in sheet[3]]
    assert headers == [
        "序号",
        "方案",
        "方案事项",
        "任务",
        "目标要求",
        "责任单位",
        "责任人",
        "分管领导",
        "开始日期",
        "完成时限",
        "进度（%）",
        "状态",
    ]
    rows = {r[3]: r for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert set(rows) == {"落实第一议题制度", "开展主题党日", "第一支部主题党日", "第二支部主题党日"}
    late = rows["落实第一议题制度"]
    assert late[5:8] == (tree.unit.name, "张三", "李副书记")
    assert late[9].date() == ledger["late"].deadline
    assert (late[10], late[11]) == (40, "逾期")
    assert rows["开展主题党日"][10:] == (25, "进行中")
    assert rows["第一支部主题党日"][5] == tree.branch.name
    assert rows["第一支部主题党日"][11] == "待验收"


def test_it_exports_only_the_filtered_tasks(ledger, tree, users, login):
    response = login(users.committee_admin).get("/plans/tasks/?view=time&status=overdue&export=1")
    sheet = workbook(response)
    assert sheet["A1"].value == "时间清单"
    assert [r[3] for r in sheet.iter_rows(min_row=4, values_only=True)] == ["落实第一议题制度"]


def test_it_exports_a_secretary_only_the_branchs_tasks(ledger, users, login):
    sheet = workbook(login(users.secretary).get("/plans/tasks/?export=1"))
    assert [r[3] for r in sheet.iter_rows(min_row=4, values_only=True)] == ["第一支部主题党日"]


def test_it_exports_a_plans_ledger_with_rolled_up_progress(ledger, master, users, login):
    response = login(users.committee_admin).get(f"/plans/{master.id}/export/")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    sheet = workbook(response)
    assert sheet["A1"].value == f"{master.title}任务台账"
    rows = {r[3]: r for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert len(rows) == 5
    assert rows["开展主题党日"][10] == 25
    assert rows["民政局的任务"][1] == master.title
    [log] = audits("plan.export", master)
    assert log.detail == "xlsx"


# --- the plan in Word --------------------------------------------------------------------------


def test_it_exports_a_plan_as_a_word_document_with_its_task_table(
    ledger, master, users, login, tree
):
    item = services.plan_item_add(actor=users.committee_admin, plan=master, title="政治建设")
    services.task_create(
        actor=users.committee_admin,
        plan=master,
        item=item,
        owner_org=tree.far_unit,
        title="讲好专题党课",
        start_on=ledger["late"].start_on,
        deadline=ledger["late"].deadline,
    )
    response = login(users.leader).get(f"/plans/{master.id}/export/?format=docx")
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert ".docx" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == master.title
    assert "政治建设" in paragraphs and "其他任务" in paragraphs
    cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert cells[0] == [
        "序号",
        "任务",
        "目标要求",
        "责任单位",
        "责任人",
        "完成时限",
        "进度",
        "状态",
    ]
    by_title = {row[1]: row for row in cells}
    assert by_title["讲好专题党课"][3] == tree.far_unit.name
    assert by_title["讲好专题党课"][7] == "逾期"
    assert by_title["开展主题党日"][6] == "25%"
    assert "第一支部主题党日" not in by_title  # sub-tasks roll up into their parent's row
    assert audits("plan.export", master)[0].detail == "docx"


def test_it_refuses_both_exports_to_an_outsider(master, users, login, task):
    client = login(users.outsider)
    assert client.get(f"/plans/{master.id}/export/?format=docx").status_code == 404
    assert client.get(f"/plans/{master.id}/export/").status_code == 404


# --- import -----------------------------------------------------------------------------------


GOOD = [
    [
        "政治建设",
        "落实第一议题制度",
        "市发改委机关党委",
        "张三",
        "李副书记",
        "2025-01-01",
        "2025-06-30",
        "是",
        2,
    ],
    ["政治建设", "讲专题党课", "U1-B1", "", "", date(2025, 3, 1), "2025年9月30日", "", ""],
    [
        "理论武装",
        "建设学习型机关",
        "市民政局机关党总支",
        "",
        "",
        "2025/1/1",
        "2025/12/31",
        "否",
        "1.5",
    ],
]


def test_it_imports_a_plans_tasks_and_makes_missing_items(master, tree, users, login):
    services.plan_item_add(actor=users.committee_admin, plan=master, title="政治建设")
    response = upload(login(users.committee_admin), master, xlsx(GOOD))
    assert response.status_code == 302
    tasks = {t.title: t for t in Task.objects.filter(plan=master)}
    assert set(tasks) == {"落实第一议题制度", "讲专题党课", "建设学习型机关"}
    first = tasks["落实第一议题制度"]
    assert (first.owner_org, first.owner_people, first.leader) == (tree.unit, "张三", "李副书记")
    assert (first.start_on, first.deadline) == (date(2025, 1, 1), date(2025, 6, 30))
    assert (first.needs_evidence, first.weight) == (True, Decimal(2))
    assert tasks["讲专题党课"].owner_org == tree.branch  # by code
    assert tasks["讲专题党课"].deadline == date(2025, 9, 30)
    assert tasks["建设学习型机关"].weight == Decimal("1.5")
    assert first.item == tasks["讲专题党课"].item
    assert [i.title for i in master.items.order_by("id")] == ["政治建设", "理论武装"]
    [log] = audits("task.import", master)
    assert log.detail == "导入任务 3 项"
    assert len(audits("task.create")) == 3


def test_it_imports_nothing_and_lists_every_bad_row(master, users, login):
    rows = [
        GOOD[0],
        ["政治建设", "找不到单位", "市财政局", "", "", "2025-01-01", "2025-06-30", "", ""],
        ["政治建设", "日期不对", "U1", "", "", "2025-02-30", "下月", "", ""],
        ["政治建设", "先后颠倒", "U1", "", "", "2025-06-30", "2025-01-01", "", ""],
        ["新事项", "", "U1", "", "", "2025-01-01", "2025-06-30", "", "0"],
    ]
    response = upload(login(users.committee_admin), master, xlsx(rows))
    assert response.status_code == 200
    assert "未导入任何任务" in response.content.decode()
    assert error_rows(response) == [
        ("4", "责任单位", "找不到单位“市财政局”"),
        ("5", "开始日期", "日期“2025-02-30”无法识别，请写成 2019-07-01、2019/7/1 或 2019年7月1日"),
        ("5", "完成时限", "日期“下月”无法识别，请写成 2019-07-01、2019/7/1 或 2019年7月1日"),
        ("6", "完成时限", "完成时限早于开始日期"),
        ("7", "任务", "必须填写"),
        ("7", "权重", "权重须为大于 0 的数字"),
    ]
    assert not Task.objects.exists()
    assert not PlanItem.objects.exists()
    assert not audits("task.import")


def test_it_lists_every_cell_too_long_for_its_column(master, users, login):
    long_leader = ["政治建设", "任务", "U1", "", "领导" * 30, "2025-01-01", "2025-06-30", "", ""]
    response = upload(login(users.committee_admin), master, xlsx([long_leader, long_leader]))
    assert error_rows(response) == [
        ("3", "分管领导", "不能超过 50 字"),
        ("4", "分管领导", "不能超过 50 字"),
    ]
    assert not Task.objects.exists()


def test_it_refuses_a_unit_outside_the_plans_org(users, tree, login, today):
    plan = services.plan_create(
        actor=users.unit_admin, org=tree.unit, year=today.year, kind="master", title="机关方案"
    )
    row = ["", "外单位任务", "市民政局机关党总支", "", "", "2025-01-01", "2025-06-30", "", ""]
    response = upload(login(users.unit_admin), plan, xlsx([row]))
    assert error_rows(response) == [("3", "责任单位", "找不到单位“市民政局机关党总支”")]
    assert not Task.objects.exists()


def test_it_finds_the_header_row_without_a_title_and_skips_blank_rows(master, users, login):
    response = upload(login(users.committee_admin), master, xlsx([GOOD[0], [], GOOD[1]], title=""))
    assert response.status_code == 302
    assert Task.objects.count() == 2


def test_it_explains_a_file_without_the_required_headers(master, users, login):
    response = upload(login(users.committee_admin), master, xlsx([["a", "b"]], headers=["名称"]))
    assert "没有找到表头行" in response.content.decode()
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    "file, message",
    [
        (SimpleUploadedFile("任务.csv", b"a,b"), "请上传 Excel 文件"),
        (SimpleUploadedFile("任务.xls", b"old"), "无法读取该文件"),
        (SimpleUploadedFile("任务.xlsx", b"not a zip"), "无法读取该文件"),
        (None, "文件中没有数据行"),
    ],
    ids=["csv", "broken-xls", "broken", "empty"],
)
def test_it_refuses_a_file_it_cannot_read(file, message, master, users, login):
    response = upload(login(users.committee_admin), master, file or xlsx([]))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Task.objects.exists()


def test_it_imports_the_template_it_offers_once_filled_in(master, tree, users, login):
    client = login(users.committee_admin)
    template = load_workbook(io.BytesIO(client.get("/plans/import/template.xlsx").content))
    sheet = template.active
    headers = [c.value for c in sheet[2]]
    row = dict.fromkeys(headers, "")
    row.update(任务="建立学习制度", 责任单位="U1", 开始日期="2025-01-01", 完成时限="2025-03-31")
    sheet.append([row[h] for h in headers])
    buffer = io.BytesIO()
    template.save(buffer)
    response = upload(client, master, SimpleUploadedFile("模板.xlsx", buffer.getvalue()))
    assert response.status_code == 302
    assert Task.objects.get().owner_org == tree.unit


@pytest.mark.parametrize("who, status", [("unit_admin", 403), ("leader", 403), ("outsider", 404)])
def test_it_lets_only_the_plans_admins_import(who, status, master, users, login, task):
    response = upload(login(getattr(users, who)), master, xlsx(GOOD))
    assert response.status_code == status
    assert Task.objects.count() == 1


def test_it_exports_a_plan_with_only_the_tasks_the_user_may_see(ledger, master, users, login):
    client = login(users.secretary)  # sees the plan through the branch's sub-task
    sheet = workbook(client.get(f"/plans/{master.id}/export/"))
    assert [r[3] for r in sheet.iter_rows(min_row=4, values_only=True)] == ["第一支部主题党日"]
    document = Document(io.BytesIO(client.get(f"/plans/{master.id}/export/?format=docx").content))
    words = "".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "第一支部主题党日" in words
    assert "民政局的任务" not in words and "落实第一议题制度" not in words
