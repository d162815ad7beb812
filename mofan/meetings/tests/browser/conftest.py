"""The Playwright fixtures of mofan/core/tests/browser, shared with the meeting flows."""

from mofan.members.tests.conftest import make_member  # noqa: F401
from mofan.site.tests.browser.conftest import *  # noqa: F403
