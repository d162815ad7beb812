"""The columns of the org list (the data table component, core/components.py)."""

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
