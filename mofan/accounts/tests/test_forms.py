"""Account forms inherit mofan.core.forms.Form: control characters are refused on the field."""

from mofan.accounts.forms import TokenForm
from mofan.core.forms import CONTROL_MESSAGE


def test_a_token_name_with_a_control_character_is_refused():
    form = TokenForm({"name": "数据\x1b对接"})
    assert not form.is_valid()
    assert form.errors["name"] == [CONTROL_MESSAGE]
    assert TokenForm({"name": "数据\t对接"}).is_valid()
