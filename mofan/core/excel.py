"""Excel helpers shared by every ledger: styled sheets, downloads, and tolerant reading of the
files units really keep (title rows, merged headers, columns in any order, dates as text)."""

import io
import os
import re
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse
from openpyxl import Workbook, load_workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.cell_range import CellRange
from python_calamine import CalamineWorkbook

from mofan.core.errors import ApplicationError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_SEARCH_ROWS = 15


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str


class ErrorList(list):
    """The bad rows of an import: indexed by row (asking about a row does not rescan the list)
    and listing at most `limit`; `total` counts them all."""

    def __init__(self, limit: int | None = None):
        super().__init__()
        self.limit = limit or settings.MOFAN_IMPORT_MAX_ERRORS
        self.total = 0
        self._cells: set[tuple[int, str]] = set()

    def append(self, error: RowError) -> None:
        self.total += 1
        self._cells.add((error.row, error.column))
        self._cells.add((error.row, ""))
        if len(self) < self.limit:
            super().append(error)

    def has(self, row: int, column: str = "") -> bool:
        """Whether the row (or that cell of it) has an error."""
        return (row, column) in self._cells

    @property
    def unlisted(self) -> int:
        return self.total - len(self)

    def summary(self, nothing_done: str = "未导入任何数据") -> str:
        more = f"（仅列出前 {len(self)} 处）" if self.unlisted else ""
        return f"文件中有 {self.total} 处错误{more}，{nothing_done}"


TITLE_FONT = Font(bold=True, size=14)
TITLE_ALIGNMENT = Alignment(horizontal="center")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")


# A text starting with one of these is a formula to a spreadsheet (CSV and formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def plain_text(value: str) -> str:
    """Text without the control characters a workbook cannot hold (old records may have them)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


class SafeSheet:
    """A worksheet whose `append` writes user text as text: control characters removed, and a
    value that would be read as a formula (=SUM(…), +1, @cmd) stored as a string cell, so an
    export cannot be turned against the person who opens it. Every export appends through it."""

    def __init__(self, sheet):
        self._sheet = sheet

    def append(self, row) -> None:
        self._sheet.append([self._cell(value) for value in row])

    def _cell(self, value):
        if not isinstance(value, str):
            return value
        value = plain_text(value)
        if not value.startswith(FORMULA_STARTS):
            return value
        cell = WriteOnlyCell(self._sheet, value=value) if self._write_only else Cell(self._sheet)
        cell.value = value
        cell.data_type = "s"
        return cell

    @property
    def _write_only(self) -> bool:
        return isinstance(self._sheet, WriteOnlyWorksheet)

    def __getattr__(self, name):
        return getattr(self._sheet, name)


def safe_csv_value(value):
    """The same rule for CSV, where only a leading apostrophe stops the formula."""
    if not isinstance(value, str):
        return value
    value = plain_text(value)
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def new_sheet(title: str, headers: list[str], sheet_name: str = "Sheet1", *, streaming=False):
    """A workbook whose first row is a merged title and whose second row holds the headers.

    With `streaming=True` the sheet is openpyxl's write-only kind: the same title, headers,
    widths and frozen panes, but rows go straight to the file as they are appended, so a big
    export (100,000 rows) takes a few times less time and a constant amount of memory. Such a
    sheet can only be appended to, and its workbook saved once.
    """
    if streaming:
        return _streaming_sheet(title, headers, sheet_name)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name[:31]
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(headers), 1))
    sheet["A1"].font = TITLE_FONT
    sheet["A1"].alignment = TITLE_ALIGNMENT
    sheet.append(headers)
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=2, column=index)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        sheet.column_dimensions[get_column_letter(index)].width = _column_width(header)
    sheet.freeze_panes = "A3"
    return workbook, SafeSheet(sheet)


def _column_width(header: str) -> int:
    return max(10, len(header) * 2 + 4)


def _streaming_sheet(title: str, headers: list[str], sheet_name: str):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name[:31])
    # Widths and panes are written before the first row: set them first.
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _column_width(header)
    sheet.freeze_panes = "A3"
    sheet.merged_cells.add(CellRange(min_col=1, min_row=1, max_col=max(len(headers), 1), max_row=1))
    title_cell = WriteOnlyCell(sheet, value=title)
    title_cell.font, title_cell.alignment = TITLE_FONT, TITLE_ALIGNMENT
    sheet.append([title_cell])
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        header_cells.append(cell)
    sheet.append(header_cells)
    return workbook, SafeSheet(sheet)


class Export(NamedTuple):
    """A workbook an export service built, and the name to download it under."""

    workbook: object
    filename: str


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


SPREADSHEET_EXTENSIONS = (".xlsx", ".xls", ".ods")
SPREADSHEET_HINT = "请上传 Excel 文件（.xlsx、.xls）或 WPS / LibreOffice 表格（.ods）"
UNREADABLE = "无法读取该文件，请确认是 Excel（.xlsx、.xls）或 .ods 表格文件"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and .et saved as .xls)
# An .ods is a zip like .xlsx, but its first member is `mimetype`, stored uncompressed.
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
HEAD_BYTES = 128


def is_spreadsheet(name: str) -> bool:
    return name.lower().endswith(SPREADSHEET_EXTENSIONS)


MAX_UNZIPPED_BYTES = 150 * 1024 * 1024
MAX_PART_RATIO = 100  # text XML packs 5–30×; far more is a part built to blow up
BOMB_MESSAGE = "文件解压后过大（疑似压缩炸弹），已拒绝导入；请确认文件来源，或分批导入"


def _refuse_bomb(upload) -> None:
    """A zip package (.xlsx, .ods) whose parts would expand beyond what a real sheet needs is
    refused before any part is read."""
    try:
        parts = zipfile.ZipFile(upload).infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ApplicationError(UNREADABLE) from exc
    finally:
        upload.seek(0)
    total = sum(part.file_size for part in parts)
    inflated = any(
        part.file_size > 1024 * 1024 and part.file_size > MAX_PART_RATIO * part.compress_size
        for part in parts
    )
    if total > MAX_UNZIPPED_BYTES or inflated:
        raise ApplicationError(BOMB_MESSAGE)


def _bounded(rows):
    """The rows, refusing a file with more than MOFAN_IMPORT_MAX_ROWS filled rows as soon as
    the limit is passed (the rest is never parsed), and any parse error as a Chinese message
    (a read-only workbook parses while it is iterated)."""
    limit = settings.MOFAN_IMPORT_MAX_ROWS
    filled = 0
    try:
        for row in rows:
            if any(value is not None for value in row):
                filled += 1
                if filled > limit + HEADER_SEARCH_ROWS:
                    raise ApplicationError(
                        f"文件超过 {limit} 行，请分批导入（每个文件至多 {limit} 行）"
                    )
            yield row
    except ApplicationError:
        raise
    except Exception as exc:
        raise ApplicationError(UNREADABLE) from exc


@contextmanager
def first_sheet_rows(upload):
    """The rows of the first sheet as tuples of values, whatever the office suite saved:
    .xlsx through openpyxl (streaming), old .xls and .ods through calamine. The kind is
    told by the first bytes, not the name. `upload` is a file or a path."""
    if isinstance(upload, str | os.PathLike):
        with open(upload, "rb") as file, first_sheet_rows(file) as rows:
            yield rows
        return
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if not head.startswith(OLE_MAGIC):
        _refuse_bomb(upload)
    if head.startswith(OLE_MAGIC) or ODS_MIMETYPE in head:
        yield _bounded(_calamine_rows(upload))
        return
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:
        raise ApplicationError(UNREADABLE) from exc
    try:
        yield _bounded(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


def _calamine_rows(upload):
    try:
        sheet = CalamineWorkbook.from_filelike(upload).get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except Exception as exc:
        raise ApplicationError(UNREADABLE) from exc
    # calamine gives "" for an empty cell where openpyxl gives None.
    return (tuple(None if v == "" else v for v in row) for row in rows)


def read_table(upload, columns: dict[str, str], required: list[str]):
    """Rows of the first sheet as (row number, {key: raw value}).

    `columns` maps Chinese header → key. The header row is the first row (within the first 15)
    that holds every required header; rows above it (titles, merged cells) are ignored.
    """
    with first_sheet_rows(upload) as rows:
        return _table(rows, columns, required)


def _table(rows, columns: dict[str, str], required: list[str]):
    wanted = {_normalise_header(header): key for header, key in columns.items()}
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
    return result
