"""The columns of a scheme workbook and the words in its cells, shared by export and import."""

import re
from decimal import Decimal

from openpyxl.styles import Alignment, Font

from mofan.assessment.models import Target

HEADERS = ["序号", "一级指标", "具体指标", "分值", "计分方式", "评分标准", "佐证材料", "数据来源"]
KEYS = ["number", "area", "item", "points", "rule", "guidance", "evidence", "source"]
HEADER_OF = dict(zip(KEYS, HEADERS, strict=True))
COLUMNS = {**dict(zip(HEADERS, KEYS, strict=True)), "指标名称": "item", "考核内容": "item"}
REQUIRED = ["item", "points", "rule"]
WIDTHS = [6, 14, 30, 8, 36, 36, 24, 30]
AREA_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
NUMERALS = "一二三四五六七八九十"
TARGET_BY_LABEL = {label: value for value, label in Target.choices}
FOOTERS = ("考核对象", "加分上限", "考核等次", "满分", "说明")
FOOTER = re.compile(rf"^({'|'.join(FOOTERS)})\s*[：:]\s*(.*)$", re.S)
GRADE = re.compile(r"([^\s；;，,、：:≥>=]+)\s*(?:≥|>=)\s*(\d+(?:\.\d+)?)")
FACT_CODE = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+")
TITLE = re.compile(r"^(.*?)\s*[（(](\d{4})\s*年度?[）)]$")


def cell_number(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


def area_numeral(index: int) -> str:
    return NUMERALS[index - 1] if index <= len(NUMERALS) else str(index)
