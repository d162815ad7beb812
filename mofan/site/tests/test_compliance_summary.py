"""The compliance page of a committee admin opens as a summary by unit (rate, meetings owed)
whose links drill down to the unit's branches; its query count does not grow with the tree.
Today is pinned to 2026-05-20.

The tree (root conftest.py): committee → unit → branch (→ group), other_branch;
committee → far_unit → far_branch."""

import re
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mofan.core.access import SYSTEM
from mofan.core.periods import Span
from mofan.meetings import services
from mofan.meetings.models import Kind
from mofan.orgs.facts import rollup_under
from mofan.orgs.models import OrgType
from mofan.site.tests.factories import make_org

TODAY = date(2026, 5, 20)


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(TODAY, tick=False):
        yield


def held(org, kind, on):
    services.meeting_create_held(actor=SYSTEM, org=org, kind=kind, topic="会议", held_on=on)


def summary_rows(page: str) -> dict[str, list[str]]:
    body = page.split('id="compliance-summary"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)[1:]:
        name = re.search(r'title="([^"]+)"', row).group(1)
        rows[name] = [
            re.sub("<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
    return rows


def test_the_committee_page_summarises_each_unit_and_drills_down(tree, users, login):
    held(tree.branch, Kind.THEME_DAY, date(2026, 1, 10))
    held(tree.branch, Kind.THEME_DAY, date(2026, 2, 10))
    client = login(users.committee_admin)
    page = client.get("/meetings/compliance/?year=2026").content.decode()
    rows = summary_rows(page)
    assert list(rows) == [tree.unit.name, tree.far_unit.name]
    year = Span.year(2026)
    rates = rollup_under(
        "meetings.compliance", root_ids=[tree.unit.id, tree.far_unit.id], span=year, as_of=TODAY
    )
    assert rows[tree.unit.name][1] == f"{rates[tree.unit.id]}%"
    met, required, owed = map(int, rows[tree.unit.name][2:])
    assert owed == required - met and owed > 0
    assert tree.branch.name not in page.split('id="compliance-summary"', 1)[1]
    link = re.search(rf'href="([^"]+)" title="{tree.unit.name}"', page).group(1)
    drilled = client.get("/meetings/compliance/" + link.replace("&amp;", "&")).content.decode()
    assert tree.branch.name in drilled and tree.far_branch.name not in drilled
    assert 'id="compliance"' in drilled  # the unit's matrix of its branches
    everything = client.get(f"/meetings/compliance/?org={tree.committee.id}&view=matrix")
    assert tree.far_branch.name in everything.content.decode()


def test_a_unit_admin_still_opens_the_matrix_of_its_branches(tree, users, login):
    page = login(users.unit_admin).get(f"/meetings/compliance/?org={tree.unit.id}").content
    assert 'id="compliance"' in page.decode() and "compliance-summary" not in page.decode()


def test_the_summary_runs_the_same_queries_for_a_bigger_tree(
    tree, users, login, django_assert_max_num_queries
):
    client = login(users.committee_admin)
    url = "/meetings/compliance/?year=2026"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(6):
        unit = make_org(tree.committee, OrgType.ORGAN_COMMITTEE, f"加测单位{n}")
        branch = make_org(unit, OrgType.BRANCH, f"加测支部{n}")
        held(branch, Kind.THEME_DAY, date(2026, 3, 3))
    with django_assert_max_num_queries(len(few)):
        page = client.get(url).content.decode()
    assert len(summary_rows(page)) == 8
