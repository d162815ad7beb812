"""Excel helpers shared by every ledger: styled sheets, downloads, and tolerant reading of the
files units really keep (title rows, merged headers, columns in any order, dates as text)."""

import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from mofan.core.errors import ApplicationError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_SEARCH_ROWS = 15


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str


def new_sheet(title: str, headers: list[str], sheet_name: str = "Sheet1"):
    """A workbook whose first row is a merged title and whose second row holds the headers."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name[:31]
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(headers), 1))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(headers)
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=2, column=index)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2DCDB")
        sheet.column_dimensions[get_column_letter(index)].width = max(10, len(header) * 2 + 4)
    sheet.freeze_panes = "A3"
    return workbook, sheet


def xlsx_response(workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def parse_date(value) -> date | None:
    """A date from a cell: a real date, or text like 2019-07-01, 2019/7/1, 2019年7月1日."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                break
    raise ValueError(f"日期“{text}”无法识别，请写成 2019-07-01、2019/7/1 或 2019年7月1日")


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _normalise_header(value) -> str:
    return re.sub(r"\s+", "", cell_text(value)).replace("（", "(").replace("）", ")").rstrip("*")


def read_table(upload, columns: dict[str, str], required: list[str]):
    """Rows of the first sheet as (row number, {key: raw value}).

    `columns` maps Chinese header → key. The header row is the first row (within the first 15)
    that holds every required header; rows above it (titles, merged cells) are ignored.
    """
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:
        raise ApplicationError("无法读取该文件，请确认是 Excel .xlsx 文件") from exc
    sheet = workbook.worksheets[0]
    wanted = {_normalise_header(header): key for header, key in columns.items()}
    rows = sheet.iter_rows(values_only=True)
    header_map = None
    for row_number, row in enumerate(rows, start=1):
        found = {
            i: wanted[_normalise_header(v)]
            for i, v in enumerate(row)
            if _normalise_header(v) in wanted
        }
        if set(found.values()) >= set(required):
            header_map = found
            break
        if row_number >= HEADER_SEARCH_ROWS:
            break
    if header_map is None:
        first_header = {}
        for header, key in columns.items():
            first_header.setdefault(key, header)
        names = "、".join(first_header[key] for key in required)
        raise ApplicationError(f"没有找到表头行：表头须包含 {names}（列的顺序不限）")
    result = []
    for row_number_offset, row in enumerate(rows, start=row_number + 1):
        values = {key: row[i] if i < len(row) else None for i, key in header_map.items()}
        if all(cell_text(v) == "" for v in values.values()):
            continue
        result.append((row_number_offset, values))
    workbook.close()
    return result
