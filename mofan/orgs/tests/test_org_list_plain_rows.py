"""The org list API answers plain rows (issue 8 §7) in exactly the documented OrgOut shape."""

import json

from mofan.orgs.api import OrgOut
from mofan.orgs.models import Org
from mofan.orgs.selectors import with_parent_ids


def test_the_plain_rows_equal_the_schemas_answer(tree, users, login):
    answer = login(users.committee_admin).get("/api/v1/orgs?page_size=200").json()
    orgs = with_parent_ids(list(Org.objects.filter(dissolved_on__isnull=True).order_by("path")))
    expected = [json.loads(OrgOut.model_validate(o).model_dump_json()) for o in orgs]
    assert answer["items"] == expected
    assert answer["count"] == len(expected)
    branch = next(r for r in answer["items"] if r["id"] == tree.branch.id)
    assert branch["parent_id"] == tree.unit.id
    assert branch["org_type_label"] == tree.branch.get_org_type_display()


def test_an_outsider_lists_only_their_own_branch(tree, users, login):
    answer = login(users.outsider).get("/api/v1/orgs").json()
    assert [r["id"] for r in answer["items"]] == [tree.other_branch.id]
