"""`mofan demo`: about 70 units, the five demo users, terms to watch, an account for every
member; idempotent."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from mofan.accounts.models import Grant, User
from mofan.appraisal.tests.demo_checks import check_demo_appraisal
from mofan.assessment.compute import results
from mofan.assessment.models import Round, RoundKind, RoundStatus
from mofan.brands.tests.demo_checks import check_demo_brands
from mofan.core.access import Role
from mofan.meetings.models import Meeting
from mofan.members.models import Candidate, DuesPayment, Member
from mofan.orgs.models import CommitteeSeat, Org, OrgType
from mofan.site.management.commands.demo import DEMO_PASSWORD, ROOT_CODE

DEMO_USERS = {
    "admin": (Role.COMMITTEE_ADMIN, OrgType.WORKING_COMMITTEE),
    "danwei": (Role.UNIT_ADMIN, OrgType.ORGAN_COMMITTEE),
    "shuji": (Role.SECRETARY, OrgType.BRANCH),
    "dangyuan": (Role.MEMBER, OrgType.BRANCH),
    "lingdao": (Role.LEADER, OrgType.WORKING_COMMITTEE),
}


def counts() -> dict[str, int]:
    return {
        "orgs": Org.objects.count(),
        "users": User.objects.count(),
        "grants": Grant.objects.count(),
        "committee": CommitteeSeat.objects.count(),
        "members": Member.objects.count(),
        "candidates": Candidate.objects.count(),
        "dues": DuesPayment.objects.count(),
        "meetings": Meeting.objects.count(),
    }


# The full demo takes a while to build, so one test builds it once and checks it all.
@pytest.mark.django_db
def test_it_builds_the_demo_once_and_running_it_again_changes_nothing():
    call_command("demo", "--if-empty")
    root = Org.objects.get(code=ROOT_CODE)
    check_about_seventy_units_with_terms_to_watch(root)
    check_the_five_users_log_in_without_a_password_change()
    check_members_pipeline_dues_and_meetings()
    check_every_member_has_an_account_that_logs_in()
    check_three_closed_assessments_and_one_in_self_assessment()
    check_demo_appraisal()
    check_demo_brands()
    before = counts()
    call_command("demo")
    call_command("demo", "--if-empty")
    assert counts() == before
    assert Org.objects.filter(code=ROOT_CODE).count() == 1


def check_three_closed_assessments_and_one_in_self_assessment():
    final = Round.objects.filter(status=RoundStatus.FINAL)
    closed = final.filter(kind=RoundKind.ANNUAL).order_by("ends_on")
    year = timezone.localdate().year
    assert [r.ends_on.year for r in closed] == [year - 3, year - 2, year - 1]
    assert final.filter(kind=RoundKind.TRIENNIAL, starts_on__year=year - 3).count() == 1
    quarters_over = (timezone.localdate().month - 1) // 3  # the current one is in self-assessment
    assert final.filter(kind=RoundKind.QUARTERLY).count() == quarters_over
    table = results(closed.last())
    assert len(table) >= 60 and {r.rank for r in table} >= {1, 2}
    assert all(r.grade for r in table) and any(r.total > 0 for r in table)
    assert Round.objects.filter(status=RoundStatus.SELF).count() == 1
    assert (
        User.objects.get(username="danwei")
        .notifications.filter(title__contains="考核已发布")
        .exists()
    )


def check_about_seventy_units_with_terms_to_watch(root):
    units = Org.objects.filter(
        path__startswith=root.path,
        depth=root.depth + 1,
        org_type__in=[OrgType.ORGAN_COMMITTEE, OrgType.GENERAL_BRANCH],
    )
    assert units.count() >= 60
    assert units.filter(name__contains="市发改委").exists()
    assert Org.objects.filter(org_type=OrgType.BRANCH).count() > units.count()
    assert Org.objects.filter(org_type=OrgType.PARTY_GROUP).exists()
    assert CommitteeSeat.objects.exists()
    today = timezone.localdate()
    assert Org.objects.filter(
        term_end__gte=today, term_end__lte=today + timedelta(days=90)
    ).exists()
    assert Org.objects.filter(term_end__lt=today).exists()


def check_the_five_users_log_in_without_a_password_change():
    for username, (role, org_type) in DEMO_USERS.items():
        grant = Grant.objects.select_related("org").get(user__username=username)
        assert grant.role == role, username
        assert grant.org.org_type == org_type, username
        client = Client()
        response = client.post(
            "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        home = client.get("/", follow=True)
        assert home.status_code == 200, username
        assert home.wsgi_request.user.username == username
        if username == "dangyuan":  # a plain member lands on their own page
            assert home.redirect_chain == [("/mine/", 302)]
    shuji, dangyuan, danwei = (
        Grant.objects.get(user__username=u).org for u in ["shuji", "dangyuan", "danwei"]
    )
    assert shuji == dangyuan
    assert shuji.path.startswith(danwei.path)
    plain = Member.objects.get(user__username="dangyuan")
    assert plain.org == dangyuan and plain.name == User.objects.get(username="dangyuan").name
    secretary = Member.objects.get(user__username="shuji")
    assert CommitteeSeat.objects.filter(org=shuji, member=secretary, post="secretary").exists()


def check_every_member_has_an_account_that_logs_in():
    assert not Member.objects.filter(user__isnull=True).exists()
    assert not User.objects.filter(member__isnull=False, must_change_password=True).exists()
    member = Member.objects.exclude(user__username__in=DEMO_USERS).order_by("id").last()
    assert Grant.objects.filter(user=member.user, role=Role.MEMBER, org=member.org).exists()
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": member.user.username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    page = client.get("/", follow=True)
    assert page.redirect_chain == [("/mine/", 302)]
    assert member.name in page.content.decode()
    # the branch committee is linked by record, so the quorum counts records
    assert (
        CommitteeSeat.objects.filter(org__org_type=OrgType.BRANCH, member__isnull=True).count() == 0
    )


def check_members_pipeline_dues_and_meetings():
    assert 2500 <= Member.objects.count() <= 3500
    assert Member.objects.filter(category="probationary").exists()
    assert 25 <= Candidate.objects.count() <= 35
    assert DuesPayment.objects.count() > 10 * Member.objects.count()
    assert Meeting.objects.filter(status="held").count() > 5000
    assert Meeting.objects.filter(status="planned").exists()


def test_it_does_nothing_with_if_empty_when_orgs_exist(tree):
    before = counts()
    call_command("demo", "--if-empty")
    assert counts() == before
    assert not User.objects.filter(username__in=DEMO_USERS).exists()
