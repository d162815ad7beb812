"""The Playwright fixtures of mofan/core/tests/browser, shared with the meeting flows."""

from mofan.core.tests.browser.conftest import *  # noqa: F403
from mofan.members.tests.conftest import make_member  # noqa: F401
