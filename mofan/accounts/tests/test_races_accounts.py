"""Concurrent writes keep the account rules (issue 9 §4): two admins creating the same username
at once (in any case) create one account, and the same grant given twice at once is given once;
the other admin is told why. PostgreSQL only: SQLite runs one writer at a time."""

from mofan.accounts.models import Grant, User
from mofan.accounts.services import grant_create, user_create
from mofan.core.access import Role
from mofan.core.tests.concurrency import POSTGRES_ONLY, at_once, refusals

pytestmark = POSTGRES_ONLY


def create(users, tree, username):
    return lambda: user_create(
        actor=users.unit_admin,
        username=username,
        name="张三",
        password="Init#Pass2024",
        role=Role.MEMBER,
        org=tree.branch,
    )


def test_two_admins_creating_one_username_at_once_create_one_account(users, tree):
    results = at_once([create(users, tree, "zhangsan"), create(users, tree, "ZhangSan")])
    reasons = refusals(results)
    assert len(reasons) == 1 and reasons[0] in (
        "用户名“zhangsan”已被使用",
        "用户名“ZhangSan”已被使用",
    )
    assert User.objects.filter(username__iexact="zhangsan").count() == 1


def test_the_same_grant_given_twice_at_once_is_given_once(users, tree):
    def give():
        user = User.objects.get(pk=users.member.pk)
        return grant_create(actor=users.unit_admin, user=user, role=Role.SECRETARY, org=tree.branch)

    assert refusals(at_once([give, give, give])) == ["该用户已有此授权", "该用户已有此授权"]
    assert Grant.objects.filter(user=users.member, role=Role.SECRETARY).count() == 1
