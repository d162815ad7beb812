"""Playwright fixtures: one Debian chromium per test session (per xdist worker), a fresh
browser context per test, pages pointed at pytest-django's `live_server`.

Playwright's sync API keeps an asyncio loop running in the main thread from the moment it
starts until the session ends, so Django would refuse every ORM call made afterwards in this
process (SynchronousOnlyOperation), in these tests and in any test the same xdist worker runs
later. The ORM calls here are plain synchronous code between browser steps, so the check is
switched off for the process before Django opens a connection.
"""

import os

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
TIMEOUT_MS = 10_000  # generous: CI runs this next to the rest of the suite on 2 cores


def _no_browser(reason: str):
    """Skip, or fail when CI insists on running the browser tests (MOFAN_REQUIRE_BROWSER=1)."""
    if os.environ.get("MOFAN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (MOFAN_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(f"{reason}; set MOFAN_REQUIRE_BROWSER=1 to make this a failure")


# One Playwright and one chromium per process. Other apps' browser tests re-export these
# fixtures from their own conftest (`from mofan.site.tests.browser.conftest import *`), which
# gives pytest one session-scoped `browser` per conftest; a second sync Playwright cannot start
# while the first one's loop runs, so every copy shares this one and the last closes it.
_shared: dict = {}


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        _no_browser(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _no_browser("the playwright package is not installed")
    expect.set_options(timeout=TIMEOUT_MS)
    if not _shared:
        playwright = sync_playwright().start()
        _shared.update(
            playwright=playwright,
            browser=playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            ),
            users=0,
        )
    _shared["users"] += 1
    yield _shared["browser"]
    _shared["users"] -= 1
    if not _shared["users"]:
        _shared["browser"].close()
        _shared["playwright"].stop()
        _shared.clear()


@pytest.fixture
def new_page(browser, live_server):
    """new_page(viewport=...) → a page in its own context (own cookies) on the live server."""
    contexts = []

    def _new_page(viewport=DESKTOP):
        context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="zh-CN")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def log_in(password):
    """log_in(page, user[, secret]) → the page after submitting the login form (the shared
    test password unless told); open_form=False submits the form the page already shows."""

    def _log_in(page, user, secret=password, *, open_form=True):
        if open_form:
            page.goto("/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", secret)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()
        return page

    return _log_in
