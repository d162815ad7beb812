"""Exports of the org tree and the org list: the pages call these, each leaves an audit record."""

from mofan.core.audit import audit
from mofan.core.excel import Export, new_sheet
from mofan.orgs import excel
from mofan.orgs.models import Org
from mofan.orgs.selectors import org_subtree

LIST_HEADERS = [
    "组织名称",
    "简称",
    "编码",
    "类型",
    "上级组织",
    "所在单位",
    "成立日期",
    "本届任期开始",
    "任期届满",
    "状态",
]


def org_tree_export(*, actor, org: Org) -> Export:
    """The sub-tree in the import layout, so that it can be edited and imported again."""
    orgs = list(org_subtree(org, include_dissolved=True).order_by("path"))
    workbook = excel.export_workbook(org, orgs)
    audit(actor=actor, action="org.export", target=org, detail=f"导出 {len(orgs)} 个组织")
    return Export(workbook, f"{org.name}组织体系.xlsx")


def org_list_export(*, actor, orgs) -> Export:
    """组织列表 as filtered and sorted on the page, with each org's parent by name."""
    rows = list(orgs)
    parent_names = dict(
        Org.objects.filter(path__in={o.path[: -Org.steplen] for o in rows}).values_list(
            "path", "name"
        )
    )
    workbook, sheet = new_sheet("组织列表", LIST_HEADERS, "组织", streaming=True)
    for o in rows:
        sheet.append(
            [
                o.name,
                o.short_name,
                o.code,
                o.get_org_type_display(),
                parent_names.get(o.path[: -Org.steplen], ""),
                o.unit,
                o.established_on,
                o.term_start,
                o.term_end,
                "已撤销" if o.is_dissolved else "正常",
            ]
        )
    audit(actor=actor, action="org.list_export", detail=f"导出组织列表 {len(rows)} 个组织")
    return Export(workbook, "组织列表.xlsx")
