"""The columns of the audit log page (the data table component, core/components.py)."""

from html import escape

from django.utils import timezone
from django.utils.safestring import mark_safe

from mofan.core.components import Column, Table
from mofan.core.registry import audit_labels


def audit_table() -> Table:
    """Records described by audit_display.describe_changes (their `change_lines`)."""
    actions = audit_labels()
    return Table(
        (
            Column("时间", _moment),
            Column("用户", lambda r: r.username or "—"),
            Column("IP", lambda r: r.ip, key=False),
            Column("操作", lambda r: actions.get(r.action, r.action), title=True),
            Column("对象", lambda r: r.target_repr),
            Column("变更（前 → 后）", _changes, css="cell-changes"),
        ),
        empty="没有符合条件的记录",
        hint="换个条件查询，或点“重置”查看全部。",
        css="audit-table",
    )


def _moment(record) -> str:
    return timezone.localtime(record.at).strftime("%Y-%m-%d %H:%M:%S")


def _changes(record):
    lines = [
        f'<div class="change"><b>{escape(line.label)}</b>：{escape(line.before)} → '
        f"{escape(line.after)}</div>"
        for line in record.change_lines
    ]
    if record.detail:
        lines.append(f'<div class="muted">{escape(record.detail)}</div>')
    return mark_safe("".join(lines))
