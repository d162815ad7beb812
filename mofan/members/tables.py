"""The columns of the member list pages (the data table component, core/components.py)."""

from html import escape

from django.utils.safestring import mark_safe

from mofan.core.components import Column, Table, day, labels, link, tag, url_maker
from mofan.members.models import Category, Sex, Status

SEXES = labels(Sex.choices)
CATEGORIES = labels(Category.choices)
STATUSES = labels(Status.choices)
STATUS_TONES = {Status.NORMAL: "tag-done", Status.MOBILE: "tag-due", Status.LOST: "tag-bad"}


def member_table(can_write: bool = False) -> Table:
    detail = url_maker("members:detail")
    columns = [
        Column("姓名", lambda m: link(detail(m.id), m.name), sort="name", title=True),
        Column("性别", lambda m: SEXES.get(m.sex, ""), key=False),
        Column("出生日期", lambda m: day(m.birth_date), sort="birth_date", key=False),
        Column("公民身份号码", _masked_id, key=False),
        Column("类别", lambda m: CATEGORIES.get(m.category, "")),
        Column("所在支部", lambda m: m.org.name, sort="org"),
        Column("入党日期", lambda m: day(m.joined_on), sort="joined_on"),
        Column("状态", _status),
    ]
    if can_write:
        columns.insert(0, Column("选择", _pick, css="cell-pick"))
        columns.append(Column("账号", _account, key=False))
    return Table(
        tuple(columns),
        empty="暂无记录",
        hint="没有符合条件的党员：换个条件查询，或点“重置”查看全部。",
    )


def _masked_id(member):
    return mark_safe(f"<code>{escape(member.id_number_masked)}</code>")


def _status(member):
    return tag(STATUS_TONES.get(member.status, "tag-todo"), STATUSES.get(member.status, ""))


def _pick(member):
    disabled = " disabled" if member.user_id else ""
    return mark_safe(
        f'<input type="checkbox" class="form-check-input" name="member" value="{member.id}" '
        f'form="pick" aria-label="选择 {escape(member.name)}"{disabled}>'
    )


def _account(member):
    user = member.user
    if user is None:
        return mark_safe('<span class="muted">未开通</span>')
    if user.is_active:
        return user.username
    return mark_safe(f'{escape(user.username)} <span class="tag gray">已停用</span>')
