"""Rosters as units keep them: a branch's own list without a 所在支部 column, saved as an old
.xls, as .ods and as .xlsx by LibreOffice (the files in files/ were made by LibreOffice 7.4)."""

from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from mofan.members import crypto
from mofan.members.excel import check_roster, commit_roster
from mofan.members.models import Category, Education, Member

FILES = Path(__file__).parent / "files"
ROSTERS = ["branch_roster.xls", "branch_roster.ods", "branch_roster_libreoffice.xlsx"]
WANG, LI, ZHANG = "110105197503120114", "320102198811300226", "440106199605040336"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def pinned_today():
    """张磊 joined in March 2026 and is still probationary on this day."""
    with time_machine.travel(date(2026, 12, 2), tick=False):
        yield


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (FILES / name).read_bytes())


def by_number() -> dict[str, Member]:
    return {crypto.decrypt(m.id_number_cipher): m for m in Member.objects.all()}


@pytest.mark.parametrize("name", ROSTERS)
def test_it_imports_a_branch_roster_saved_by_another_office_suite(tree, users, name):
    checked = check_roster(actor=users.secretary, upload=upload(name), default_org=tree.branch)
    assert checked.errors == []
    assert commit_roster(actor=users.secretary, checked=checked) == (3, 0)
    members = by_number()
    assert {n: m.org for n, m in members.items()} == {
        WANG: tree.branch,
        LI: tree.branch,
        ZHANG: tree.branch,
    }
    wang, li, zhang = members[WANG], members[LI], members[ZHANG]
    assert (wang.name, wang.joined_on, wang.full_member_on) == (
        "王建国",
        date(2001, 7, 1),
        date(2002, 7, 1),
    )
    assert (li.joined_on, li.education, li.sex) == (
        date(2012, 6, 18),
        Education.POSTGRADUATE,
        "female",
    )
    assert (zhang.category, zhang.joined_on, zhang.education) == (
        Category.PROBATIONARY,
        date(2026, 3, 15),
        Education.COLLEGE,
    )


def test_without_a_branch_to_put_them_in_it_asks_for_the_column(tree, users):
    with pytest.raises(Exception, match="没有找到表头行.*所在支部"):
        check_roster(actor=users.secretary, upload=upload("branch_roster.xls"))


def test_the_page_takes_the_branch_for_rows_without_one(tree, users, login):
    client = login(users.secretary)
    page = client.post(
        "/members/import/", {"file": upload("branch_roster.ods"), "org": tree.branch.id}
    ).content.decode()
    assert "将新增 3 人" in page
    token = page.split('name="token" value="')[1].split('"')[0]
    assert f'name="org" value="{tree.branch.id}"' in page
    response = client.post("/members/import/", {"token": token, "org": tree.branch.id})
    assert response.status_code == 302
    assert set(by_number()) == {WANG, LI, ZHANG}


def test_the_page_offers_only_branches_the_user_may_record(tree, users, login):
    client = login(users.secretary)
    response = client.post(
        "/members/import/", {"file": upload("branch_roster.xls"), "org": tree.far_branch.id}
    )
    assert "请重新选择" in response.content.decode()
    assert not Member.objects.exists()


def test_the_api_takes_the_branch_for_rows_without_one(tree, users, api):
    response = api(users.secretary).post(
        "/api/v1/members/import", {"file": upload("branch_roster.xls"), "org_id": tree.branch.id}
    )
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 3
    assert {m.org for m in by_number().values()} == {tree.branch}


def test_the_api_refuses_a_branch_outside_the_users_scope(tree, users, api):
    response = api(users.secretary).post(
        "/api/v1/members/import",
        {"file": upload("branch_roster.xls"), "org_id": tree.far_branch.id},
    )
    assert response.status_code == 400
    assert "org_id" in response.content.decode()
    assert not Member.objects.exists()
