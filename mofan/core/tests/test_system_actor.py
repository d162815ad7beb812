"""Writes by the platform itself name their actor: the audit log tells a job from a person."""

import pytest

from mofan.core.access import DEMO, SYSTEM, SystemActor, is_system, scope_of
from mofan.core.audit import audit
from mofan.core.models import AuditLog


def test_the_system_actor_may_do_anything_anywhere():
    scope = scope_of(SYSTEM)
    assert scope.can_admin("0001.0007.0003.")
    assert scope.can_record("0009.")
    assert scope.can_admin_strictly_below("0001.")
    assert scope.is_committee_admin
    assert is_system(DEMO)
    assert not is_system(None)


@pytest.mark.django_db
def test_a_system_write_is_signed_with_the_jobs_name():
    audit(actor=SystemActor("定时任务"), action="test.system", detail="夜间扫描")
    audit(actor=DEMO, action="test.demo")
    rows = dict(AuditLog.objects.values_list("action", "username"))
    assert rows == {"test.system": "系统：定时任务", "test.demo": "系统：演示数据"}
    assert not AuditLog.objects.filter(user__isnull=False).exists()
