"""The Playwright fixtures of mofan/core/tests/browser, shared with the member flows."""

from mofan.site.tests.browser.conftest import *  # noqa: F403
