"""Imports cannot stall or exhaust the server (issue 9 §1): the check is linear in the rows, a
file has at most MOFAN_IMPORT_MAX_ROWS rows and lists at most MOFAN_IMPORT_MAX_ERRORS errors,
a zip bomb and an XML entity bomb are refused with a reason, on every import."""

import io
import itertools
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from mofan.core.errors import ApplicationError
from mofan.core.excel import _bounded, first_sheet_rows
from mofan.members.excel import check_roster
from mofan.members.models import Member

ROSTER_HEADERS = ["姓名", "公民身份号码", "人员类别", "所在支部", "入党日期"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def xlsx(rows, headers=ROSTER_HEADERS) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bad_rows(count: int, branch) -> list[list]:
    """Rows that each have an error (an impossible citizen number)."""
    return [[f"党员{n}", f"12{n}", "正式党员", branch.name, "2010-07-01"] for n in range(count)]


def check_seconds(actor, data: bytes) -> float:
    started = time.perf_counter()
    checked = check_roster(actor=actor, upload=io.BytesIO(data))
    assert checked.errors.total >= 1
    return time.perf_counter() - started


def test_checking_grows_linearly_with_bad_rows(tree, users, settings):
    settings.MOFAN_IMPORT_MAX_ERRORS = 100_000
    small = xlsx(bad_rows(1500, tree.branch))
    large = xlsx(bad_rows(6000, tree.branch))
    check_seconds(users.unit_admin, small)  # warm up
    # The best of a few runs: another process on the machine slows single runs at random.
    best_large = min(check_seconds(users.unit_admin, large) for _ in range(2))
    best_small = min(check_seconds(users.unit_admin, small) for _ in range(3))
    ratio = best_large / best_small
    # Linear is 4×; a loaded machine has been seen at 8.3×; quadratic would be about 16×.
    assert ratio < 10, f"4× the rows took {ratio:.1f}× the time (quadratic would be about 16×)"


def test_a_file_over_the_row_limit_is_refused_naming_the_limit(tree, users, settings):
    settings.MOFAN_IMPORT_MAX_ROWS = 100
    data = xlsx(bad_rows(150, tree.branch))
    with pytest.raises(ApplicationError, match="文件超过 100 行"):
        check_roster(actor=users.unit_admin, upload=io.BytesIO(data))


def test_the_limit_stops_reading_instead_of_parsing_the_rest(settings):
    settings.MOFAN_IMPORT_MAX_ROWS = 1000
    endless = itertools.repeat(("一行",))
    with pytest.raises(ApplicationError, match="文件超过 1000 行"):
        for _ in _bounded(endless):
            pass


def test_blank_formatted_rows_do_not_count(settings):
    settings.MOFAN_IMPORT_MAX_ROWS = 10
    rows = [("表头",), *[(None, None)] * 500, ("数据",)]
    assert len(list(_bounded(iter(rows)))) == 502


def test_the_page_lists_the_first_errors_and_says_how_many_more(tree, users, login, settings):
    settings.MOFAN_IMPORT_MAX_ERRORS = 5
    data = xlsx(bad_rows(12, tree.branch))
    page = login(users.unit_admin).post(
        "/members/import/", {"file": SimpleUploadedFile("花名册.xlsx", data)}
    )
    text = page.content.decode()
    assert "文件中有 12 处错误（仅列出前 5 处），未导入任何数据" in text
    assert text.count("<tr><td>") == 5


def test_the_api_says_how_many_errors_it_did_not_list(tree, users, api, settings):
    settings.MOFAN_IMPORT_MAX_ERRORS = 3
    data = xlsx(bad_rows(7, tree.branch))
    response = api(users.unit_admin).post(
        "/api/v1/members/import", {"file": SimpleUploadedFile("r.xlsx", data)}
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "文件中有 7 处错误（仅列出前 3 处），未导入任何数据"
    assert len(response.json()["errors"]) == 3


def zip_bomb() -> bytes:
    """A real roster with one more part that inflates 2,000×."""
    buffer = io.BytesIO(xlsx([]))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (20 * 1024 * 1024))
    return buffer.getvalue()


def entity_bomb() -> bytes:
    """A roster whose sheet declares a DTD with nested entities (billion laughs)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx([["张三", "1", "正式党员", "x", "2010-07-01"]])))
    dtd = (
        '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            content = source.read(part)
            if part.filename == "xl/worksheets/sheet1.xml":  # inline strings, as char refs
                content = dtd.encode() + content.replace(b"&#24352;&#19977;", b"&c;")
            target.writestr(part, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("make", "message"),
    [(zip_bomb, "疑似压缩炸弹"), (entity_bomb, "无法读取该文件")],
    ids=["zip-bomb", "xml-entities"],
)
def test_a_bomb_is_refused_quickly_with_a_reason(make, message):
    started = time.perf_counter()
    with (
        pytest.raises(ApplicationError, match=message),
        first_sheet_rows(io.BytesIO(make())) as rows,
    ):
        list(rows)
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize("make", [zip_bomb, entity_bomb], ids=["zip-bomb", "xml-entities"])
def test_every_import_answers_a_bomb_with_a_reason_not_a_500(tree, users, login, api, make):
    data = make()
    client = login(users.committee_admin)
    plan_id = _plan(tree, users).id
    for url in ["/members/import/", "/orgs/import/", f"/plans/{plan_id}/import/"]:
        response = client.post(url, {"file": SimpleUploadedFile("x.xlsx", data)})
        assert response.status_code == 200, url
        assert (
            "无法读取该文件" in response.content.decode() or "压缩炸弹" in response.content.decode()
        )
    response = api(users.committee_admin).post(
        "/api/v1/members/import", {"file": SimpleUploadedFile("x.xlsx", data)}
    )
    assert response.status_code == 400
    assert not Member.objects.exists()


def _plan(tree, users):
    from mofan.plans.services import plan_create

    return plan_create(
        actor=users.committee_admin, org=tree.committee, year=2026, kind="master", title="方案"
    )
