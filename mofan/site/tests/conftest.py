"""Fixtures of the composition tests: member records from the members tests."""

from mofan.members.tests.conftest import link, make_member  # noqa: F401
