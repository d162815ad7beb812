"""The Word notice (通报) of a round's results, as a draft the committee edits and issues.

Laid out as official documents are (GB/T 9704: A4, 方正小标宋 title, 黑体 headings, 仿宋
body, 三号 type): the title, the addressees, an opening with the round's figures, the results
by category and grade, the advanced units named from the round, the vetoed units, a closing
and the signature. Only those who run the round take it, once its results are out.
"""

import io
import re
from collections import Counter, defaultdict
from datetime import date

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from mofan.assessment import compute
from mofan.assessment.models import Honour, Round, RoundStatus, Target
from mofan.core.access import scope_of
from mofan.core.audit import audit
from mofan.core.errors import ApplicationError

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
RESULTS_OUT = (RoundStatus.PRELIMINARY, RoundStatus.FINAL)
NO_PERMISSION = "只有组织本次考核的单位的管理员可以生成结果通报"
NOT_OUT = "初步结果公示后才能生成结果通报"

# Each font names its fallback for a machine without the GB fonts (Word takes the ascii font
# for Latin text and the eastAsia one for Chinese).
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
FALLBACK_FONT = "宋体"
LATIN_FONT = "Times New Roman"
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
CHINESE_NUMBERS = "一二三四五六七八九十"


def _require_runner(actor, round_: Round) -> None:
    if not scope_of(actor).can_admin(round_.scheme.org.path):
        raise PermissionDenied(NO_PERMISSION)


def notice_title(round_: Round) -> str:
    """关于2025年度模范机关创建考核结果的通报, from the scheme's name."""
    year = round_.ends_on.year
    subject = re.sub(r"^\s*\d{4}\s*年度?", "", round_.scheme.name)
    subject = re.sub(r"(考核方案|考评方案|方案|考核|考评)$", "", subject).strip()
    return f"关于{year}年度{subject or round_.name}考核结果的通报"


def round_notice(*, actor, round_: Round, today: date | None = None) -> tuple[bytes, str]:
    """The notice as .docx bytes and its file name; audited."""
    _require_runner(actor, round_)
    if round_.status not in RESULTS_OUT:
        raise ApplicationError(NOT_OUT)
    table = compute.results(round_)
    honours = list(
        Honour.objects.filter(round=round_, revoked_on__isnull=True)
        .select_related("org")
        .order_by("kind", "org__path")
    )
    title = notice_title(round_)
    content = _document(round_, title, table, honours, today or timezone.localdate())
    audit(actor=actor, action="assessment.notice", target=round_, detail=title)
    return content, f"{title}.docx"


def _font(run, name: str = BODY_FONT, size=BODY_SIZE, bold: bool = False) -> None:
    run.font.name = LATIN_FONT
    run.font.size = size
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:hint"), "eastAsia")


def _page(document) -> None:
    """A4 with the margins of official documents, and a body style in 仿宋 (宋体 where it
    is missing) so that text the committee types in takes the same font."""
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = BODY_SIZE
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), BODY_FONT)
    fonts.set(qn("w:hint"), "eastAsia")
    _fallback_fonts(document)


def _fallback_fonts(document) -> None:
    """Declare 宋体 as the font Word and WPS use where the GB fonts are not installed."""
    part = next(
        rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable")
    )
    root = etree.fromstring(part.blob)
    for name in (TITLE_FONT, BODY_FONT):
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        etree.SubElement(font, qn("w:altName")).set(qn("w:val"), FALLBACK_FONT)
        etree.SubElement(font, qn("w:charset")).set(qn("w:val"), "86")  # GB2312
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _paragraph(document, text: str = "", *, indent: bool = True, **font):
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.line_spacing = Pt(28)
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(32)  # two characters
    if text:
        _font(paragraph.add_run(text), **font)
    return paragraph


def _heading(document, number: int, text: str) -> None:
    _paragraph(document, f"{CHINESE_NUMBERS[number - 1]}、{text}", name=HEADING_FONT)


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _grade_counts(round_: Round, table) -> list[tuple[str, int]]:
    counts = Counter(result.grade for result in table)
    return [(g.label, counts.get(g.label, 0)) for g in round_.scheme.grades.all()]


def _what(round_: Round) -> str:
    return "党支部" if round_.scheme.target == Target.BRANCHES else "单位"


def _opening(round_: Round, table) -> str:
    counts = "，".join(f"“{label}”等次 {count} 个" for label, count in _grade_counts(round_, table))
    vetoed = sum(1 for result in table if result.vetoed)
    veto = f"，其中被一票否决 {vetoed} 个" if vetoed else ""
    stage = "初步结果已经公示" if round_.status == RoundStatus.PRELIMINARY else "考核结果已经定档"
    return (
        f"根据《{round_.scheme.name}》，{round_.scheme.org.name}于"
        f"{_chinese_date(round_.starts_on)}至{_chinese_date(round_.ends_on)}组织开展了{round_.name}。"
        f"本次考核共有 {len(table)} 个{_what(round_)}参加，{counts}{veto}。"
        f"{stage}，现将有关情况通报如下："
    )


def _results_by_category(document, round_: Round, table) -> None:
    by_category: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for result in table:  # ranked within each category, best first
        by_category[result.category or "未分类"][result.grade].append(result.org_name)
    labels = [g.label for g in round_.scheme.grades.all()]
    for index, (category, grades) in enumerate(by_category.items(), start=1):
        if len(by_category) > 1 or category != "未分类":
            _paragraph(document, f"（{CHINESE_NUMBERS[(index - 1) % 10]}）{category}", bold=True)
        for label in labels:
            names = grades.get(label, [])
            if names:
                _paragraph(document, f"{label}（{len(names)} 个）：{'、'.join(names)}。")


def _honours(document, honours: list[Honour]) -> None:
    by_kind: dict[str, list[Honour]] = defaultdict(list)
    for honour in honours:
        by_kind[honour.get_kind_display()].append(honour)
    for kind, named in by_kind.items():
        decisions = "、".join(dict.fromkeys(h.decision for h in named if h.decision))
        basis = f"（{decisions}）" if decisions else ""
        _paragraph(
            document,
            f"经研究，决定命名{'、'.join(h.org.name for h in named)}为"
            f"{named[0].year}年度{kind}{basis}。",
        )


def _vetoed(document, round_: Round, table) -> None:
    vetoed = [result.org_name for result in table if result.vetoed]
    lowest = round_.scheme.grades.order_by("at_least").first()
    grade = f"“{lowest.label}”" if lowest else "最低等次"
    _paragraph(
        document,
        f"{'、'.join(vetoed)}因发生一票否决事项，考核等次确定为{grade}，不得参加本年度评先评优。",
    )


def _closing(document, round_: Round, today: date) -> None:
    _paragraph(
        document,
        "希望受到表彰的单位珍惜荣誉、再接再厉，充分发挥示范引领作用。各单位要对照考核中"
        "发现的问题和不足，逐项制定整改措施，认真抓好整改落实，推动机关党建工作高质量发展，"
        "努力创建让党中央放心、让人民群众满意的模范机关。",
    )
    _paragraph(document)
    signature = _paragraph(document, round_.scheme.org.name, indent=False)
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    dated = _paragraph(document, _chinese_date(today), indent=False)
    dated.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _summary_table(document, table) -> None:
    _paragraph(document, "附件：考核得分汇总表", indent=False, name=HEADING_FONT)
    headers = ["类别内名次", "单位", "类别", "总分", "等次"]
    sheet = document.add_table(rows=1, cols=len(headers))
    sheet.style = "Table Grid"
    for cell, text in zip(sheet.rows[0].cells, headers, strict=True):
        _font(cell.paragraphs[0].add_run(text), size=Pt(12), bold=True)
    for result in table:
        grade = "一票否决" if result.vetoed else result.grade
        values = [str(result.rank), result.org_name, result.category, f"{result.total:.2f}", grade]
        for cell, text in zip(sheet.add_row().cells, values, strict=True):
            _font(cell.paragraphs[0].add_run(text), size=Pt(12))


def _document(round_: Round, title: str, table, honours, today: date) -> bytes:
    document = Document()
    _page(document)
    heading = _paragraph(document, title, indent=False, name=TITLE_FONT, size=TITLE_SIZE)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if round_.status == RoundStatus.PRELIMINARY:
        draft = _paragraph(document, "（初步结果，征求意见稿）", indent=False)
        draft.alignment = WD_ALIGN_PARAGRAPH.CENTER
    addressees = "各党支部" if round_.scheme.target == Target.BRANCHES else "各单位党组织"
    _paragraph(document, f"{addressees}：", indent=False)
    _paragraph(document, _opening(round_, table))
    number = 1
    _heading(document, number, "考核结果")
    _results_by_category(document, round_, table)
    if honours:
        number += 1
        _heading(document, number, "命名表彰")
        _honours(document, honours)
    if any(result.vetoed for result in table):
        number += 1
        _heading(document, number, "一票否决情况")
        _vetoed(document, round_, table)
    number += 1
    _heading(document, number, "工作要求")
    _closing(document, round_, today)
    document.add_page_break()
    _summary_table(document, table)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
