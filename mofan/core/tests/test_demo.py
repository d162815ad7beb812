"""`mofan demo`: about 70 units, the five demo users, terms to watch; idempotent."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from mofan.accounts.models import Grant, User
from mofan.accounts.roles import Role
from mofan.core.management.commands.demo import DEMO_PASSWORD, ROOT_CODE
from mofan.orgs.models import CommitteeMember, Org, OrgType

DEMO_USERS = {
    "admin": (Role.COMMITTEE_ADMIN, OrgType.WORKING_COMMITTEE),
    "danwei": (Role.UNIT_ADMIN, OrgType.ORGAN_COMMITTEE),
    "shuji": (Role.SECRETARY, OrgType.BRANCH),
    "dangyuan": (Role.MEMBER, OrgType.BRANCH),
    "lingdao": (Role.LEADER, OrgType.WORKING_COMMITTEE),
}


@pytest.fixture
def demo(db):
    call_command("demo")
    return Org.objects.get(code=ROOT_CODE)


def counts() -> dict[str, int]:
    return {
        "orgs": Org.objects.count(),
        "users": User.objects.count(),
        "grants": Grant.objects.count(),
        "committee": CommitteeMember.objects.count(),
    }


def test_it_builds_about_seventy_units_with_terms_to_watch(demo):
    units = Org.objects.filter(
        path__startswith=demo.path,
        depth=demo.depth + 1,
        org_type__in=[OrgType.ORGAN_COMMITTEE, OrgType.GENERAL_BRANCH],
    )
    assert units.count() >= 60
    assert units.filter(name__contains="市发改委").exists()
    assert Org.objects.filter(org_type=OrgType.BRANCH).count() > units.count()
    assert Org.objects.filter(org_type=OrgType.PARTY_GROUP).exists()
    assert CommitteeMember.objects.exists()
    today = timezone.localdate()
    assert Org.objects.filter(
        term_end__gte=today, term_end__lte=today + timedelta(days=90)
    ).exists()
    assert Org.objects.filter(term_end__lt=today).exists()


def test_it_creates_the_five_users_who_log_in_without_a_password_change(demo):
    for username, (role, org_type) in DEMO_USERS.items():
        grant = Grant.objects.select_related("org").get(user__username=username)
        assert grant.role == role, username
        assert grant.org.org_type == org_type, username
        client = Client()
        response = client.post(
            "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        home = client.get("/")
        assert home.status_code == 200, username
        assert home.wsgi_request.user.username == username
    shuji, dangyuan, danwei = (
        Grant.objects.get(user__username=u).org for u in ["shuji", "dangyuan", "danwei"]
    )
    assert shuji == dangyuan
    assert shuji.path.startswith(danwei.path)


def test_it_loads_into_an_empty_database_once(db):
    call_command("demo", "--if-empty")
    before = counts()
    assert before["orgs"] > 300
    assert User.objects.filter(username__in=DEMO_USERS).count() == 5
    call_command("demo")
    call_command("demo", "--if-empty")
    assert counts() == before
    assert Org.objects.filter(code=ROOT_CODE).count() == 1


def test_it_does_nothing_with_if_empty_when_orgs_exist(tree):
    before = counts()
    call_command("demo", "--if-empty")
    assert counts() == before
    assert not User.objects.filter(username__in=DEMO_USERS).exists()
