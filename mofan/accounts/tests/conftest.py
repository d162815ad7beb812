"""Fixtures for the accounts tests, on top of the shared tree and users in /conftest.py."""

import pytest

from mofan.core.access import Role
from mofan.core.models import AuditLog
from mofan.site.tests.factories import make_user

LOGIN_URL = "/accounts/login/"


@pytest.fixture
def far_admin(users, tree):
    """A unit admin of the other sub-tree (市民政局): an outsider to everyone under `unit`."""
    return make_user(Role.UNIT_ADMIN, tree.far_unit, "faradmin")


@pytest.fixture
def attempt_login(client):
    """attempt_login(username, password) → the response of the login page's POST."""

    def _attempt(username, password, **extra):
        return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)

    return _attempt


@pytest.fixture
def audit_records():
    """audit_records(action, **filters) → the audit rows of that action."""

    def _records(action, **filters):
        return AuditLog.objects.filter(action=action, **filters)

    return _records
