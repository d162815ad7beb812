"""The notification centre: one's own messages with the unread count in the menu, marking read
(only one's own), the daily job writing each reminder once."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from mofan.core.models import AuditLog
from mofan.notifications import reminders
from mofan.notifications.models import Notification
from mofan.notifications.reminders import Reminder, due_reminders, write_reminders
from mofan.notifications.tasks import daily_reminders


def text(response) -> str:
    return response.content.decode()


def note(user, title, *, link="", read=False, key=None) -> Notification:
    return Notification.objects.create(
        user=user,
        key=key or f"test-{title}",
        title=title,
        body=f"{title}的说明",
        link=link,
        read_at=timezone.now() if read else None,
    )


def unread(user) -> list[str]:
    return sorted(
        Notification.objects.filter(user=user, read_at__isnull=True).values_list("title", flat=True)
    )


@pytest.fixture
def producer(monkeypatch):
    """Replace the registered producers with one that yields `given` (a list to fill)."""
    given: list[Reminder] = []
    seen: list[date] = []

    def _produce(today):
        seen.append(today)
        return list(given)

    monkeypatch.setattr(reminders, "_producers", [_produce])
    return given, seen


# --- the centre ------------------------------------------------------------------------------


def test_it_shows_only_the_users_own_messages_newest_first(users, login):
    note(users.secretary, "第一条")
    note(users.secretary, "第二条", read=True)
    note(users.outsider, "别人的消息")
    page = text(login(users.secretary).get("/notifications/"))
    assert page.index("第二条") < page.index("第一条")
    assert "第一条的说明" in page
    assert "别人的消息" not in page


def test_it_filters_unread_messages(users, login):
    note(users.secretary, "未读消息")
    note(users.secretary, "已读消息", read=True)
    page = text(login(users.secretary).get("/notifications/?unread=1"))
    assert "未读消息" in page and "已读消息" not in page


def test_it_shows_the_unread_count_in_the_menu_on_every_page(users, login):
    client = login(users.secretary)
    assert 'class="badge"' not in text(client.get("/notifications/"))
    note(users.secretary, "一")
    note(users.secretary, "二")
    note(users.secretary, "三", read=True)
    note(users.outsider, "别人的")
    for url in ("/", "/notifications/", "/meetings/"):
        page = text(client.get(url))
        assert '<span class="nav-link-title">消息</span> <span class="badge">2</span>' in page


def test_it_says_so_when_there_are_no_messages(users, login):
    assert "没有消息" in text(login(users.leader).get("/notifications/"))


def test_it_requires_login(client, db):
    assert client.get("/notifications/")["Location"].startswith("/accounts/login/")
    assert client.post("/notifications/read/")["Location"].startswith("/accounts/login/")


def test_it_ranks_nobody(users, login):
    note(users.secretary, "发改委第一党支部本期尚未召开：主题党日")
    page = text(login(users.secretary).get("/notifications/"))
    for word in ("排名", "排行", "积分", "名次"):
        assert word not in page


# --- marking read ----------------------------------------------------------------------------


def test_it_marks_one_message_read(users, login):
    one = note(users.secretary, "一")
    note(users.secretary, "二")
    response = login(users.secretary).post("/notifications/read/", {"id": one.id})
    assert response["Location"] == "/notifications/"
    assert unread(users.secretary) == ["二"]
    entry = AuditLog.objects.get(action="notification.read")
    assert (entry.username, entry.detail) == ("secretary", "标为已读 1 条")


def test_it_opens_the_link_of_a_message_and_marks_it_read(users, login, tree):
    one = note(users.secretary, "一", link=f"/meetings/?org={tree.branch.id}")
    response = login(users.secretary).post("/notifications/read/", {"id": one.id, "next": one.link})
    assert response["Location"] == f"/meetings/?org={tree.branch.id}"
    assert unread(users.secretary) == []


def test_it_marks_all_the_users_messages_read(users, login):
    note(users.secretary, "一")
    note(users.secretary, "二")
    note(users.outsider, "别人的")
    login(users.secretary).post("/notifications/read/")
    assert unread(users.secretary) == []
    assert unread(users.outsider) == ["别人的"]


def test_it_never_marks_someone_elses_message(users, login):
    theirs = note(users.outsider, "别人的")
    note(users.secretary, "我的")
    login(users.secretary).post("/notifications/read/", {"id": [theirs.id]})
    assert unread(users.outsider) == ["别人的"]
    assert unread(users.secretary) == ["我的"]  # an id was given: not "mark all"
    assert not AuditLog.objects.filter(action="notification.read").exists()


def test_it_marks_nothing_for_ids_that_are_not_numbers(users, login):
    note(users.secretary, "我的")
    login(users.secretary).post("/notifications/read/", {"id": "abc"})
    assert unread(users.secretary) == ["我的"]


@pytest.mark.parametrize(
    "link", ["//evil.example/", "/\\evil.example/", "https://evil.example/", "javascript:alert(1)"]
)
def test_it_redirects_only_within_the_site(users, login, link):
    one = note(users.secretary, "一")
    response = login(users.secretary).post("/notifications/read/", {"id": one.id, "next": link})
    assert response["Location"] == "/notifications/"


def test_it_refuses_get_on_the_read_action(users, login):
    note(users.secretary, "一")
    assert login(users.secretary).get("/notifications/read/").status_code == 405
    assert unread(users.secretary) == ["一"]


# --- the daily job ---------------------------------------------------------------------------


def test_it_writes_each_reminder_once(users, producer):
    given, _ = producer
    given.append(Reminder(users.secretary.id, "k-1", "标题一", "说明", "/meetings/"))
    given.append(Reminder(users.outsider.id, "k-1", "标题一"))
    assert write_reminders(date(2026, 5, 10)) == 2
    assert write_reminders(date(2026, 5, 10)) == 0
    given.append(Reminder(users.secretary.id, "k-2", "标题二"))
    assert [r.key for r in due_reminders(date(2026, 5, 11))] == ["k-2"]
    assert write_reminders(date(2026, 5, 11)) == 1
    rows = Notification.objects.filter(user=users.secretary).order_by("id")
    assert [(n.key, n.title, n.body, n.link) for n in rows] == [
        ("k-1", "标题一", "说明", "/meetings/"),
        ("k-2", "标题二", "", ""),
    ]
    assert AuditLog.objects.filter(action="notification.write").count() == 2


def test_it_keeps_one_of_two_identical_reminders_from_one_day(users, producer):
    given, _ = producer
    given.extend(
        [Reminder(users.secretary.id, "same", "一"), Reminder(users.secretary.id, "same", "一")]
    )
    assert write_reminders(date(2026, 5, 10)) == 1


def test_the_daily_job_writes_todays_reminders(users, producer):
    given, seen = producer
    given.append(Reminder(users.secretary.id, "daily", "每日提醒"))
    daily_reminders.call_local()
    assert seen == [timezone.localdate()]
    assert unread(users.secretary) == ["每日提醒"]


def test_the_written_reminders_appear_in_the_centre(users, login, tree):
    """End to end with the real producers: the command writes, the secretary reads."""
    first = timezone.localdate().replace(day=1)
    call_command("remind", "--date", first.isoformat(), stdout=StringIO())
    client = login(users.secretary)
    page = text(client.get("/notifications/"))
    assert "发改委第一党支部本期尚未召开" in page
    assert "第一党小组本期尚未召开" in page  # the branch secretary also hears about its party group
    assert 'class="badge">2</span>' in page
    client.post("/notifications/read/")
    assert 'class="badge"' not in text(client.get("/notifications/"))
