"""Every page carries a Content-Security-Policy that allows only this site's own scripts and
styles (and the pages need nothing else); answers to signed-in users are never cached; the
API documentation is for signed-in users only."""

import re
from pathlib import Path

import pytest

from mofan.core.security import CONTENT_SECURITY_POLICY

PAGES = ["/", "/orgs/", "/members/", "/meetings/", "/meetings/compliance/", "/plans/tasks/"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_carry_the_policy_and_are_not_cached(users, login, url):
    response = login(users.committee_admin).get(url)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert response["Cache-Control"] == "no-store"


def test_api_answers_with_personal_data_are_not_cached(users, api):
    response = api(users.committee_admin).get("/api/v1/members")
    assert response["Cache-Control"] == "no-store"


def test_the_login_page_has_the_policy_too(client):
    assert client.get("/accounts/login/")["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_no_template_relies_on_inline_script_style_or_handlers():
    """What the policy would block: <script> without src, <style>, style="", onclick=…"""
    root = Path(__file__).resolve().parents[2]
    offending = []
    for template in root.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=", text):
            offending.append(str(template.relative_to(root)))
    assert offending == []


@pytest.mark.parametrize("url", ["/api/v1/docs", "/api/v1/openapi.json"])
def test_the_api_documentation_needs_a_login(client, users, login, url):
    assert client.get(url).status_code == 302
    assert login(users.secretary).get(url).status_code == 200
