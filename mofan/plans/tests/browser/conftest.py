"""The Playwright fixtures of mofan/core/tests/browser, shared with the plan flows."""

from mofan.core.tests.browser.conftest import *  # noqa: F403
