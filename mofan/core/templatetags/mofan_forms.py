from django import template

from mofan.core.form_layout import form_context
from mofan.core.forms import prepare_fields

register = template.Library()

FORM_TEMPLATE = "components/form.html"


@register.simple_tag(name="form")
def render_form(form, fields="", exclude="", until=None, after=None):
    """The form in the one form template: error summary, hidden fields and the grid of
    fields. `fields`/`exclude` are space-separated field names; `until`/`after` cut the form
    at a field (see form_layout.form_context). Works for any Django form (the login form is
    Django's own)."""
    prepare_fields(form)
    context = form_context(
        form,
        fields=fields.split() or None,
        exclude=exclude.split(),
        until=until,
        after=after,
    )
    return form.render(FORM_TEMPLATE, context=context)
