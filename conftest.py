"""Fixtures shared by every test module.

The tree:   committee (机关工委)
            ├── unit (机关党委)
            │   ├── branch (党支部) ── group (党小组)
            │   └── other_branch (党支部)
            └── far_unit (党总支) ── far_branch (党支部)

Users: committee_admin (工委管理员 on committee), unit_admin (单位管理员 on unit),
secretary (支部书记 on branch), outsider (支部书记 on other_branch), leader (领导, read-only,
on committee), member (党员 on branch).
"""

from types import SimpleNamespace

import pytest
from hypothesis import settings as hypothesis_settings

from mofan.accounts.services import token_create
from mofan.core.access import SYSTEM, Role
from mofan.orgs.models import OrgType
from mofan.site.tests.factories import PASSWORD, make_org, make_user

# No per-example deadline: a loaded CI machine (or two suites side by side) makes a fast
# example slow now and then, and a deadline turns that into a flaky failure.
hypothesis_settings.register_profile("mofan", deadline=None)
hypothesis_settings.load_profile("mofan")


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def tree(db):
    committee = make_org(None, OrgType.WORKING_COMMITTEE, "市直机关工委", code="ROOT")
    unit = make_org(
        committee, OrgType.ORGAN_COMMITTEE, "市发改委机关党委", code="U1", unit="市发改委"
    )
    branch = make_org(unit, OrgType.BRANCH, "发改委第一党支部", code="U1-B1", unit="市发改委")
    group = make_org(branch, OrgType.PARTY_GROUP, "第一党小组", code="U1-B1-G1")
    other_branch = make_org(unit, OrgType.BRANCH, "发改委第二党支部", code="U1-B2")
    far_unit = make_org(committee, OrgType.GENERAL_BRANCH, "市民政局机关党总支", code="U2")
    far_branch = make_org(far_unit, OrgType.BRANCH, "民政局第一党支部", code="U2-B1")
    return SimpleNamespace(
        committee=committee,
        unit=unit,
        branch=branch,
        group=group,
        other_branch=other_branch,
        far_unit=far_unit,
        far_branch=far_branch,
    )


@pytest.fixture
def users(tree):
    return SimpleNamespace(
        committee_admin=make_user(Role.COMMITTEE_ADMIN, tree.committee, "gwadmin"),
        unit_admin=make_user(Role.UNIT_ADMIN, tree.unit, "unitadmin"),
        secretary=make_user(Role.SECRETARY, tree.branch, "secretary"),
        outsider=make_user(Role.SECRETARY, tree.other_branch, "outsider"),
        leader=make_user(Role.LEADER, tree.committee, "leader"),
        member=make_user(Role.MEMBER, tree.branch, "member"),
    )


@pytest.fixture
def login(client):
    """login(user) → the test client logged in as that user."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def api(client):
    """api(user) → a client whose requests carry the user's Bearer token."""

    def _api(user):
        _, plain = token_create(actor=SYSTEM, user=user, name="test")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {plain}"
        return client

    return _api


@pytest.fixture
def password():
    return PASSWORD
