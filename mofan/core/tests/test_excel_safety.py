"""Exports write what users typed as text: no formula runs when the file is opened, and a
control character in an old record does not break the export."""

import csv
import io

import pytest
from openpyxl import load_workbook

from mofan.core.excel import new_sheet, safe_csv_value
from mofan.orgs.services import org_update

HOSTILE = ['=HYPERLINK("http://evil.example","点此")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def saved(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return load_workbook(buffer).active


@pytest.mark.parametrize("streaming", [False, True], ids=["sheet", "streaming"])
def test_text_that_looks_like_a_formula_is_written_as_text(streaming):
    workbook, sheet = new_sheet("台账", ["值"], streaming=streaming)
    for value in HOSTILE:
        sheet.append([value])
    sheet.append([-5])  # numbers stay numbers
    rows = list(saved(workbook).iter_rows(min_row=3))
    assert [(r[0].value, r[0].data_type) for r in rows[:-1]] == [(v, "s") for v in HOSTILE]
    assert (rows[-1][0].value, rows[-1][0].data_type) == (-5, "n")


@pytest.mark.parametrize("streaming", [False, True], ids=["sheet", "streaming"])
def test_control_characters_are_dropped_instead_of_breaking_the_export(streaming):
    workbook, sheet = new_sheet("台账", ["值"], streaming=streaming)
    sheet.append(["第一\x0b党支部\x02\x03", "多行\n说明\t保留"])
    [row] = saved(workbook).iter_rows(min_row=3, values_only=True)
    assert row == ("第一党支部", "多行\n说明\t保留")


def test_csv_values_that_would_run_get_an_apostrophe():
    assert [safe_csv_value(v) for v in ["=1+1", "@A1", "普通", 3]] == ["'=1+1", "'@A1", "普通", 3]


def test_the_org_list_export_keeps_a_formula_name_as_text(tree, users, login):
    org_update(actor=users.unit_admin, org=tree.branch, short_name="=1+1")
    response = login(users.unit_admin).get("/orgs/list/?export=1")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [row[1] for row in sheet.iter_rows(min_row=3) if row[1].value == "=1+1"]
    assert [c.data_type for c in cells] == ["s"]


def test_the_audit_csv_neutralises_formulas(users, tmp_path):
    from django.core.management import call_command

    from mofan.core.audit import audit

    audit(actor=users.unit_admin, action="org.update", detail='=HYPERLINK("http://x")')
    path = tmp_path / "audit.csv"
    call_command("audit", "export", "--since", "2000-01-01", "--output", str(path))
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert '\'=HYPERLINK("http://x")' in [row[-1] for row in rows]
