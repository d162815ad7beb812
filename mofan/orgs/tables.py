"""The columns of the org list (the data table component, core/components.py)."""

from html import escape

from django.utils.safestring import mark_safe

from mofan.core.components import Column, Table, day, labels, link, tag, url_maker
from mofan.orgs.models import OrgType

ORG_TYPES = labels(OrgType.choices)


def org_table() -> Table:
    detail = url_maker("orgs:detail")
    return Table(
        (
            Column("组织名称", lambda o: link(detail(o.id), o.name), sort="name", title=True),
            Column("编码", lambda o: o.code, sort="code", key=False),
            Column("类型", lambda o: ORG_TYPES.get(o.org_type, ""), sort="type"),
            Column("所在单位", lambda o: o.unit),
            Column("任期届满", lambda o: day(o.term_end) or "—", sort="term_end"),
            Column("状态", _state),
        ),
        hint="没有符合条件的组织：换个条件查询，或点“重置”。",
    )


def _state(org):
    return tag("gray", "已撤销") if org.is_dissolved else tag("tag-done", "正常")


def org_tree(tree=None) -> str:
    """The org tree (orgs/tree.html) as nested lists, built in one pass instead of one
    template include per org (the demo tree has 378)."""
    detail, children = url_maker("orgs:detail"), url_maker("orgs:children")
    parts: list[str] = []
    _tree_node(tree, parts, detail, children)
    return mark_safe("".join(parts))


def tree_children(nodes) -> str:
    """The next level of the tree, loaded on demand (orgs/_children.html)."""
    detail, children = url_maker("orgs:detail"), url_maker("orgs:children")
    parts: list[str] = []
    for item in nodes:
        org = item["org"]
        parts.append("<li>")
        _node_line(org, item["counts"], bool(org.numchild), parts, detail, children)
        parts.append("<ul></ul></li>")
    if not parts:
        parts.append('<li class="muted">无下级组织</li>')
    return mark_safe("".join(parts))


def _tree_node(node, parts, detail, children) -> None:
    parts.append("<li>")
    _node_line(node.org, node.counts, node.has_hidden_children, parts, detail, children)
    parts.append("<ul>")
    for child in node.children:
        _tree_node(child, parts, detail, children)
    parts.append("</ul></li>")


def _node_line(org, counts, more: bool, parts, detail, children) -> None:
    members = getattr(counts, "members", 0) or 0
    full = getattr(counts, "full_members", 0) or 0
    probationary = getattr(counts, "probationary", 0) or 0
    parts.append(
        f'<div class="node"><a href="{detail(org.id)}">{escape(org.name)}</a> '
        f'<span class="tag gray">{escape(ORG_TYPES.get(org.org_type, ""))}</span> '
        f'<span class="counts">党员 {members}（正式 {full}，预备 {probationary}）</span>'
    )
    if more:
        parts.append(
            f' <button class="link" hx-get="{children(org.id)}" hx-target="next ul" '
            'hx-swap="innerHTML">展开下级 ▸</button>'
        )
    parts.append("</div>")
