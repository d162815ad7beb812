"""党建品牌: the application form and page with its review steps, the review queue, the
committee's batches and the showcase of recognised brands."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mofan.brands import exports
from mofan.brands.forms import BatchForm, BrandForm, FilterForm
from mofan.brands.models import Status
from mofan.brands.selectors import (
    batch_list,
    brand_figures,
    brand_file_get,
    brand_get,
    brand_list,
    showcase,
)
from mofan.brands.services import brands as services
from mofan.brands.services.common import is_committee_over
from mofan.brands.views.applications import default_status
from mofan.core.access import RECORDER_ROLES, Role, scope_of
from mofan.core.errors import ApplicationError
from mofan.core.excel import xlsx_response
from mofan.core.views_helpers import paginate_page, run_service, sort_param
from mofan.orgs.models import OrgType
from mofan.orgs.selectors import orgs_under_roles

SORTS = {"name": "name", "org": "org__path", "submitted": "submitted_on", "status": "status"}
FIELDS = ("name", "slogan", "description", "measures", "results")


def _applying_orgs(user):
    """The orgs the user may apply for: those they record with a grant on the org itself."""
    own = [g.path for g in scope_of(user).grants if g.role in RECORDER_ROLES]
    orgs = orgs_under_roles(actor=user, roles=RECORDER_ROLES).filter(path__in=own)
    return orgs.exclude(org_type__in=[OrgType.WORKING_COMMITTEE, OrgType.PARTY_GROUP])


@login_required
def brand_queue(request):
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = default_status(request.user)
    form = FilterForm(data, statuses=Status.choices)
    found = brand_list(actor=request.user)
    if form.is_valid():
        if form.cleaned_data["status"]:
            found = found.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["year"]:
            found = found.filter(submitted_on__year=form.cleaned_data["year"])
    sort, order = sort_param(request, SORTS, "org")
    page = paginate_page(request, found.order_by(order, "id"))
    return render(
        request,
        "brands/brands.html",
        {
            "form": form,
            "page": page,
            "sort": sort,
            "query": data.urlencode(),
            "can_apply": _applying_orgs(request.user).exists(),
        },
    )


@login_required
def brand_new(request):
    orgs = _applying_orgs(request.user)
    if not orgs.exists():
        raise PermissionDenied("只有党组织的书记或管理员可以申报党建品牌")
    form = BrandForm(request.POST or None, request.FILES or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in FIELDS}
        brand = run_service(
            form,
            lambda: services.brand_create(
                actor=request.user,
                org=form.cleaned_data["org"],
                files=form.cleaned_data["files"],
                **data,
            ),
        )
        if brand is not None:
            messages.success(request, "已保存草稿；核对无误后点“提交申报”")
            return redirect("brands:brand", brand.id)
    return render(request, "brands/brand_form.html", {"form": form, "brand": None})


@login_required
def brand_edit(request, brand_id):
    brand = brand_get(actor=request.user, brand_id=brand_id)
    if not brand.is_editable:
        messages.error(request, "已提交的品牌申报不能修改")
        return redirect("brands:brand", brand.id)
    form = BrandForm(
        request.POST or None,
        request.FILES or None,
        initial={name: getattr(brand, name) for name in FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in FIELDS}
        saved = run_service(
            form,
            lambda: services.brand_update(
                actor=request.user, brand=brand, files=form.cleaned_data["files"], **data
            ),
        )
        if saved is not None:
            messages.success(request, "已保存")
            return redirect("brands:brand", brand.id)
    return render(request, "brands/brand_form.html", {"form": form, "brand": brand})


def _actions(user, brand) -> list[str]:
    scope = scope_of(user)
    committee = is_committee_over(user, brand.org)
    if brand.status in (Status.DRAFT, Status.RETURNED) and scope.can_record(brand.org.path):
        return ["submit"]
    if brand.status == Status.SUBMITTED and scope.can_admin_strictly_below(brand.org.path):
        return ["unit_pass", "return"]
    if brand.status == Status.UNIT_PASSED and committee:
        return ["reject", "return"]
    if brand.status == Status.RECOGNISED and committee:
        return ["revoke"]
    return []


@login_required
def brand_detail(request, brand_id):
    brand = brand_get(actor=request.user, brand_id=brand_id)
    actions = _actions(request.user, brand)
    return render(
        request,
        "brands/brand.html",
        {"brand": brand, "actions": actions, "can_edit": brand.is_editable and "submit" in actions},
    )


STEPS = {
    "submit": lambda user, b, post: services.brand_submit(actor=user, brand=b),
    "unit_pass": lambda user, b, post: services.brand_unit_pass(
        actor=user, brand=b, note=post.get("reason", "")
    ),
    "return": lambda user, b, post: services.brand_return(
        actor=user, brand=b, reason=post.get("reason", "")
    ),
    "reject": lambda user, b, post: services.brand_reject(
        actor=user, brand=b, reason=post.get("reason", "")
    ),
    "revoke": lambda user, b, post: services.brand_revoke(
        actor=user, brand=b, reason=post.get("reason", "")
    ),
}
DONE = {
    "submit": "已提交，等待单位审核",
    "unit_pass": "审核通过，已报机关工委认定",
    "return": "已退回",
    "reject": "已作出不予认定的决定",
    "revoke": "已撤销该党建品牌",
}


@login_required
@require_POST
def brand_step(request, brand_id):
    brand = brand_get(actor=request.user, brand_id=brand_id)
    step = STEPS.get(request.POST.get("action", ""))
    if step is None:
        messages.error(request, "未知的操作")
        return redirect("brands:brand", brand.id)
    try:
        step(request.user, brand, request.POST)
        messages.success(request, DONE[request.POST["action"]])
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("brands:brand", brand.id)


@login_required
def brand_file(request, file_id):
    item = brand_file_get(actor=request.user, file_id=file_id)
    inline = item.content_type.startswith("image/") or item.content_type == "application/pdf"
    return FileResponse(
        item.file.open("rb"),
        as_attachment=not inline,
        filename=item.original_name,
        content_type=item.content_type,
    )


def _committee(user):
    return orgs_under_roles(
        actor=user, roles={Role.COMMITTEE_ADMIN}, org_types=[OrgType.WORKING_COMMITTEE]
    ).first()


@login_required
def batches(request):
    committee = _committee(request.user)
    if committee is None:
        raise PermissionDenied("只有机关工委管理员可以认定党建品牌")
    waiting = list(
        brand_list(actor=request.user).filter(status=Status.UNIT_PASSED).order_by("org__path")
    )
    form = BatchForm(request.POST or None, initial={"decided_on": timezone.localdate()})
    chosen = [int(v) for v in request.POST.getlist("brand") if v.isdigit()]
    if request.method == "POST" and form.is_valid():
        batch = run_service(
            form,
            lambda: services.batch_create(
                actor=request.user,
                org=committee,
                brands=[b for b in waiting if b.pk in chosen],
                decided_on=form.cleaned_data["decided_on"],
                note=form.cleaned_data["note"],
            ),
        )
        if batch is not None:
            messages.success(request, f"已认定{batch}党建品牌 {batch.brands.count()} 个")
            return redirect("brands:showcase")
    return render(
        request,
        "brands/batches.html",
        {
            "form": form,
            "waiting": waiting,
            "checked": set(chosen),
            "batches": list(batch_list(actor=request.user)),
        },
    )


@login_required
def showcase_page(request):
    found = showcase(actor=request.user)
    if request.GET.get("export"):
        export = exports.brands_export(actor=request.user, brands=found)
        return xlsx_response(export.workbook, export.filename)
    by_batch: dict = {}
    for brand in found:
        by_batch.setdefault(brand.batch, []).append(brand)
    return render(
        request,
        "brands/showcase.html",
        {"by_batch": by_batch, "figures": brand_figures(actor=request.user)},
    )
