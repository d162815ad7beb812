"""Browser helpers for the org select of core/widgets.py (made searchable by core/select.js)."""

import re


def org_option(page, name):
    """The open dropdown's option for the org called `name` (not the orgs below it, whose
    path names it too)."""
    own_name = page.locator(".org-option-name").filter(has_text=re.compile(f"^{re.escape(name)}$"))
    return page.locator(".ts-dropdown .option:visible").filter(has=own_name)


def choose_org(page, label, name):
    """Choose the org called `name` in the org select labelled `label`, as a user does: open
    it, type the name, click its option."""
    search = page.get_by_role("combobox", name=label)
    # The search input may sit out of sight inside its control (Tabler's styling): open the
    # control, then type.
    search.locator("xpath=ancestor::*[contains(@class, 'ts-control')][1]").click()
    page.keyboard.type(name)
    org_option(page, name).click()
