"""Six months without organisational life is flagged on the member's own page; the attendance
page gives the rate per branch as well as per member."""

import re
from datetime import timedelta

from mofan.meetings.models import Kind
from mofan.meetings.services import meeting_create_held
from mofan.meetings.tests.conftest import present
from mofan.members.tests.conftest import entered

FLAG = "连续六个月未参加组织生活"


def text(response) -> str:
    return response.content.decode()


def test_it_flags_a_member_without_organisational_life_for_six_months(
    tree, users, roll, login, today
):
    absent, attending = roll(tree.branch, 2)
    meeting_create_held(
        actor=users.secretary, org=tree.branch, kind=Kind.THEME_DAY, topic="重温入党誓词",
        held_on=today - timedelta(days=10), attendance=present([attending, absent], 1),
    )  # fmt: skip
    client = login(users.secretary)
    assert FLAG in text(client.get(f"/members/{absent.pk}/"))
    assert FLAG not in text(client.get(f"/members/{attending.pk}/"))


def test_it_does_not_flag_a_member_entered_in_the_records_less_than_six_months_ago(
    tree, users, roll, login, today
):
    """A long-standing member whose record was entered today has missed nothing in Mofan yet;
    one entered seven months ago without attending since is flagged."""
    new_record, old_record = roll(tree.branch, 2)
    entered(new_record, today)
    entered(old_record, today - timedelta(days=215))
    client = login(users.secretary)
    assert FLAG not in text(client.get(f"/members/{new_record.pk}/"))
    assert FLAG in text(client.get(f"/members/{old_record.pk}/"))


def test_it_gives_the_attendance_rate_of_each_branch(tree, users, roll, login, today):
    people = roll(tree.branch, 4)
    meeting_create_held(
        actor=users.secretary, org=tree.branch, kind=Kind.THEME_DAY, topic="主题党日",
        held_on=today, attendance=present(people, 3),
    )  # fmt: skip
    page = text(
        login(users.unit_admin).get(f"/meetings/attendance/?org={tree.unit.id}&year={today.year}")
    )
    row = page.split('id="by-org"')[1].split("</table>")[0]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)
    assert cells == ["发改委第一党支部", "4", "3", "75%"]
