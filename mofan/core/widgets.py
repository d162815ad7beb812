"""Org choice widgets: the options of an org field show the tree (indented names, each org's path
as secondary text, e.g. "机关党委 › 办公室党支部"), and core/select.js turns the select into a
searchable Tom Select (name and path match); without the script it stays a plain select.

Rendering stays cheap for thousands of orgs: the choices' own rows and one query for the names
of their ancestors, never a query per option, and the options are written as one string instead
of a template per option. Any materialised-path tree model will do (the orgs app's Org has
`path`, `depth` and `name`): core imports no app.
"""

from dataclasses import dataclass

from django import forms
from django.utils.html import escape
from django.utils.safestring import mark_safe

TRAIL_SEPARATOR = " › "
# The root of the whole tree (机关工委) is above every org, so paths start below it.
TRAIL_FROM_DEPTH = 2
# An ideographic space: the indentation a plain select (no script) shows too.
INDENT = "\u3000"


@dataclass(frozen=True)
class TreeChoice:
    value: str
    name: str
    path: str
    level: int  # below the shallowest choice: the indentation
    trail: str  # the names from below the root down to the org, joined by TRAIL_SEPARATOR


class OrgTreeSelect(forms.Select):
    """The single org select of a ModelChoiceField over orgs (set its queryset with offer_orgs)."""

    template_name = "core/widgets/org_select.html"

    def __init__(self, attrs=None):
        super().__init__({"data-org-select": "", **(attrs or {})})
        self._tree_of = None
        self._tree: list[TreeChoice | tuple[str, str]] = []

    def tree(self) -> list[TreeChoice | tuple[str, str]]:
        """The choices in tree order, each org as a TreeChoice (other choices, such as the empty
        label, as (value, label)); read once per form."""
        if self._tree_of is not self.choices:
            self._tree = tree_choices(self.choices)
            self._tree_of = self.choices
        return self._tree

    def top_choice(self) -> str | None:
        """The value of the org every other choice lies under, if there is one: the user's own
        org when the choices are the user's scoped orgs and the user has one scope root."""
        orgs = [c for c in self.tree() if isinstance(c, TreeChoice)]
        if not orgs:
            return None
        top = min(orgs, key=lambda c: len(c.path))
        return top.value if all(c.path.startswith(top.path) for c in orgs) else None

    def get_context(self, name, value, attrs):
        # Widget.get_context, not ChoiceWidget's: that one builds a dict per option for the
        # template, which for thousands of orgs costs more than the rest of the page.
        context = forms.Widget.get_context(self, name, value, attrs)
        if self.allow_multiple_selected:
            context["widget"]["attrs"]["multiple"] = True
        context["widget"]["options"] = self.options_html(set(context["widget"]["value"]))
        return context

    def options_html(self, selected: set[str]) -> str:
        parts = []
        for choice in self.tree():
            if isinstance(choice, TreeChoice):
                value, label = choice.value, INDENT * choice.level + choice.name
                data = (
                    f' data-name="{escape(choice.name)}" data-trail="{escape(choice.trail)}"'
                    f' data-level="{choice.level}" data-path="{escape(choice.path)}"'
                )
            else:
                value, label, data = choice[0], choice[1], ""
            mark = " selected" if value in selected else ""
            parts.append(f'<option value="{escape(value)}"{data}{mark}>{escape(label)}</option>')
        return mark_safe("".join(parts))


class OrgPicker(OrgTreeSelect, forms.SelectMultiple):
    """The unit picker of a ModelMultipleChoiceField over orgs (督办承办单位): search, pick
    several, remove each with its ×; without the script a multiple select of 8 rows."""

    def __init__(self, attrs=None):
        super().__init__({"data-org-picker": "", "size": 8, **(attrs or {})})


def offer_orgs(field: forms.ModelChoiceField, orgs) -> None:
    """Limit an org field to `orgs`. A required single org select with no initial value then
    starts on the top of its choices (the user's own org), read only when the form is shown.
    An optional one keeps its empty choice: there, no org is a choice of its own."""
    field.queryset = orgs
    widget = field.widget
    single = isinstance(widget, OrgTreeSelect) and not widget.allow_multiple_selected
    if single and field.required and field.initial is None:
        field.initial = widget.top_choice


def tree_choices(choices) -> list[TreeChoice | tuple[str, str]]:
    """The choices (of a ModelChoiceField over orgs) in path order, with their levels and
    trails: the ancestors' names come from one query, whatever the number of choices."""
    plain, orgs = [], []
    for value, label in choices:
        instance = getattr(value, "instance", None)
        if instance is None:
            plain.append((str(value), str(label)))
        else:
            orgs.append((str(value), instance))
    if not orgs:
        return plain
    orgs.sort(key=lambda pair: pair[1].path)
    steplen = type(orgs[0][1]).steplen
    names = {o.path: o.name for _, o in orgs}
    names.update(ancestor_names(orgs, names, steplen))
    top_depth = min(o.depth for _, o in orgs)
    tree = [
        TreeChoice(
            value=value,
            name=o.name,
            path=o.path,
            level=o.depth - top_depth,
            trail=TRAIL_SEPARATOR.join(trail_names(o, names, steplen)),
        )
        for value, o in orgs
    ]
    return [*plain, *tree]


def ancestor_names(orgs, known: dict[str, str], steplen: int) -> dict[str, str]:
    first = TRAIL_FROM_DEPTH * steplen
    wanted = {
        o.path[:end]
        for _, o in orgs
        for end in range(first, len(o.path), steplen)
        if o.path[:end] not in known
    }
    if not wanted:
        return {}
    model = type(orgs[0][1])
    return dict(model._default_manager.filter(path__in=wanted).values_list("path", "name"))


def trail_names(org, names: dict[str, str], steplen: int) -> list[str]:
    ends = range(TRAIL_FROM_DEPTH * steplen, len(org.path), steplen)
    return [*(names[org.path[:end]] for end in ends if org.path[:end] in names), org.name]
