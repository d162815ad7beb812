from datetime import date

from django.db import transaction
from django.http import JsonResponse
from ninja import Field, Query, Router, Schema, Status

from mofan.core.api import ERRORS, Page, paginate
from mofan.core.errors import ApplicationError
from mofan.orgs import services
from mofan.orgs.health import subtree_health
from mofan.orgs.models import Org, OrgType
from mofan.orgs.selectors import org_children, org_get, org_list, org_search, with_parent_ids

router = Router(tags=["组织"])


class OrgOut(Schema):
    id: int
    name: str
    short_name: str
    code: str
    org_type: str
    org_type_label: str = Field(..., alias="get_org_type_display")
    unit: str
    depth: int
    parent_id: int | None = None
    established_on: date | None
    sort_order: int
    term_start: date | None
    term_end: date | None
    dissolved_on: date | None


class OrgPage(Page):
    items: list[OrgOut]


class OrgIn(Schema):
    parent_id: int
    name: str = Field(..., min_length=1, max_length=100)
    short_name: str = Field("", max_length=50)
    code: str = Field(..., min_length=1, max_length=32)
    org_type: OrgType
    unit: str = Field("", max_length=100)
    established_on: date | None = None
    sort_order: int = 0
    term_start: date | None = None
    term_end: date | None = None


class OrgPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    short_name: str | None = Field(None, max_length=50)
    code: str | None = Field(None, min_length=1, max_length=32)
    org_type: OrgType | None = None
    unit: str | None = Field(None, max_length=100)
    established_on: date | None = None
    sort_order: int | None = None
    term_start: date | None = None
    term_end: date | None = None
    parent_id: int | None = None


class OrgFilters(Schema):
    q: str = ""
    org_type: OrgType | None = None
    root: int | None = None
    include_dissolved: bool = False
    page: int = 1
    page_size: int = 50


class FindingOut(Schema):
    org_id: int
    org_name: str
    rule_code: str
    rule_name: str
    severity: str
    message: str


@router.get("/orgs", response={200: OrgPage, **ERRORS}, summary="组织列表（分页）")
def list_orgs(request, filters: Query[OrgFilters]):
    orgs = org_list(actor=request.user, include_dissolved=filters.include_dissolved)
    if filters.root is not None:
        root = org_get(actor=request.user, org_id=filters.root)
        orgs = orgs.filter(path__startswith=root.path)
    orgs = org_search(orgs, text=filters.q, org_type=filters.org_type or "").order_by("path")
    items, page = paginate(orgs, filters.page, filters.page_size)
    # Plain rows in the documented OrgPage shape, without validating each row again (a page
    # of up to 200 orgs spent most of its time in per-row schema validation).
    return JsonResponse({**page, "items": [_org_row(o) for o in with_parent_ids(items)]})


ORG_TYPE_LABELS = dict(OrgType.choices)


def _org_row(org: Org) -> dict:
    computed = {
        "org_type_label": ORG_TYPE_LABELS.get(org.org_type, org.org_type),
        "parent_id": getattr(org, "parent_id", None),
    }
    return {
        name: computed[name] if name in computed else getattr(org, name)
        for name in OrgOut.model_fields
    }


@router.post("/orgs", response={201: OrgOut, **ERRORS}, summary="新建组织")
def create_org(request, payload: OrgIn):
    parent = org_get(actor=request.user, org_id=payload.parent_id)
    fields = payload.dict(exclude={"parent_id"})
    org = services.org_create(actor=request.user, parent=parent, **fields)
    return Status(201, with_parent_ids([org])[0])


@router.get("/orgs/{org_id}", response={200: OrgOut, **ERRORS}, summary="组织详情")
def get_org(request, org_id: int):
    return with_parent_ids([org_get(actor=request.user, org_id=org_id)])[0]


@router.patch("/orgs/{org_id}", response={200: OrgOut, **ERRORS}, summary="修改组织（含移动）")
def update_org(request, org_id: int, payload: OrgPatch):
    org = org_get(actor=request.user, org_id=org_id)
    changes = payload.dict(exclude_unset=True)
    new_parent_id = changes.pop("parent_id", None)
    for name, value in changes.items():
        if value is None and not Org._meta.get_field(name).null:
            raise ApplicationError(f"{Org._meta.get_field(name).verbose_name}不能为空", field=name)
    new_parent = (
        org_get(actor=request.user, org_id=new_parent_id) if new_parent_id is not None else None
    )
    with transaction.atomic():  # a refused move also undoes the field changes
        if changes:
            org = services.org_update(actor=request.user, org=org, **changes)
        if new_parent is not None:
            org = services.org_move(actor=request.user, org=org, new_parent=new_parent)
    return with_parent_ids([org])[0]


@router.delete("/orgs/{org_id}", response={200: OrgOut, **ERRORS}, summary="撤销组织（保留历史）")
def dissolve_org(request, org_id: int, reason: str = ""):
    org = org_get(actor=request.user, org_id=org_id)
    org = services.org_dissolve(actor=request.user, org=org, reason=reason or "通过接口撤销")
    return with_parent_ids([org])[0]


@router.get("/orgs/{org_id}/children", response={200: list[OrgOut], **ERRORS}, summary="下级组织")
def list_children(request, org_id: int, include_dissolved: bool = False):
    org = org_get(actor=request.user, org_id=org_id)
    children = org_children(org=org, include_dissolved=include_dissolved)
    for child in children:
        child.parent_id = org.id
    return children


@router.get(
    "/orgs/{org_id}/health", response={200: list[FindingOut], **ERRORS}, summary="组织健康检查"
)
def org_health(request, org_id: int):
    org = org_get(actor=request.user, org_id=org_id)
    return subtree_health(org)
