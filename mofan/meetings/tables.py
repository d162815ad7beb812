"""The columns of the meeting list (the data table component, core/components.py)."""

from mofan.core.components import Column, Table, day, labels, link, tag, url_maker
from mofan.meetings.models import Kind, MeetingStatus

KINDS = labels(Kind.choices)
STATUSES = labels(MeetingStatus.choices)
STATUS_TONES = {
    MeetingStatus.HELD: "tag-done",
    MeetingStatus.PLANNED: "tag-todo",
    MeetingStatus.CANCELLED: "gray",
}


def meeting_table() -> Table:
    detail = url_maker("meetings:detail")
    return Table(
        (
            Column("主题", lambda m: link(detail(m.id), m.topic), title=True),
            Column("日期", lambda m: day(m.date), sort="date", descending=True),
            Column("类型", lambda m: KINDS.get(m.kind, m.kind), sort="kind"),
            Column("组织", lambda m: m.org.name, sort="org"),
            Column("状态", _status),
        ),
        hint="没有符合条件的会议记录：换个条件查询，或点“重置”。",
    )


def _status(meeting):
    return tag(STATUS_TONES.get(meeting.status, "tag-todo"), STATUSES.get(meeting.status, ""))


def _rate(present: int, expected: int) -> str:
    return f"{round(100 * present / expected)}%" if expected else "—"


def attendance_by_org_table() -> Table:
    """The 出席率 page's branches: rows of `attendance_by_org` (names and counts)."""
    return Table(
        (
            Column("支部", lambda o: o["meeting__org__name"], title=True),
            Column("应参加人次", lambda o: o["expected"]),
            Column("实参加人次", lambda o: o["present"]),
            Column("出席率", lambda o: _rate(o["present"], o["expected"])),
        ),
        empty="考核期内没有召开组织生活",
        table_id="by-org",
    )


def attendance_member_table() -> Table:
    """The 出席率 page's members: {member, present, expected} rows of one page."""
    detail = url_maker("members:detail")
    return Table(
        (
            Column("姓名", lambda r: link(detail(r["member"].id), r["member"].name), title=True),
            Column("支部", lambda r: r["member"].org.name),
            Column("应参加", lambda r: r["expected"]),
            Column("实参加", lambda r: r["present"]),
            Column("出席率", lambda r: _rate(r["present"], r["expected"])),
        ),
        empty="没有党员",
    )
