"""Every destructive action of every page asks first (data-confirm, shown by core/dialog.js):
deleting, removing, revoking, disabling, dissolving, cancelling, stopping, rejecting, returning,
closing and resetting a password; those that cannot be undone ask with a red 确定."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2]
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
POST = re.compile(r'method="post"', re.I)
# An action is destructive when its URL or its button says so.
DESTRUCTIVE_URL = re.compile(
    r"[:_](delete|detach|remove|revoke|disable|dissolve|cancel|stop|reset_password)\b|"
    r"'(reject|return|close)'"
)
DESTRUCTIVE_BUTTON = re.compile(
    r"<button[^>]*>[^<]*(删除|撤销|吊销|停用|退回|终止|移除|不采纳|办结|重置)"
)
# These cannot be undone: their 确定 is red.
IRREVERSIBLE = re.compile(r"[:_](delete|detach|remove|revoke|disable|dissolve)\b")


def post_forms():
    for path in sorted(TEMPLATES.rglob("templates/**/*.html")):
        text = path.read_text(encoding="utf-8")
        for match in FORM.finditer(text):
            attrs, body = match.groups()
            if POST.search(attrs):
                yield path.relative_to(TEMPLATES), attrs, body


def asks(attrs: str, body: str) -> bool:
    return "data-confirm=" in attrs or bool(re.search(r"<button[^>]*data-confirm=", body))


def test_the_scan_finds_the_destructive_forms():
    destructive = [
        (path, attrs)
        for path, attrs, body in post_forms()
        if DESTRUCTIVE_URL.search(attrs) or DESTRUCTIVE_BUTTON.search(body)
    ]
    assert len(destructive) >= 15


def test_every_destructive_form_asks_first():
    missing = [
        f"{path}: {attrs.strip()[:120]}"
        for path, attrs, body in post_forms()
        if (DESTRUCTIVE_URL.search(attrs) or DESTRUCTIVE_BUTTON.search(body))
        and not asks(attrs, body)
    ]
    assert missing == []


def test_what_cannot_be_undone_asks_with_a_red_button():
    plain = [
        f"{path}: {attrs.strip()[:120]}"
        for path, attrs, _body in post_forms()
        if IRREVERSIBLE.search(attrs) and 'data-confirm-tone="danger"' not in attrs
    ]
    assert plain == []


def test_the_questions_name_what_they_act_on():
    """No bare 确定删除？: each question quotes or names its object with a template variable."""
    vague = [
        f"{path}: {question}"
        for path, attrs, _body in post_forms()
        for question in re.findall(r'data-confirm="([^"]*)"', attrs)
        if IRREVERSIBLE.search(attrs) and "{{" not in question
    ]
    assert vague == []
