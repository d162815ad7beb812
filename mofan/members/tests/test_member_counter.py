"""The member counters (issue 8 §7): the org tree reads a stored count per org that the member
services keep right through entry, roster import, transfers, 转正 and leaving; `mofan
recount_members` repairs a wrong counter; the tree page's query count does not grow with the
number of members."""

import io
import re
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mofan.core.access import SYSTEM
from mofan.members.excel import check_roster, commit_roster
from mofan.members.lifecycle import (
    member_make_full,
    member_set_status,
    member_transfer_out_of_system,
    transfer_accept,
    transfer_send,
)
from mofan.members.models import Category, OrgMemberCount, Status
from mofan.members.services import member_update
from mofan.members.tests.test_import_export import person, roster_bytes
from mofan.orgs.models import OrgType
from mofan.site.tests.factories import make_org


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def stored(org) -> tuple[int, int, int]:
    row = OrgMemberCount.objects.filter(org=org).first()
    return (row.members, row.full_members, row.probationary) if row else (0, 0, 0)


def shown(page: str, org) -> tuple[int, int, int]:
    match = re.search(
        rf'<a href="/orgs/{org.id}/">{re.escape(org.name)}</a>\s*<span class="tag gray">[^<]*</span>'
        r"\s*<span class=\"counts\">党员 (\d+)（正式 (\d+)，预备 (\d+)）</span>",
        page,
    )
    assert match, f"no counts for {org.name}"
    return tuple(int(n) for n in match.groups())


def test_entering_members_counts_them_by_category(tree, make_member):
    make_member(tree.branch)
    make_member(tree.branch, category=Category.PROBATIONARY)
    make_member(tree.other_branch)
    assert stored(tree.branch) == (2, 1, 1)
    assert stored(tree.other_branch) == (1, 1, 0)
    assert stored(tree.unit) == (0, 0, 0)


def test_a_roster_import_counts_the_new_members(tree, users):
    rows = [
        person(tree.branch, 姓名="王一"),
        person(tree.branch, 姓名="王二", 人员类别="预备", 入党日期="2024.3.5"),
        person(tree.other_branch, 姓名="王三"),
    ]
    checked = check_roster(actor=users.unit_admin, upload=io.BytesIO(roster_bytes(rows)))
    assert commit_roster(actor=users.unit_admin, checked=checked) == (3, 0)
    assert stored(tree.branch) == (2, 1, 1)
    assert stored(tree.other_branch) == (1, 1, 0)


def test_a_transfer_moves_the_count_when_it_is_accepted(tree, make_member):
    moving = make_member(tree.branch)
    make_member(tree.branch)
    transfer = transfer_send(
        actor=SYSTEM,
        member=moving,
        to_org=tree.far_branch,
        letter_number="转 1",
        on=date(2024, 5, 1),
    )
    assert stored(tree.branch) == (2, 2, 0)  # still on the sender's roll until received
    assert stored(tree.far_branch) == (0, 0, 0)
    transfer_accept(actor=SYSTEM, transfer=transfer, on=date(2024, 5, 6))
    assert stored(tree.branch) == (1, 1, 0)
    assert stored(tree.far_branch) == (1, 1, 0)


def test_moving_a_member_by_editing_the_branch_moves_the_count(tree, make_member):
    member = make_member(tree.branch)
    member_update(actor=SYSTEM, member=member, org=tree.other_branch)
    assert stored(tree.branch) == (0, 0, 0)
    assert stored(tree.other_branch) == (1, 1, 0)


def test_leaving_and_transfer_out_of_the_system_take_members_off_the_count(tree, make_member):
    dead, gone, mobile = (make_member(tree.branch) for _ in range(3))
    make_member(tree.branch)
    member_set_status(
        actor=SYSTEM, member=dead, status=Status.DECEASED, on=date(2024, 5, 1), reason="病故"
    )
    assert stored(tree.branch) == (3, 3, 0)
    member_transfer_out_of_system(
        actor=SYSTEM,
        member=gone,
        destination="外省某支部",
        letter_number="外 1",
        on=date(2024, 5, 2),
    )
    assert stored(tree.branch) == (2, 2, 0)
    member_set_status(
        actor=SYSTEM, member=mobile, status=Status.MOBILE, on=date(2024, 5, 3), reason=""
    )
    assert stored(tree.branch) == (2, 2, 0)  # 流动党员 stay on the roll


def test_becoming_a_full_member_moves_between_the_categories(tree, make_member):
    member = make_member(tree.branch, category=Category.PROBATIONARY, joined_on=date(2023, 7, 1))
    assert stored(tree.branch) == (1, 0, 1)
    member_make_full(actor=SYSTEM, member=member, on=date(2024, 7, 2), meeting="支部党员大会")
    assert stored(tree.branch) == (1, 1, 0)


def test_the_tree_page_shows_the_counter(tree, users, login, make_member):
    make_member(tree.branch)
    make_member(tree.far_branch, category=Category.PROBATIONARY)
    page = login(users.committee_admin).get("/orgs/").content.decode()
    assert shown(page, tree.committee) == (2, 1, 1)
    assert shown(page, tree.unit) == (1, 1, 0)


def test_recount_repairs_a_wrong_counter(tree, users, login, make_member):
    make_member(tree.branch)
    make_member(tree.branch)
    OrgMemberCount.objects.filter(org=tree.branch).update(members=9, full_members=9)
    OrgMemberCount.objects.create(org=tree.far_branch, members=3, full_members=3)
    out = io.StringIO()
    call_command("recount_members", stdout=out)
    assert "已修正 2 个组织的党员数" in out.getvalue()
    assert stored(tree.branch) == (2, 2, 0)
    assert stored(tree.far_branch) == (0, 0, 0)
    page = login(users.committee_admin).get("/orgs/").content.decode()
    assert shown(page, tree.committee) == (2, 2, 0)
    out = io.StringIO()
    call_command("recount_members", stdout=out)
    assert "均正确" in out.getvalue()


def _tree_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/orgs/").status_code == 200
    return len(queries)


def test_the_tree_page_reads_a_fixed_number_of_queries_at_two_sizes(
    tree, users, login, make_member
):
    client = login(users.committee_admin)
    make_member(tree.branch)
    small = _tree_queries(client)
    for i in range(4):
        branch = make_org(tree.far_unit, OrgType.BRANCH, f"新增第{i}党支部", code=f"NB{i}")
        for _ in range(3):
            make_member(branch)
    make_member(tree.other_branch, category=Category.PROBATIONARY)
    assert _tree_queries(client) == small
    assert shown(client.get("/orgs/").content.decode(), tree.committee) == (14, 13, 1)


def test_an_outsider_does_not_see_other_branches_counts(tree, users, login, make_member):
    make_member(tree.branch)
    page = login(users.outsider).get("/orgs/").content.decode()
    assert f'<a href="/orgs/{tree.branch.id}/">' not in page
    assert login(users.outsider).get(f"/orgs/{tree.branch.id}/").status_code in (403, 404)
