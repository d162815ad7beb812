"""The columns of the user list (the data table component, core/components.py)."""

from html import escape

from django.utils.safestring import mark_safe

from mofan.core.access import Role
from mofan.core.components import Column, Table, labels, link, tag, url_maker

ROLES = labels(Role.choices)


def user_table(locked=()) -> Table:
    detail = url_maker("accounts:user")
    return Table(
        (
            Column("用户名", lambda u: link(detail(u.id), u.username), title=True),
            Column("姓名", lambda u: u.name),
            Column("授权", _grants),
            Column("状态", lambda u: _state(u, locked)),
        ),
        hint="没有符合条件的用户：换个条件查询，或点“重置”。",
    )


def _grants(user):
    return mark_safe(
        "".join(
            f"<div>{escape(ROLES.get(g.role, g.role))} · {escape(g.org.name)}</div>"
            for g in user.grants.all()
        )
    )


def _state(user, locked):
    if not user.is_active:
        state = tag("gray", "已停用")
    elif user.username in locked:
        state = tag("tag-bad", "已锁定")
    else:
        state = tag("tag-done", "正常")
    if user.must_change_password:
        return mark_safe(f"{state} {tag('gray', '待改密码')}")
    return state
