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
