"""Forms refuse control characters (issue 9 §3) on the field, keeping everything typed."""

from mofan.orgs.models import Org
from mofan.orgs.tests.test_views import org_form


def test_a_control_character_is_refused_on_its_field_and_the_typed_values_stay(tree, users, login):
    data = org_form(tree.branch, name="第一\x0b党支部", short_name="一支部")
    response = login(users.unit_admin).post(f"/orgs/{tree.branch.id}/edit/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "不能包含控制字符" in page
    assert 'value="一支部"' in page
    assert Org.objects.get(pk=tree.branch.pk).short_name == ""


def test_tabs_and_line_breaks_stay_allowed(tree, users, login):
    data = org_form(tree.branch, unit="市发改委\t机关")
    response = login(users.unit_admin).post(f"/orgs/{tree.branch.id}/edit/", data)
    assert response.status_code == 302
