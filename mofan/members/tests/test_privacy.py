"""A plain member reads their own record only: not the other members' phone numbers, citizen
numbers, native place or dues base, on the pages or through the API, and exports no roster.
Everyone above a plain member keeps reading the roster of their sub-tree as before."""

from datetime import date

import pytest

from mofan.core.access import SYSTEM, Role
from mofan.core.models import AuditLog
from mofan.site.tests.factories import make_user

SECRET_BITS = ("13911112222", "山东济南", "7654.00")


def text(response):
    return response.content.decode()


@pytest.fixture
def me(tree, users, make_member, link):
    member = make_member(tree.branch, name="本人", phone="13800001111", native_place="河北保定")
    return link(member, users.member)


@pytest.fixture
def neighbour(tree, make_member):
    return make_member(
        tree.branch,
        name="同支部党员",
        phone="13911112222",
        native_place="山东济南",
        dues_base="7654.00",
    )


def test_a_plain_member_lists_and_opens_only_their_own_record(users, me, neighbour, login):
    client = login(users.member)
    listing = text(client.get("/members/"))
    assert "本人" in listing and "同支部党员" not in listing
    assert client.get(f"/members/{me.id}/").status_code == 200
    assert "13800001111" in text(client.get(f"/members/{me.id}/"))
    response = client.get(f"/members/{neighbour.id}/")
    assert response.status_code == 404
    assert not any(bit in text(response) for bit in SECRET_BITS)
    assert client.get(f"/members/{neighbour.id}/photo/").status_code == 404


def test_a_plain_member_cannot_export_the_roster(users, me, neighbour, login, api):
    client = login(users.member)
    assert "导出 Excel" not in text(client.get("/members/"))
    assert client.get("/members/export.xlsx").status_code == 403
    assert api(users.member).get("/api/v1/members/export").status_code == 403
    assert not AuditLog.objects.filter(action="member.export").exists()


def test_a_plain_member_sees_no_other_record_through_the_api(users, me, neighbour, api):
    client = api(users.member)
    listing = client.get("/api/v1/members").json()
    assert [item["name"] for item in listing["items"]] == ["本人"]
    assert client.get(f"/api/v1/members/{neighbour.id}").status_code == 404
    assert client.get(f"/api/v1/members/{me.id}").json()["phone"] == "13800001111"


def test_a_plain_member_without_a_record_sees_no_member(users, neighbour, login, api):
    assert "同支部党员" not in text(login(users.member).get("/members/"))
    assert api(users.member).get("/api/v1/members").json()["count"] == 0


def test_dues_and_birthdays_show_a_plain_member_only_themselves(users, me, neighbour, login):
    client = login(users.member)
    for url in ("/members/dues/", "/members/birthdays/"):
        page = text(client.get(url))
        assert "同支部党员" not in page and "7654" not in page


@pytest.mark.parametrize("who", ["secretary", "unit_admin", "leader", "committee_admin"])
def test_everyone_above_a_plain_member_still_reads_the_roster(users, me, neighbour, login, who):
    client = login(getattr(users, who))
    assert "同支部党员" in text(client.get("/members/"))
    assert "13911112222" in text(client.get(f"/members/{neighbour.id}/"))
    assert client.get("/members/export.xlsx").status_code == 200


def test_a_secretary_who_is_also_a_member_elsewhere_reads_only_their_branch_roster(
    tree, make_member, login
):
    person = make_user(Role.SECRETARY, tree.branch, "liangtou")
    from mofan.accounts.services import grant_create

    grant_create(actor=SYSTEM, user=person, role=Role.MEMBER, org=tree.other_branch)
    make_member(tree.other_branch, name="第二支部党员")
    make_member(
        tree.branch,
        name="第一支部党员",
        joined_on=date(2012, 7, 1),
        full_member_on=date(2013, 7, 1),
    )
    listing = text(login(person).get("/members/"))
    assert "第一支部党员" in listing and "第二支部党员" not in listing


def test_a_plain_member_of_another_branch_sees_nothing_of_this_one(tree, me, login):
    stranger = make_user(Role.MEMBER, tree.other_branch, "stranger")
    client = login(stranger)
    assert client.get(f"/members/{me.id}/").status_code == 404
    assert "本人" not in text(client.get("/members/"))
