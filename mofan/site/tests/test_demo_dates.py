"""The demo builds on every day of the year, leap days and year ends included."""

import random
from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import call_command

from mofan.meetings.models import Meeting
from mofan.members.models import Member
from mofan.orgs.models import Org
from mofan.site.management.commands.demo import demo_term


def every_day(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def test_it_builds_term_dates_for_every_day_from_2026_to_2029():
    for today in every_day(date(2026, 1, 1), date(2029, 12, 31)):
        for index in range(0, 120):
            for years in (3, 5):
                start, end = demo_term(today, random.Random(index), years, index)
                assert start < end
                assert end.year - start.year == years
                assert start.month == end.month


def test_it_moves_a_term_ending_on_29_february_to_28_february_of_the_start_year():
    # index 7 ends 45 days before today: 2028-04-14 - 45 days = 2028-02-29
    start, end = demo_term(date(2028, 4, 14), random.Random(7), 3, 7)
    assert end == date(2028, 2, 29)
    assert start == date(2025, 2, 28)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "today", ["2028-02-29 10:00 +0800", "2027-12-31 23:00 +0800", "2027-01-05 09:00 +0800"]
)
def test_it_runs_the_whole_demo_on_a_leap_day_and_on_new_years_eve(today):
    with time_machine.travel(today, tick=False):
        call_command("demo")
    assert Org.objects.count() > 300
    assert Member.objects.count() > 2500
    assert Meeting.objects.filter(status="held").exists()
