"""The scheme as a workbook: the export a committee publishes, its import into a new or an
existing draft (every bad row listed, nothing written on error), the round trip, and who may
use the pages."""

import io
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from mofan.assessment import defaults, excel, services
from mofan.assessment.models import Indicator, Scheme
from mofan.assessment.rules import item_rule
from mofan.assessment.scoring import RuleError
from mofan.assessment.tests.conftest import add_area, add_item
from mofan.core.errors import ApplicationError
from mofan.core.models import AuditLog


def text(response) -> str:
    return response.content.decode()


def rows_of(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def workbook_bytes(rows) -> io.BytesIO:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "方案.xlsx"
    return buffer


def upload(content: bytes, name: str = "方案.xlsx") -> io.BytesIO:
    buffer = io.BytesIO(content)
    buffer.name = name
    return buffer


def shape(scheme: Scheme):
    """What a person reads in a scheme: its heading, areas, items with their rules, grades."""
    scheme = Scheme.objects.get(pk=scheme.pk)
    areas = []
    for area in scheme.indicators.filter(parent__isnull=True).order_by("sort_order"):
        items = [
            (
                i.name,
                i.max_points,
                item_rule(
                    rule=i.rule, max_points=i.max_points, fact_code=i.fact_code, params=i.params
                ),
                i.guidance,
                i.evidence,
            )
            for i in area.children.order_by("sort_order")
        ]
        areas.append((area.name, area.max_points, items))
    grades = sorted((g.label, g.at_least) for g in scheme.grades.all())
    heading = (scheme.name, scheme.year, scheme.target, scheme.bonus_cap, scheme.description)
    return (heading, areas, grades)


@pytest.fixture
def model_scheme(users, tree):
    scheme = defaults.model_organs_scheme(
        actor=users.committee_admin, org=tree.committee, year=2025
    )
    scheme.description = "按季度日常监督、年度考评相结合。\n加分项须附佐证材料。"
    scheme.save()
    return scheme


def test_the_export_reads_like_the_scheme_a_committee_publishes(model_scheme, users, login):
    response = login(users.committee_admin).get(f"/assessment/{model_scheme.id}/export/")
    assert response.status_code == 200
    rows = rows_of(response.content)
    assert rows[0][0] == "2025年度模范机关创建考核方案（2025年度）"
    assert rows[1] == tuple(excel.HEADERS)
    assert rows[2][:4] == ("一", "政治建设", None, 20)
    center_group = rows[3]
    assert center_group[:4] == (1, None, "理论学习中心组学习按期开展", 6)
    assert "≥95 得 100%；≥80 得 80%；≥60 得 50%" in center_group[4]
    assert center_group[5] == "全年不少于 12 次，按期完成率计分"
    assert center_group[7].startswith("meetings.compliance.center_group（")
    by_name = {row[2]: row for row in rows if row[2]}
    assert by_name["逾期未完成任务"][4].endswith("每次扣 1 分，扣完为止")
    assert by_name["发生严重违纪违法案件"][3:5] == (0, "经核实发生即一票否决")
    assert by_name["工作经验被上级推广或获表彰"][4] == "每项经认定加 1 分，本项最多 3 分"
    footer = [row[0] for row in rows if row[0] and str(row[0]).startswith(("考核", "加分", "满分"))]
    assert footer == [
        "满分：100 分",
        "考核对象：单位",
        "加分上限：5 分",
        "考核等次：好 ≥90 分；较好 ≥80 分；一般 ≥60 分；差 ≥0 分",
    ]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["B3"].font.bold and not sheet["C4"].font.bold  # areas stand out
    assert AuditLog.objects.filter(action="assessment.scheme_export").count() == 1


def test_export_then_import_gives_an_equal_scheme(model_scheme, users, tree, login):
    exported = login(users.committee_admin).get(f"/assessment/{model_scheme.id}/export/").content
    result = excel.scheme_import(
        actor=users.committee_admin, upload=upload(exported), org=tree.committee
    )
    assert result.ok, list(result.errors)
    assert result.scheme.pk != model_scheme.pk and result.scheme.is_draft
    assert shape(result.scheme) == shape(model_scheme)
    assert services.publish_problems(result.scheme) == []
    assert AuditLog.objects.filter(action="assessment.scheme_import").count() == 1


def test_the_branch_checklist_survives_the_round_trip_too(users, tree, login):
    checklist = defaults.branch_checklist_scheme(
        actor=users.committee_admin, org=tree.committee, year=2026
    )
    exported = login(users.committee_admin).get(f"/assessment/{checklist.id}/export/").content
    result = excel.scheme_import(
        actor=users.committee_admin, upload=upload(exported), org=tree.committee
    )
    assert shape(result.scheme) == shape(checklist)


def test_the_daily_supervision_scheme_keeps_its_missing_report_item_through_the_round_trip(
    users, tree, login
):
    daily = defaults.daily_supervision_scheme(
        actor=users.committee_admin, org=tree.committee, year=2026
    )
    exported = login(users.committee_admin).get(f"/assessment/{daily.id}/export/").content
    result = excel.scheme_import(
        actor=users.committee_admin, upload=upload(exported), org=tree.committee
    )
    assert shape(result.scheme) == shape(daily)
    missing = [i for i in result.scheme.indicators.all() if i.params.get("missing_report")]
    assert len(missing) == 1


def test_the_rule_is_read_from_the_words_committees_write(users, tree):
    result = excel.scheme_import(
        actor=users.committee_admin,
        org=tree.committee,
        upload=workbook_bytes(
            [
                ["2026年度机关党建考核（2026年度）"],
                excel.HEADERS,
                ["一", "基层组织", None, 30],
                [
                    1,
                    None,
                    "出席率",
                    6,
                    "达标档次 ≥95% 满分 ≥80% 得80%",
                    "",
                    "",
                    "meetings.attendance",
                ],
                [2, None, "按期开展", 5, "按比例", "", "", "meetings.compliance"],
                [3, None, "发展党员", 5, "每次加 1 分，最多 5 分", "", "", "members.admitted"],
                [4, None, "逾期任务", 4, "每次扣 2 分", "", "", "plans.tasks.overdue"],
                [5, None, "违纪案件", None, "一票否决", "", "", ""],
                [6, None, "服务群众", 10, "评审打分", "走访记录", "活动照片", ""],
                ["二", "加分项", None, 0],
                [7, None, "经验推广", 3, "加分项每项 1 分", "", "", ""],
                [8],  # numbered rows left empty are skipped
                [9, None, None, None],
            ]
        ),
    )
    assert result.ok, list(result.errors)
    scheme = result.scheme
    assert (scheme.name, scheme.year) == ("2026年度机关党建考核", 2026)
    items = {i.name: i for i in Indicator.objects.filter(scheme=scheme, parent__isnull=False)}
    assert items["出席率"].rule == "thresholds"
    assert items["出席率"].params == {"bands": [["95", "100"], ["80", "80"]]}
    assert (items["按期开展"].rule, items["按期开展"].fact_code) == ("ratio", "meetings.compliance")
    assert (items["发展党员"].rule, items["发展党员"].params) == ("per_occurrence", {"each": "1"})
    assert (items["逾期任务"].rule, items["逾期任务"].params) == ("deduction", {"each": "2"})
    assert (items["违纪案件"].rule, items["违纪案件"].max_points) == ("veto", Decimal(0))
    assert items["服务群众"].rule == "reviewed" and items["服务群众"].evidence == "活动照片"
    assert (items["经验推广"].rule, items["经验推广"].params) == ("bonus", {"each": "1"})
    assert [g.label for g in scheme.grades.all()] == ["好", "较好", "一般", "差"]  # defaults


@pytest.mark.parametrize(
    ("words", "reason"),
    [
        ("按次计分", "须写明每次（每项）的分值，如“每次加 1 分，最多 5 分”"),
        ("扣分", "须写明每次（每项）的分值，如“每次扣 2 分”"),
        ("加分", "须写明每次（每项）的分值，如“加分项每项 1 分”"),
        ("按档次计分", "按档次计分须写明各档，如“≥95% 满分 ≥80% 得80%”"),
    ],
)
def test_a_rule_named_without_its_numbers_says_what_is_missing(words, reason):
    with pytest.raises(RuleError) as refused:
        excel.rule_from_text(words, maximum=Decimal(5))
    assert str(refused.value) == reason


def test_points_written_per_band_become_shares_of_the_maximum():
    assert excel.rule_from_text("≥90 得 6 分；≥80 得 3 分", maximum=Decimal(6)) == (
        "thresholds",
        {"bands": [["90", "100"], ["80", "50"]]},
    )


def test_every_bad_row_is_reported_and_nothing_is_written(users, tree):
    schemes_before = Scheme.objects.count()
    result = excel.scheme_import(
        actor=users.committee_admin,
        org=tree.committee,
        upload=workbook_bytes(
            [
                excel.HEADERS,
                [1, None, "孤立指标", 5, "按比例", "", "", "meetings.compliance"],
                ["一", "基层组织", None, 20],
                [2, None, "不存在的数据", 5, "按比例", "", "", "meetings.nothing_here"],
                [3, None, "分值写错", "五分", "评审打分", "", "", ""],
                [4, None, "看不懂的规则", 5, "酌情处理", "", "", ""],
                [5, None, "比例缺数据", 5, "按比例", "", "", ""],
                [6, None, "没有分值", None, "评审打分", "", "", ""],
                ["二", "正风肃纪", None, 10],
                [7, None, "廉政", 6, "评审打分", "", "", ""],
                [],
                ["考核对象：处室"],
                [8, None, "分值过大", 5000, "评审打分", "", "", ""],
            ]
        ),
    )
    assert not result.ok and result.scheme is None
    errors = {(e.row, e.column): e.reason for e in result.errors}
    assert "须写在一级指标之下" in errors[(2, "一级指标")]
    assert errors[(4, "数据来源")] == "没有编码为“meetings.nothing_here”的统计指标"
    assert errors[(5, "分值")] == "分值应为数字，现为“五分”"
    assert errors[(6, "计分方式")].startswith("无法识别计分方式“酌情处理”")
    assert errors[(7, "数据来源")] == "“按比例计分”须选择数据来源"
    assert errors[(8, "分值")] == "必须填写"
    assert errors[(9, "分值")] == "一级指标“正风肃纪”分值 10 分，其下指标合计 6 分"
    assert errors[(12, "考核对象")] == "应为单位或党支部，现为“处室”"
    assert errors[(13, "分值")] == "分值应在 0 到 1000 分之间"
    assert len(result.errors) == len(errors) == 9  # one reason per bad cell, none invented
    assert Scheme.objects.count() == schemes_before
    assert not AuditLog.objects.filter(action="assessment.scheme_import").exists()


def test_a_refusal_while_writing_undoes_the_whole_import(users, tree):
    result = excel.scheme_import(
        actor=users.committee_admin,
        org=tree.committee,
        upload=workbook_bytes(
            [
                excel.HEADERS,
                ["一", "基层组织", None, 10],
                [1, None, "出席率", 10, "按比例", "", "", "meetings.attendance"],
                [],
                ["考核等次：好 ≥90 分；较好 ≥80 分"],
            ]
        ),
    )
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (5, "考核等次", "最低一档的最低分应为 0，使每个总分都有等次")
    ]
    assert not Scheme.objects.exists() and not Indicator.objects.exists()


def test_columns_in_another_order_with_blank_rows_and_extra_columns(users, tree):
    result = excel.scheme_import(
        actor=users.committee_admin,
        org=tree.committee,
        name="自定格式",
        year=2027,
        upload=workbook_bytes(
            [
                ["某某单位"],
                [],
                ["备注", "具体指标", "计分方式", "分值", "一级指标", "数据来源"],
                [None, None, None, None, None, None],
                ["", "按期开展", "按比例", 5, "基层组织", "meetings.compliance（按期完成率）"],
                [],
                ["内部", "服务群众", "评审打分", 5, "基层组织", ""],
                ["", "廉政", "评审打分", 8, "正风肃纪", ""],
            ]
        ),
    )
    assert result.ok, list(result.errors)
    assert (result.scheme.name, result.scheme.year) == ("自定格式", 2027)
    areas = {a.name: a for a in Indicator.objects.filter(scheme=result.scheme, parent=None)}
    assert areas["基层组织"].max_points == 10  # no area row: the sum of its items
    assert [i.name for i in areas["基层组织"].children.order_by("sort_order")] == [
        "按期开展",
        "服务群众",
    ]


def ods(rows) -> bytes:
    """A spreadsheet as LibreOffice stores it: a zip whose first member is its mimetype."""
    cells = []
    for row in rows:
        parts = []
        for value in row:
            if value is None:
                parts.append("<table:table-cell/>")
            elif isinstance(value, int | float):
                parts.append(
                    f'<table:table-cell office:value-type="float" office:value="{value}">'
                    f"<text:p>{value}</text:p></table:table-cell>"
                )
            else:
                parts.append(
                    f'<table:table-cell office:value-type="string"><text:p>{escape(value)}'
                    "</text:p></table:table-cell>"
                )
        cells.append(f"<table:table-row>{''.join(parts)}</table:table-row>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Sheet1">'
        f"{''.join(cells)}</table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        package.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        package.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def test_an_ods_file_is_read_like_an_xlsx(users, tree):
    content = ods(
        [
            ["党支部考评（2026年度）"],
            excel.HEADERS,
            ["一", "组织生活", None, 10],
            [1, None, "三会一课", 10, "按比例", None, None, "meetings.compliance"],
            [None],
            ["考核对象：党支部"],
            ["考核等次：优秀 ≥90 分；合格 ≥60 分；不合格 ≥0 分"],
        ]
    )
    result = excel.scheme_import(
        actor=users.committee_admin, org=tree.committee, upload=upload(content, "方案.ods")
    )
    assert result.ok, list(result.errors)
    assert (result.scheme.name, result.scheme.target) == ("党支部考评", "branches")
    assert [g.label for g in result.scheme.grades.all()] == ["优秀", "合格", "不合格"]


def test_importing_into_a_draft_adds_its_areas_and_refuses_a_name_it_has(scheme, users, tree):
    add_item(scheme, users.committee_admin, add_area(scheme, users.committee_admin, "基层组织"))
    rows = [
        excel.HEADERS,
        ["一", "正风肃纪", None, 8],
        [1, None, "廉政", 8, "评审打分", "", "", ""],
        [],
        ["加分上限：3 分"],
    ]
    result = excel.scheme_import(
        actor=users.committee_admin, upload=workbook_bytes(rows), into=scheme
    )
    assert result.ok and result.scheme == scheme
    assert list(
        Indicator.objects.filter(scheme=scheme, parent=None)
        .order_by("sort_order")
        .values_list("name", flat=True)
    ) == ["基层组织", "正风肃纪"]
    scheme.refresh_from_db()
    assert scheme.bonus_cap == 3
    again = excel.scheme_import(
        actor=users.committee_admin, upload=workbook_bytes(rows), into=scheme
    )
    assert [(e.row, e.reason) for e in again.errors] == [(2, "方案中已有一级指标“正风肃纪”")]


def test_the_import_service_refuses_other_orgs_and_published_schemes(ready_scheme, users, tree):
    rows = [excel.HEADERS, ["一", "正风肃纪", None, 8], [1, None, "廉政", 8, "评审打分"]]
    with pytest.raises(PermissionDenied):
        excel.scheme_import(actor=users.unit_admin, upload=workbook_bytes(rows), org=tree.committee)
    with pytest.raises(PermissionDenied):
        excel.scheme_import(actor=users.unit_admin, upload=workbook_bytes(rows), into=ready_scheme)
    services.scheme_publish(actor=users.committee_admin, scheme=ready_scheme)
    with pytest.raises(ApplicationError, match="方案已发布"):
        excel.scheme_import(
            actor=users.committee_admin, upload=workbook_bytes(rows), into=ready_scheme
        )
    assert Indicator.objects.filter(scheme=ready_scheme).count() == 2


def test_the_template_download_imports_as_it_is(users, tree, login):
    response = login(users.committee_admin).get("/assessment/import/template/")
    assert response.status_code == 200
    result = excel.scheme_import(
        actor=users.committee_admin, org=tree.committee, upload=upload(response.content)
    )
    assert result.ok, list(result.errors)
    assert result.item_count == 3 and result.scheme.bonus_cap == 5
    codes = load_workbook(io.BytesIO(response.content))["数据来源（统计指标）"]
    listed = {row[0]: row for row in codes.iter_rows(min_row=2, values_only=True)}
    assert listed["meetings.attendance"][3] == "是" and listed["plans.tasks.overdue"][3] is None


def test_the_import_page_lists_the_bad_rows_and_keeps_what_was_typed(users, tree, login):
    client = login(users.committee_admin)
    page = client.get("/assessment/")
    assert "/assessment/import/" in text(page)  # linked from the schemes list
    bad = workbook_bytes(
        [excel.HEADERS, ["一", "基层组织", None, 10], [1, None, "x", "y", "按比例"]]
    )
    response = client.post(
        "/assessment/import/", {"file": bad, "org": tree.committee.pk, "name": "我的方案"}
    )
    assert response.status_code == 200
    body = text(response)
    assert 'id="import-errors"' in body and "分值应为数字，现为“y”" in body
    assert 'value="我的方案"' in body
    assert not Scheme.objects.exists()


def test_the_import_page_creates_the_draft_and_opens_it(model_scheme, users, tree, login):
    client = login(users.committee_admin)
    exported = client.get(f"/assessment/{model_scheme.id}/export/").content
    response = client.post(
        "/assessment/import/",
        {"file": upload(exported), "org": tree.committee.pk, "name": "新方案", "year": 2026},
    )
    created = Scheme.objects.get(name="新方案")
    assert response.status_code == 302 and response.url == f"/assessment/{created.id}/"
    assert (
        created.year == 2026
        and created.indicators.count() == Indicator.objects.filter(scheme=model_scheme).count()
    )


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_form(users, tree, login):
    response = login(users.committee_admin).post(
        "/assessment/import/", {"file": upload(b"hello", "a.txt"), "org": tree.committee.pk}
    )
    assert response.status_code == 200 and "请上传 Excel 文件" in text(response)
    response = login(users.committee_admin).post(
        "/assessment/import/", {"file": upload(b"not a zip"), "org": tree.committee.pk}
    )
    assert "无法读取该文件" in text(response)


@pytest.mark.parametrize("user", ["secretary", "leader", "member", "outsider"])
def test_only_admins_open_the_import_pages(users, login, user):
    client = login(getattr(users, user))
    assert client.get("/assessment/import/").status_code == 403
    assert client.get("/assessment/import/template/").status_code == 403
    assert "/assessment/import/" not in text(client.get("/assessment/"))


def test_a_unit_admin_cannot_import_into_the_committees_draft(scheme, users, tree, login):
    rows = [excel.HEADERS, ["一", "正风肃纪", None, 8], [1, None, "廉政", 8, "评审打分"]]
    response = login(users.unit_admin).post(
        "/assessment/import/", {"file": workbook_bytes(rows), "into": scheme.pk}
    )
    assert response.status_code == 200 and "已不存在或不可选" in text(response)
    assert not Indicator.objects.filter(scheme=scheme).exists()


def test_a_draft_is_exported_only_within_its_orgs_sub_tree(scheme, ready_scheme, users, login):
    assert login(users.unit_admin).get(f"/assessment/{scheme.id}/export/").status_code == 404
    assert login(users.outsider).get(f"/assessment/{scheme.id}/export/").status_code == 404
    assert login(users.leader).get(f"/assessment/{scheme.id}/export/").status_code == 200
    services.scheme_publish(actor=users.committee_admin, scheme=ready_scheme)
    assert login(users.secretary).get(f"/assessment/{scheme.id}/export/").status_code == 200


def test_the_scheme_page_offers_export_to_readers_and_import_to_its_editors(scheme, users, login):
    editor = text(login(users.committee_admin).get(f"/assessment/{scheme.id}/"))
    assert f"/assessment/{scheme.id}/export/" in editor
    assert f"/assessment/import/?into={scheme.id}" in editor
    reader = text(login(users.leader).get(f"/assessment/{scheme.id}/"))
    assert f"/assessment/{scheme.id}/export/" in reader and "?into=" not in reader
