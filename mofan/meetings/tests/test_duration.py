"""A meeting's duration in hours: optional, on the form, in the API, checked by the service; a
meeting without one counts its kind's usual duration."""

from decimal import Decimal

import pytest

from mofan.core.access import SYSTEM
from mofan.core.errors import ApplicationError
from mofan.meetings import services
from mofan.meetings.models import USUAL_HOURS, Kind, Meeting
from mofan.meetings.tests.test_api import patch, post
from mofan.meetings.tests.test_views import meeting_form


def theme_day(org, on, **fields):
    return services.meeting_create_held(
        actor=SYSTEM, org=org, kind=Kind.THEME_DAY, topic="主题党日", held_on=on, **fields
    )


def test_a_meeting_keeps_its_duration_or_counts_its_kinds_usual_one(tree, yesterday):
    timed = theme_day(tree.branch, yesterday, duration_hours=Decimal("2.5"))
    untimed = theme_day(tree.branch, yesterday)
    assert Meeting.objects.get(pk=timed.pk).duration_hours == Decimal("2.5")
    assert Meeting.objects.get(pk=untimed.pk).duration_hours is None
    assert timed.hours == Decimal("2.5")
    assert untimed.hours == USUAL_HOURS[Kind.THEME_DAY]


def test_every_kind_has_a_usual_duration():
    assert set(USUAL_HOURS) == set(Kind)


@pytest.mark.parametrize("hours", [Decimal("0"), Decimal("-1"), Decimal("24.5")])
def test_the_service_refuses_a_duration_out_of_range(tree, yesterday, hours):
    with pytest.raises(ApplicationError, match="会议时长须大于 0 且不超过 24 小时"):
        theme_day(tree.branch, yesterday, duration_hours=hours)


def test_the_form_records_the_duration(tree, users, login, yesterday):
    data = meeting_form(held="on", held_on=yesterday.isoformat(), duration_hours="1.5")
    response = login(users.secretary).post(f"/meetings/new/?org={tree.branch.id}", data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Meeting.objects.get().duration_hours == Decimal("1.5")


def test_the_form_shows_the_duration_and_says_what_a_blank_one_means(tree, users, login):
    page = login(users.secretary).get(f"/meetings/new/?org={tree.branch.id}").content.decode()
    assert 'name="duration_hours"' in page
    assert "不填时按该类会议的通常时长统计" in page
    # the attendance table follows the times, as before
    assert page.index('name="duration_hours"') < page.index("<h2>出席情况</h2>")


def test_the_form_refuses_a_duration_over_a_day(tree, users, login, yesterday):
    data = meeting_form(held="on", held_on=yesterday.isoformat(), duration_hours="30")
    response = login(users.secretary).post(f"/meetings/new/?org={tree.branch.id}", data)
    assert response.status_code == 200
    assert not Meeting.objects.exists()


def test_the_edit_form_shows_the_recorded_duration(tree, users, login, yesterday):
    meeting = theme_day(tree.branch, yesterday, duration_hours=Decimal("2.5"))
    page = login(users.secretary).get(f"/meetings/{meeting.id}/edit/").content.decode()
    assert 'value="2.5"' in page
    detail = login(users.secretary).get(f"/meetings/{meeting.id}/").content.decode()
    assert "2.5 小时" in detail


def test_the_api_takes_shows_changes_and_clears_the_duration(tree, users, api, yesterday):
    client = api(users.secretary)
    body = {"org_id": tree.branch.id, "kind": "theme_day", "topic": "主题党日"}
    response = post(
        client, "/api/v1/meetings", {**body, "held_on": str(yesterday), "duration_hours": 1.5}
    )
    assert response.status_code == 201, response.content
    assert Decimal(response.json()["duration_hours"]) == Decimal("1.5")
    url = f"/api/v1/meetings/{response.json()['id']}"
    assert Decimal(patch(client, url, {"duration_hours": "3"}).json()["duration_hours"]) == 3
    cleared = patch(client, url, {"duration_hours": None})
    assert cleared.status_code == 200, cleared.content
    assert cleared.json()["duration_hours"] is None


def test_the_api_refuses_a_duration_out_of_range(tree, users, api, yesterday):
    body = {"org_id": tree.branch.id, "kind": "theme_day", "topic": "主题党日"}
    for hours in (0, 25, 1.25):
        response = post(
            api(users.secretary),
            "/api/v1/meetings",
            {**body, "held_on": str(yesterday), "duration_hours": hours},
        )
        assert response.status_code in (400, 422), response.content
    assert not Meeting.objects.exists()
