from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from mofan.accounts.models import User
from mofan.core.access import Role
from mofan.core.models import AuditLog
from mofan.orgs.models import Org, OrgType


def run_setup(*args):
    out = StringIO()
    call_command("setup", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_creates_the_top_committee_and_a_new_admin_who_must_change_password():
    output = run_setup("--code", "SZJG", "--name", "中共XX市直属机关工作委员会", "--admin", "gw")

    root = Org.objects.get(code="SZJG")
    assert root.org_type == OrgType.WORKING_COMMITTEE and root.depth == 1
    admin = User.objects.get(username="gw")
    assert admin.must_change_password
    assert list(admin.grants.values_list("role", "org__code")) == [(Role.COMMITTEE_ADMIN, "SZJG")]
    temporary = output.strip().splitlines()[-1].split("：")[-1]
    assert admin.check_password(temporary)
    assert AuditLog.objects.filter(action="org.create", target_id=str(root.pk)).exists()


@pytest.mark.django_db
def test_it_refuses_a_second_top_committee(tree):
    with pytest.raises(CommandError, match="已有顶层组织"):
        run_setup("--code", "X", "--name", "另一个工委", "--admin", "gw")
    assert Org.objects.filter(depth=1).count() == 1
