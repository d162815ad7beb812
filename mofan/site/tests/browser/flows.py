"""Steps the cross-module browser flows share: find a field by its label whatever the form
template does around it, pick an org in a plain or a searchable select, confirm in a native or
an in-page dialog, and measure how wide a page is on a phone."""

import re

from playwright.sync_api import expect

PHONE_WIDTH = 375
SCROLL_TOLERANCE = 2  # px: rounding of a scrollbar or a border, not a table running off
CONFIRM_WAIT_MS = 5_000


def field(page, label):
    """A form field by its label ("任务", "任务:", "任务 *"), whatever suffix or required mark."""
    return page.get_by_label(re.compile(rf"^[\s*＊]*{re.escape(label)}[\s:：*＊]*$")).first


def choose(page, label, option):
    """Pick `option` (its visible text) in the select labelled `label`: a plain <select>, or a
    searchable picker where one types part of the name and clicks the option."""
    target = field(page, label)
    if target.evaluate("e => e.tagName") == "SELECT":
        target.select_option(label=option)
        return
    # Tom Select's search input may sit out of sight in its control: open the control, type.
    control = target.locator("xpath=ancestor::*[contains(@class, 'ts-control')][1]")
    (control if control.count() else target).click()
    page.keyboard.type(option)
    # The dropdown's option whose own name is `option` (not one below it that shows it in its
    # path); the hidden <select>'s options are skipped.
    shown = page.get_by_role("option").locator("visible=true")
    shown.filter(has=page.get_by_text(option, exact=True)).first.click()


def confirm(page, click):
    """Run `click`, then say yes to the question it asks: window.confirm (a "dialog" event) or
    an in-page <dialog> with a 确定 button, whichever the page uses."""
    answered = []

    def accept(dialog):
        answered.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    click()
    in_page = page.locator("dialog[open]")
    waited = 0
    while not answered and waited < CONFIRM_WAIT_MS:
        if in_page.count() and in_page.first.is_visible():
            in_page.first.get_by_role("button", name="确定").click()
            return
        page.wait_for_timeout(50)
        waited += 50
    assert answered, "the page asked for no confirmation"


def scroll_width(page) -> int:
    return page.evaluate("() => document.scrollingElement.scrollWidth")


def expect_no_sideways_scroll(page, width=PHONE_WIDTH):
    assert scroll_width(page) <= width + SCROLL_TOLERANCE, (
        f"{page.url} scrolls sideways: {scroll_width(page)} px wide on a {width} px screen"
    )


def flash(page, kind="success"):
    return page.locator(f".flash.{kind}")


def expect_flash(page, text, kind="success"):
    expect(flash(page, kind)).to_contain_text(text)
