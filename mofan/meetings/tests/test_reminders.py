"""The daily reminders of organisational life, through `mofan remind`: meetings a branch still
owes this month and quarter (to its secretary, also for its party groups), terms ending within
90 and 30 days or overdue (to the org's own grant holders and those of the org directly above
it, not to every admin up to the committee); written once, listed by --dry-run."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from mofan.accounts.models import User
from mofan.core.access import SYSTEM
from mofan.core.models import AuditLog
from mofan.meetings.models import Kind
from mofan.meetings.services import meeting_create_held
from mofan.notifications.models import Notification
from mofan.orgs.models import Org
from mofan.orgs.services import org_dissolve

DAY = date(2026, 5, 10)  # May, the second quarter


def remind(*args) -> list[str]:
    out = StringIO()
    call_command("remind", *args, stdout=out)
    return out.getvalue().splitlines()


def dry_run(day: date) -> list[str]:
    return remind("--dry-run", "--date", day.isoformat())


def write(day: date) -> list[str]:
    return remind("--date", day.isoformat())


def lines_for(lines: list[str], username: str) -> list[str]:
    return [line for line in lines if line.startswith(f"{username}\t")]


def held(org, kind, on, **fields):
    if kind == Kind.LECTURE:
        fields.setdefault("lecturer", "张书记")
    return meeting_create_held(
        actor=SYSTEM, org=org, kind=kind, topic=f"{kind} {on}", held_on=on, **fields
    )


def set_term_end(org, end):
    Org.objects.filter(pk=org.pk).update(term_start=end - timedelta(days=1095), term_end=end)


def inbox(username) -> list[tuple[str, str]]:
    return list(
        Notification.objects.filter(user__username=username)
        .order_by("id")
        .values_list("key", "title")
    )


# --- meetings owed ----------------------------------------------------------------------------


def test_it_lists_what_a_branch_still_owes_to_its_secretary(tree, users):
    lines = dry_run(DAY)
    assert lines_for(lines, "secretary") == [
        f"secretary\t发改委第一党支部本期尚未召开：支部党员大会、党课、主题党日\t/meetings/?org={tree.branch.id}",
        f"secretary\t第一党小组本期尚未召开：党小组会\t/meetings/?org={tree.group.id}",
    ]
    assert lines_for(lines, "outsider") == [
        f"outsider\t发改委第二党支部本期尚未召开：支部党员大会、党课、主题党日\t/meetings/?org={tree.other_branch.id}"
    ]
    # Admins above are not pestered about each branch's meetings; nobody is told about a
    # branch without a secretary account (民政局第一党支部).
    for name in ("unitadmin", "gwadmin", "leader", "member"):
        assert lines_for(lines, name) == []
    assert "民政局" not in "\n".join(lines)
    assert lines[-1] == f"共 {len(lines) - 1} 条提醒（未写入）"


def test_it_writes_nothing_on_a_dry_run(tree, users):
    dry_run(DAY)
    dry_run(DAY)
    assert not Notification.objects.exists()
    assert not AuditLog.objects.filter(action="notification.write").exists()


def test_it_counts_this_month_for_the_theme_day_and_this_quarter_for_the_general_meeting(
    tree, users
):
    held(tree.branch, Kind.THEME_DAY, date(2026, 4, 20))  # last month: does not count for May
    held(tree.branch, Kind.BRANCH_GENERAL, date(2026, 4, 8))  # this quarter: counts
    held(tree.branch, Kind.LECTURE, date(2026, 3, 30))  # last quarter: does not count
    assert branch_lines(dry_run(DAY)) == [
        f"secretary\t发改委第一党支部本期尚未召开：党课、主题党日\t/meetings/?org={tree.branch.id}"
    ]
    held(tree.branch, Kind.THEME_DAY, date(2026, 5, 8))
    held(tree.branch, Kind.LECTURE, date(2026, 5, 9))
    assert branch_lines(dry_run(DAY)) == []


def branch_lines(lines):
    return [line for line in lines_for(lines, "secretary") if "发改委第一党支部" in line]


def test_it_reminds_of_the_committee_meeting_only_where_there_is_a_committee(tree, users):
    from mofan.orgs.services import committee_seat_add

    committee_seat_add(actor=SYSTEM, org=tree.branch, name="赵强", post="secretary")
    assert "支部委员会会议" in lines_for(dry_run(DAY), "secretary")[0]
    assert "支部委员会会议" not in lines_for(dry_run(DAY), "outsider")[0]


def test_it_writes_the_owed_reminder_once_a_month(tree, users):
    assert write(DAY) == [f"已写入提醒 {Notification.objects.count()} 条"]
    assert len(branch_inbox()) == 1
    assert write(DAY) == ["已写入提醒 0 条"]
    write(DAY + timedelta(days=1))
    assert len(branch_inbox()) == 1  # the same month: no new message
    write(date(2026, 6, 2))  # a new month: June's 主题党日 is owed again
    assert branch_inbox() == [
        "发改委第一党支部本期尚未召开：支部党员大会、党课、主题党日",
        "发改委第一党支部本期尚未召开：支部党员大会、党课、主题党日",
    ]


def branch_inbox():
    return [title for _, title in inbox("secretary") if title.startswith("发改委第一党支部")]


def test_it_does_not_remind_dissolved_branches_or_inactive_users(tree, users):
    org_dissolve(actor=SYSTEM, org=Org.objects.get(pk=tree.other_branch.pk), reason="机构改革")
    User.objects.filter(pk=users.secretary.pk).update(is_active=False)
    lines = dry_run(DAY)
    assert lines_for(lines, "secretary") == [] and lines_for(lines, "outsider") == []


# --- terms ------------------------------------------------------------------------------------


def term_lines(lines):
    return [line for line in lines if "任期" in line]


def test_it_reminds_90_days_before_a_term_ends_to_the_secretary_and_the_admin_directly_above(
    tree, users
):
    set_term_end(tree.branch, DAY + timedelta(days=90))
    set_term_end(tree.other_branch, DAY + timedelta(days=91))
    title = "发改委第一党支部任期将于 2026-08-08 届满（还有 90 天）"
    assert sorted(term_lines(dry_run(DAY))) == [
        f"secretary\t{title}\t/orgs/{tree.branch.id}/",
        f"unitadmin\t{title}\t/orgs/{tree.branch.id}/",
    ]
    assert not Notification.objects.exists()


def test_it_writes_a_90_day_a_30_day_and_an_overdue_reminder_once_each(tree, users):
    end = DAY + timedelta(days=90)
    set_term_end(tree.branch, end)
    for day in (DAY, DAY + timedelta(days=1), DAY + timedelta(days=59)):  # 90, 89, 31 days left
        write(day)
    write(DAY)  # running again changes nothing
    assert [key for key, _ in inbox("secretary") if key.startswith("term-")] == [
        f"term-90-{tree.branch.id}-{end}"
    ]

    write(DAY + timedelta(days=60))  # 30 days left: a second, distinct reminder
    write(DAY + timedelta(days=75))
    write(end)  # the last day of the term
    write(end + timedelta(days=1))  # overdue
    write(end + timedelta(days=30))
    terms = [(k, t) for k, t in inbox("secretary") if k.startswith("term-")]
    assert terms == [
        (
            f"term-90-{tree.branch.id}-{end}",
            "发改委第一党支部任期将于 2026-08-08 届满（还有 90 天）",
        ),
        (
            f"term-30-{tree.branch.id}-{end}",
            "发改委第一党支部任期将于 2026-08-08 届满（还有 30 天）",
        ),
        (
            f"term-overdue-{tree.branch.id}-{end}",
            "发改委第一党支部任期已于 2026-08-08 届满，请尽快换届",
        ),
    ]
    assert [k for k, _ in inbox("unitadmin")] == [k for k, _ in terms]
    for other in ("gwadmin", "outsider", "leader", "member"):
        assert not [k for k, _ in inbox(other) if k.startswith("term-")]
    entry = AuditLog.objects.filter(action="notification.write").order_by("id").first()
    assert entry.username == "系统：定时任务" and entry.detail.startswith("2026-05-10 写入提醒")


def test_it_starts_again_for_a_new_term(tree, users):
    set_term_end(tree.branch, DAY - timedelta(days=3))
    write(DAY)
    set_term_end(tree.branch, date(2029, 5, 1))
    assert term_lines(dry_run(DAY)) == []
    assert term_lines(dry_run(date(2029, 4, 1))) != []


def test_it_tells_the_admins_of_an_organ_committee_about_its_own_term(tree, users):
    set_term_end(tree.unit, DAY + timedelta(days=20))
    lines = term_lines(dry_run(DAY))
    assert sorted(line.split("\t")[0] for line in lines) == ["gwadmin", "unitadmin"]
    assert "市发改委机关党委任期将于 2026-05-30 届满（还有 20 天）" in lines[0]


def test_it_forgets_dissolved_orgs(tree, users):
    set_term_end(tree.far_branch, DAY - timedelta(days=3))
    org_dissolve(actor=SYSTEM, org=Org.objects.get(pk=tree.far_branch.pk), reason="机构改革")
    assert term_lines(dry_run(DAY)) == []


# --- the command ------------------------------------------------------------------------------


def test_it_refuses_a_malformed_date(db):
    with pytest.raises(CommandError, match="日期格式应为 YYYY-MM-DD"):
        remind("--dry-run", "--date", "2026/05/10")


def test_it_says_so_when_nothing_is_due(db):
    assert dry_run(DAY) == ["共 0 条提醒（未写入）"]
    assert write(DAY) == ["已写入提醒 0 条"]


# --- the secretary's home page ----------------------------------------------------------------


def test_it_shows_a_secretary_what_the_branch_still_owes_on_the_home_page(tree, users, login):
    client = login(users.secretary)
    page = client.get("/").content.decode()
    assert "本月、本季度尚未开展的组织生活" in page
    assert f'?org={tree.branch.id}">发改委第一党支部</a>：支部党员大会、党课、主题党日' in page
    assert "发改委第二党支部" not in page

    today = timezone.localdate()
    for kind in (Kind.BRANCH_GENERAL, Kind.LECTURE, Kind.THEME_DAY):
        held(tree.branch, kind, today)
    assert "第一党小组</a>：党小组会" in client.get("/").content.decode()  # its party group too
    held(tree.group, Kind.GROUP, today)
    assert "尚未开展的组织生活" not in client.get("/").content.decode()
    assert "尚未开展的组织生活" not in login(users.leader).get("/").content.decode()
