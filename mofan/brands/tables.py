"""The columns of the lists of the brands app (the data table component, core/components.py)."""

from html import escape

from django.utils.safestring import mark_safe

from mofan.brands.models import Status
from mofan.core.components import Column, Table, day, labels, link, tag, url_maker

STATUS_LABELS = labels(Status.choices)
# One colour per meaning: done green, waiting amber, ended red, not started grey.
STATUS_TONES = {
    Status.DRAFT: "tag-todo",
    Status.SUBMITTED: "tag-due",
    Status.UNIT_PASSED: "tag-due",
    Status.RETURNED: "tag-bad",
    Status.RECOGNISED: "tag-done",
    Status.REJECTED: "tag-bad",
    Status.REVOKED: "tag-bad",
}


def status_tag(status: str):
    return tag(STATUS_TONES.get(status, "tag-todo"), STATUS_LABELS.get(status, status))


def application_table() -> Table:
    detail = url_maker("brands:application")
    return Table(
        (
            Column("党支部", lambda a: link(detail(a.id), a.org.name), sort="org", title=True),
            Column("年度", lambda a: a.call.year, sort="year", descending=True),
            Column("申报日期", lambda a: day(a.submitted_on), sort="submitted", key=False),
            Column("状态", lambda a: status_tag(a.status), sort="status"),
        ),
        empty="没有符合条件的申报",
        hint="换个状态或年度查询，或点“重置”查看全部。",
    )


def brand_table() -> Table:
    detail = url_maker("brands:brand")
    return Table(
        (
            Column("品牌名称", lambda b: link(detail(b.id), b.name), sort="name", title=True),
            Column("申报组织", lambda b: b.org.name, sort="org"),
            Column("申报日期", lambda b: day(b.submitted_on), sort="submitted", key=False),
            Column("批次", lambda b: str(b.batch) if b.batch else "", key=False),
            Column("状态", lambda b: status_tag(b.status), sort="status"),
        ),
        empty="没有符合条件的品牌申报",
        hint="换个状态或年度查询，或点“重置”查看全部。",
    )


VERDICT_TONES = {True: "tag-done", False: "tag-bad", None: "tag-todo"}


def prerequisite_table() -> Table:
    """Rows are Prerequisite values: what is required, the value in the records, the verdict
    and the fact it was read from."""
    return Table(
        (
            Column("前置条件", lambda p: p.label, title=True),
            Column("记录中的值", lambda p: p.value),
            Column("核验", lambda p: tag(VERDICT_TONES[p.met], p.verdict)),
            Column("数据来源", lambda p: p.fact_code, css="muted"),
        ),
        empty="没有前置条件",
        row_class=lambda p: "row-bad" if p.met is False else "",
    )


def call_application_table() -> Table:
    """A call's applications (its detail page)."""
    detail = url_maker("brands:application")
    return Table(
        (
            Column("党支部", lambda a: link(detail(a.id), a.org.name), title=True),
            Column("申报日期", lambda a: day(a.submitted_on) or "—"),
            Column("状态", lambda a: status_tag(a.status)),
        ),
        empty="还没有申报",
    )


def recognised_table(checks: dict | None = None, year: int = 0) -> Table:
    """Recognised 四强党支部 of a year; `checks` adds the committee's column of this year's
    records for each title held ({application id: [Prerequisite]})."""
    detail = url_maker("brands:application")
    columns = [
        Column("党支部", lambda a: link(detail(a.id), a.org.name), title=True),
        Column("认定日期", lambda a: day(a.recognised_on)),
        Column("状态", _held),
        Column(
            "年度复核",
            lambda a: "；".join(f"{r.year}年：{r.note}" for r in a.rechecks.all()) or "—",
        ),
    ]
    if checks:
        columns.append(
            Column(f"{year}年记录核验", lambda a: _checks(checks.get(a.id), detail(a.id)))
        )
    return Table(tuple(columns), empty="没有认定的四强党支部")


def _held(application):
    if application.status == Status.RECOGNISED:
        return tag("tag-done", "有效")
    revoked = f" {day(application.revoked_on)} {application.revoke_reason}"
    return mark_safe(f"{tag('tag-bad', '已撤销')}{escape(revoked)}")


def _checks(found, url: str):
    if not found:
        return ""
    lines = [f"{tag(VERDICT_TONES[p.met], p.label)} {escape(p.value)}" for p in found]
    return mark_safe("<br>".join(lines) + f'<br><a href="{escape(url)}">复核或撤销</a>')
