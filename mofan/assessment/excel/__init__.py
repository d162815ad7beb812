"""A scheme as the workbook committees publish (序号 / 一级指标 / 具体指标 / 分值 / 计分方式 /
评分标准 / 佐证材料 / 数据来源, the grade bands and the bonus cap below), and its import.

The import reads the rule from the 计分方式 words (those the export writes, and the usual ways
committees write them: “按比例”, “≥95% 满分 ≥80% 得80%”, “每次扣 2 分”, “一票否决” …) with the
数据来源 fact code. It checks every row first and writes nothing unless all are right; then it
writes through the scheme services, in one transaction, so an imported scheme obeys the same
rules as one typed in by hand.
"""

from mofan.assessment.excel.export import import_template, scheme_export, scheme_title
from mofan.assessment.excel.importing import scheme_import
from mofan.assessment.excel.layout import HEADERS
from mofan.assessment.excel.reading import SchemeImport, read_scheme
from mofan.assessment.excel.rule_text import rule_from_text

__all__ = [
    "HEADERS",
    "SchemeImport",
    "import_template",
    "read_scheme",
    "rule_from_text",
    "scheme_export",
    "scheme_import",
    "scheme_title",
]
