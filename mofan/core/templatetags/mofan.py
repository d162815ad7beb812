from functools import cache

from django import template
from django.templatetags.static import static
from django.utils.html import escape, format_html
from django.utils.module_loading import import_string

from mofan.core.components import render_filter_bar, render_table

register = template.Library()

ICON_SPRITE = "vendor/tabler-icons/3.52.0/sprite.svg"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def icon(name: str):
    """An outline icon from the vendored Tabler Icons sprite (decorative: the text beside it
    says what it means)."""
    return _icon(name)


@cache
def _icon(name: str):
    return format_html(
        '<svg class="icon" aria-hidden="true"><use href="{}#{}"></use></svg>', _sprite_url(), name
    )


@cache
def _sprite_url() -> str:
    return static(ICON_SPRITE)


@register.simple_tag(takes_context=True)
def sort_header(context, field: str, label: str, descending: bool = False):
    """A column header that sorts by `field`, and the other way when already sorted by it
    (`descending`: newest first on the first click). The link replaces the page's `sort`
    (never appends a second one) and goes back to page 1."""
    request = context["request"]
    current = context.get("sort") or request.GET.get("sort", "")
    return _sort_link(request.GET, current, field, label, descending)


def _sort_link(params, current: str, field: str, label: str, descending: bool):
    query = params.copy()
    query.pop("page", None)
    first, second = (f"-{field}", field) if descending else (field, f"-{field}")
    query["sort"] = second if current == first else first
    arrow = {field: " ▲", f"-{field}": " ▼"}.get(current, "")
    state = {field: "ascending", f"-{field}": "descending"}.get(current)
    return format_html(
        '<a class="sort{}" href="?{}"{}>{}{}</a>',
        " sorted" if state else "",
        query.urlencode(),
        format_html(' aria-sort="{}"', state) if state else "",
        label,
        arrow,
    )


@register.simple_tag(takes_context=True)
def data_table(context, table: str, rows, **options):
    """The data table component (core/components.py): `table` is the dotted path of a
    function that returns the page's Table (its columns, empty state, row actions), called
    with `options`; `rows` a page or a list. Sortable columns get sort_header links."""
    request = context["request"]
    current = context.get("sort") or request.GET.get("sort", "")
    spec = import_string(table)(**options)

    def header(column):
        if not column.sort:
            return escape(column.label)
        return _sort_link(request.GET, current, column.sort, column.label, column.descending)

    return render_table(spec, rows, header)


@register.simple_tag
def fragment(builder: str, *args):
    """HTML built in Python by the function at dotted path `builder` (e.g. the org tree: one
    pass instead of one include per node)."""
    return import_string(builder)(*args)


@register.simple_tag(takes_context=True)
def filter_bar(context, form, reset: str = "?", submit: str = "查询", **hidden):
    """The filter bar component: the form's fields inline in a card, 查询 and 重置 (to
    `reset`), folded behind 筛选条件 on phones; `hidden` values ride along (e.g. sort)."""
    return render_filter_bar(form, hidden=hidden, reset=reset, submit=submit)


@register.inclusion_tag("components/pager.html", takes_context=True)
def pager(context, page):
    """Page numbers (with … for long runs), previous/next and the total. The links keep the
    page's `query` (the view's filters, e.g. a default org) or else the current address."""
    query = context.get("query")
    if query is None:
        params = context["request"].GET.copy()
        params.pop("page", None)
        query = params.urlencode()
    paginator = page.paginator
    numbers = paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return {"page": page, "query": query, "numbers": numbers, "ellipsis": paginator.ELLIPSIS}


STATUS_TONES = {"done": "tag-done", "overdue": "tag-bad", "due": "tag-due", "todo": "tag-todo"}


@register.simple_tag
def status_tag(tone: str, label: str):
    """One colour per meaning across modules: done green, overdue red, due soon amber, not
    started grey."""
    return format_html('<span class="tag {}">{}</span>', STATUS_TONES.get(tone, "tag-todo"), label)


@register.simple_tag
def progress_bar(percent, label: str = ""):
    value = max(0, min(100, int(percent or 0)))
    return format_html(
        '<span class="progress-line" title="{}"><progress max="100" value="{}">{}%</progress>'
        "<span>{}%</span></span>",
        label or f"{value}%",
        value,
        value,
        value,
    )
