"""Uses of the member data: counts by category on the org tree and org pages (rolled up over
the sub-tree), and the org health checks firing on real member counts."""

import re

import pytest
from django.utils import timezone

from mofan.core.access import SYSTEM
from mofan.members.counts import members_recount
from mofan.members.models import Category, Member, Status
from mofan.orgs.counts import MemberCount, member_counts
from mofan.orgs.health import subtree_health
from mofan.orgs.models import CommitteePost
from mofan.orgs.services import committee_seat_add


def add(make_member, org, full=0, probationary=0):
    for _ in range(full):
        make_member(org)
    for _ in range(probationary):
        make_member(org, category=Category.PROBATIONARY)


def leave(member, status):
    """Off the roll as a status service would leave it (the services keep the counters)."""
    Member.objects.filter(pk=member.pk).update(status=status)
    members_recount([member.org_id])


def node_counts(page: str, org) -> tuple[int, int, int]:
    match = re.search(
        rf'<a href="/orgs/{org.id}/">{re.escape(org.name)}</a>\s*<span class="tag gray">[^<]*</span>'
        r"\s*<span class=\"counts\">党员 (\d+)（正式 (\d+)，预备 (\d+)）</span>",
        page,
    )
    assert match, f"no counts for {org.name}"
    return tuple(int(n) for n in match.groups())


@pytest.fixture
def counted(tree, make_member):
    """branch 3 full + 1 probationary (+1 deceased, +1 transferred out); other_branch 1 full;
    far_branch 2 probationary."""
    add(make_member, tree.branch, full=3, probationary=1)
    leave(make_member(tree.branch), Status.DECEASED)
    leave(make_member(tree.branch, category=Category.PROBATIONARY), Status.TRANSFERRED_OUT)
    mobile = make_member(tree.other_branch)
    leave(mobile, Status.MOBILE)  # 流动党员 stay on their branch's roll
    add(make_member, tree.far_branch, probationary=2)
    return tree


def test_it_counts_current_members_by_category_per_org(counted):
    counts = member_counts([counted.branch.id, counted.other_branch.id, counted.unit.id])
    assert counts == {
        counted.branch.id: MemberCount(4, 3, 1),
        counted.other_branch.id: MemberCount(1, 1, 0),
    }


def test_it_shows_counts_rolled_up_on_the_tree_page(counted, users, login):
    page = login(users.committee_admin).get("/orgs/").content.decode()
    assert node_counts(page, counted.committee) == (7, 4, 3)
    assert node_counts(page, counted.unit) == (5, 4, 1)
    assert node_counts(page, counted.far_unit) == (2, 0, 2)


def test_it_shows_counts_on_the_tree_below_a_unit(counted, users, login):
    page = login(users.unit_admin).get("/orgs/").content.decode()
    assert node_counts(page, counted.unit) == (5, 4, 1)
    assert node_counts(page, counted.branch) == (4, 3, 1)
    assert node_counts(page, counted.other_branch) == (1, 1, 0)
    assert counted.far_unit.name not in page


def test_it_shows_counts_on_the_children_loaded_on_demand(counted, users, login):
    page = login(users.committee_admin).get(f"/orgs/{counted.unit.id}/children/").content.decode()
    assert node_counts(page, counted.branch) == (4, 3, 1)
    assert node_counts(page, counted.other_branch) == (1, 1, 0)


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("committee", "7（正式 4，预备 3"),
        ("unit", "5（正式 4，预备 1"),
        ("branch", "4（正式 3，预备 1"),
    ],
)
def test_it_shows_counts_on_the_org_page(counted, users, login, where, expected):
    org = getattr(counted, where)
    page = login(users.committee_admin).get(f"/orgs/{org.id}/").content.decode()
    assert f"<dt>党员人数</dt><dd>{expected}，含下级组织）</dd>" in page


def test_it_follows_a_member_who_leaves(counted, users, login):
    leave(Member.objects.filter(org=counted.branch, status=Status.NORMAL).first(), Status.DECEASED)
    page = login(users.unit_admin).get("/orgs/").content.decode()
    assert node_counts(page, counted.unit)[0] == 4


# --- health checks on real counts ----------------------------------------------------------


def codes(org) -> set[str]:
    return {
        f.rule_code for f in subtree_health(org, today=timezone.localdate()) if f.org_id == org.id
    }


def seat(org, n):
    posts = [CommitteePost.SECRETARY, CommitteePost.ORGANISATION, CommitteePost.PUBLICITY]
    for i in range(n):
        committee_seat_add(actor=SYSTEM, org=org, name=f"委员{i}", post=posts[i % 3])


def test_it_flags_a_branch_of_more_than_50_members(tree, make_member):
    seat(tree.branch, 3)
    add(make_member, tree.branch, full=40, probationary=10)
    assert "branch-too-large" not in codes(tree.branch)
    make_member(tree.branch, category=Category.PROBATIONARY)
    assert "branch-too-large" in codes(tree.branch)
    finding = next(f for f in subtree_health(tree.branch) if f.rule_code == "branch-too-large")
    assert "51 名党员" in finding.message


def test_it_counts_only_current_members_towards_the_upper_limit(tree, make_member):
    add(make_member, tree.branch, full=50)
    leave(make_member(tree.branch), Status.EXPELLED)
    assert "branch-too-large" not in codes(tree.branch)


def test_it_flags_a_branch_with_fewer_than_3_full_members(tree, make_member):
    add(make_member, tree.branch, full=2, probationary=4)
    found = {
        f.rule_code: f.message for f in subtree_health(tree.branch) if f.org_id == tree.branch.id
    }
    assert "正式党员 2 名，不足 3 名" in found["branch-too-small"]
    make_member(tree.branch)
    assert "branch-too-small" not in codes(tree.branch)


def test_it_flags_7_full_members_without_a_committee(tree, make_member):
    add(make_member, tree.branch, full=6, probationary=3)
    assert "committee-required" not in codes(tree.branch)
    make_member(tree.branch)
    assert "committee-required" in codes(tree.branch)
    seat(tree.branch, 3)
    assert "committee-required" not in codes(tree.branch)


def test_it_shows_the_findings_on_the_health_page(tree, users, login, make_member):
    add(make_member, tree.branch, full=7)
    add(make_member, tree.other_branch, full=1)
    page = login(users.unit_admin).get(f"/orgs/{tree.unit.id}/health/").content.decode()
    assert "发改委第一党支部 有 7 名正式党员，应设立 3–5 人的支部委员会" in page
    assert "发改委第二党支部 正式党员 1 名，不足 3 名" in page
