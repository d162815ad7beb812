"""Concurrent writes keep the org rules (issue 9 §4): one org code is taken once, and one member
is seated once; the other admin is told why. PostgreSQL only: SQLite runs one writer at a time."""

from mofan.core.access import SYSTEM
from mofan.core.tests.concurrency import POSTGRES_ONLY, at_once, refusals
from mofan.orgs.models import CommitteeSeat, Org, OrgType
from mofan.orgs.services import committee_seat_add, org_create

pytestmark = POSTGRES_ONLY


def create(parent, code, name="新设党支部"):
    return lambda: org_create(
        actor=SYSTEM,
        parent=Org.objects.get(pk=parent.pk),
        name=name,
        code=code,
        org_type=OrgType.BRANCH,
    )


def test_one_code_entered_under_two_parents_at_once_is_taken_once(tree):
    results = at_once([create(tree.unit, "NEW-1"), create(tree.far_unit, "NEW-1")])
    assert refusals(results) == ["组织编码“NEW-1”已被使用"]
    assert Org.objects.filter(code="NEW-1").count() == 1


def test_one_member_seated_twice_at_once_holds_one_seat(tree, make_member):
    zhao = make_member(tree.branch, name="赵强")

    def seat(post):
        return lambda: committee_seat_add(
            actor=SYSTEM,
            org=Org.objects.get(pk=tree.branch.pk),
            name="",
            post=post,
            member_id=zhao.pk,
        )

    assert refusals(at_once([seat("secretary"), seat("member")])) == ["赵强 已在班子中"]
    assert CommitteeSeat.objects.filter(member=zhao).count() == 1
