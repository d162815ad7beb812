"""A meeting's start time can be set, changed and cleared, on the page and through the API, and
the change is audited (the audit diff once could not hold a time and every change gave 500)."""

from datetime import time

from mofan.core.access import SYSTEM
from mofan.core.models import AuditLog
from mofan.meetings import services
from mofan.meetings.models import Kind, Meeting
from mofan.meetings.tests.test_api import patch, post
from mofan.meetings.tests.test_views import meeting_form


def held_meeting(org, on, held_time=time(9, 0)):
    return services.meeting_create_held(
        actor=SYSTEM,
        org=org,
        kind=Kind.THEME_DAY,
        topic="主题党日",
        held_on=on,
        held_time=held_time,
    )


def test_the_api_changes_the_start_time_and_audits_both_values(tree, users, api, yesterday):
    meeting = held_meeting(tree.branch, yesterday)
    response = patch(api(users.secretary), f"/api/v1/meetings/{meeting.id}", {"held_time": "14:30"})
    assert response.status_code == 200, response.content
    assert response.json()["held_time"] == "14:30:00"
    [log] = AuditLog.objects.filter(action="meeting.correct")
    assert log.changes["held_time"] == ["09:00:00", "14:30:00"]


def test_the_api_clears_the_start_time(tree, users, api, yesterday):
    meeting = held_meeting(tree.branch, yesterday)
    response = patch(api(users.secretary), f"/api/v1/meetings/{meeting.id}", {"held_time": None})
    assert response.status_code == 200, response.content
    assert Meeting.objects.get(pk=meeting.pk).held_time is None


def test_a_time_with_an_offset_is_stored_as_local_time(tree, users, api, yesterday):
    client = api(users.secretary)
    body = {"org_id": tree.branch.id, "kind": "theme_day", "topic": "主题党日"}
    for sent, stored in [("10:00+08:00", time(10, 0)), ("00:00:00Z", time(8, 0))]:
        response = post(
            client, "/api/v1/meetings", {**body, "held_on": str(yesterday), "held_time": sent}
        )
        assert response.status_code == 201, response.content
        assert Meeting.objects.get(pk=response.json()["id"]).held_time == stored


def test_the_edit_form_changes_the_start_time(tree, users, login, yesterday):
    meeting = held_meeting(tree.branch, yesterday)
    data = meeting_form(
        held="on", held_on=yesterday.isoformat(), held_time="15:00", topic="主题党日"
    )
    response = login(users.secretary).post(f"/meetings/{meeting.id}/edit/", data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Meeting.objects.get(pk=meeting.pk).held_time == time(15, 0)
    assert AuditLog.objects.filter(action="meeting.correct").exists()
