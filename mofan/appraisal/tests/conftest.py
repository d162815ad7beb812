"""A round of the committee with the unit (机关党委) and the branch reporting, and helpers. The
tree and users come from the root conftest.py (committee → unit → branch / other_branch;
far_unit → far_branch); the secretary's seat of the branch is linked to the secretary user."""

from datetime import date

import pytest

from mofan.appraisal import ballots, services
from mofan.appraisal.models import Grade, Identity
from mofan.core.access import SYSTEM
from mofan.members.logins import member_user_link
from mofan.members.models import Category
from mofan.members.services import member_create
from mofan.members.tests.conftest import new_id_number
from mofan.orgs.models import CommitteePost, CommitteeSeat

MEETING = date(2026, 12, 10)


def seat(org, name, user=None):
    member = None
    if user is not None:
        member = member_create(
            actor=SYSTEM,
            name=name,
            id_number=new_id_number(),
            sex="male",
            birth_date=date(1985, 6, 15),
            category=Category.FULL,
            org=org,
            joined_on=date(2010, 7, 1),
            full_member_on=date(2011, 7, 1),
        )
        member_user_link(actor=SYSTEM, member=member, user=user)
    return CommitteeSeat.objects.create(
        org=org, name=name, post=CommitteePost.SECRETARY, member=member
    )


@pytest.fixture
def seats(tree, users):
    return {
        "unit": seat(tree.unit, "李明"),
        "branch": seat(tree.branch, "张伟", users.secretary),
        "far_branch": seat(tree.far_branch, "王芳"),
    }


@pytest.fixture
def round_(users, tree, seats):
    round_ = services.round_create(
        actor=users.committee_admin,
        org=tree.committee,
        year=2026,
        title="2026 年度书记述职评议",
        meeting_on=MEETING,
    )
    services.reporters_add(
        actor=users.committee_admin, round_=round_, orgs=[tree.unit, tree.branch]
    )
    return round_


def panel(round_, identity=Identity.MEMBERS):
    return round_.panels.get(identity=identity)


@pytest.fixture
def voting(round_, users):
    """The round in its voting stage with 3 codes for 党员和群众代表 (returned with it)."""
    admin = users.committee_admin
    services.round_step(actor=admin, round_=round_)
    codes = ballots.codes_issue(actor=admin, panel=panel(round_), count=3)
    services.round_step(actor=admin, round_=round_)
    round_.refresh_from_db()
    return round_, codes


def all_good(round_, grade=Grade.GOOD):
    return {r.pk: grade for r in round_.reporters.all()}


@pytest.fixture
def system():
    return SYSTEM
