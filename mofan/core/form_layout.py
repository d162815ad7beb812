"""What the one form template (components/form.html) shows of a form: the error summary, the
hidden fields and, for each visible field, its widget with the Tabler classes, its column
in the grid, its help text and its errors."""

from dataclasses import dataclass

from django import forms

# Long text, files and multi-selects take the whole row; every other field half of it
# (one column on phones, see core/forms.css).
WIDE_WIDGETS = (
    forms.Textarea,
    forms.FileInput,
    forms.SelectMultiple,
    forms.CheckboxSelectMultiple,
)
WIDE = "col-12"
HALF = "col-12 col-md-6"


@dataclass(frozen=True)
class FieldRow:
    field: forms.BoundField
    widget: str
    column: str
    check: bool  # a single check box: its label goes after it
    fieldset: bool  # radio buttons or check boxes: a fieldset with a legend
    errors: list
    error_id: str
    help_id: str


@dataclass(frozen=True)
class SummaryItem:
    label: str
    message: str
    anchor: str  # the id of the field's input, or "" when there is none to go to


def form_context(form, fields=None, exclude=(), until=None, after=None) -> dict:
    """The template context of `form`. `fields`/`exclude` pick visible fields by name;
    `until`/`after` cut the form at a field so a page can put something in between (the
    meeting form's attendance table): the part `after` shows neither summary nor hidden fields."""
    visible = [bound for bound in form.visible_fields() if _wanted(bound.name, fields, exclude)]
    names = [bound.name for bound in visible]
    if until in names:
        visible = visible[: names.index(until) + 1]
    if after in names:
        visible = visible[names.index(after) + 1 :]
    first_part = after is None
    return {
        "form": form,
        "summary": _summary(form) if first_part else [],
        "hidden_fields": form.hidden_fields() if first_part else [],
        "rows": [_row(form, bound) for bound in visible],
    }


def _wanted(name, fields, exclude) -> bool:
    if fields is not None and name not in fields:
        return False
    return name not in exclude


def _summary(form) -> list[SummaryItem]:
    if not form.is_bound or not form.errors:
        return []
    items = [SummaryItem("", message, "") for message in form.non_field_errors()]
    for bound in form:
        for message in bound.errors:
            anchor = "" if bound.is_hidden else bound.id_for_label or bound.auto_id or ""
            label = str(bound.label or bound.name)
            # Most messages name their field already (请填写主题); say the label only once.
            items.append(SummaryItem("" if label in message else label, message, anchor))
    return items


def _row(form, bound) -> FieldRow:
    widget = bound.field.widget
    check = isinstance(widget, forms.CheckboxInput)
    fieldset = isinstance(widget, forms.RadioSelect)  # CheckboxSelectMultiple is one too
    error_id = f"{bound.auto_id}_error" if bound.auto_id else ""
    help_id = f"{bound.auto_id}_helptext" if bound.auto_id else ""
    attrs = {}
    if not fieldset:
        attrs["class"] = _control_class(widget, bool(bound.errors))
    described = [i for i in (bound.help_text and help_id, bound.errors and error_id) if i]
    if described and not widget.attrs.get("aria-describedby"):
        attrs["aria-describedby"] = " ".join(described)
    wide = isinstance(widget, WIDE_WIDGETS) or bound.name in getattr(form, "wide_fields", ())
    return FieldRow(
        field=bound,
        widget=bound.as_widget(attrs=attrs),
        column=WIDE if wide else HALF,
        check=check,
        fieldset=fieldset,
        errors=list(bound.errors),
        error_id=error_id,
        help_id=help_id,
    )


def _control_class(widget, invalid: bool) -> str:
    if isinstance(widget, forms.CheckboxInput):
        tabler = "form-check-input"
    elif isinstance(widget, forms.Select):
        tabler = "form-select"
    else:
        tabler = "form-control"
    classes = [widget.attrs.get("class", ""), tabler, "is-invalid" if invalid else ""]
    return " ".join(c for c in classes if c)
