"""党建品牌: the application form and page with its review steps, the review queue, the
committee's batches and the showcase of recognised brands."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mofan.brands import exports
from mofan.brands.forms import BatchForm, BrandForm
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
from mofan.brands.steps import BRAND_STEPS
from mofan.brands.views.common import (
    REVIEWED,
    file_response,
    queue_context,
    step_actions,
    take_step,
)
from mofan.core.access import RECORDER_ROLES, Role, scope_of
from mofan.core.excel import xlsx_response
from mofan.core.views_helpers import run_service
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
    found = brand_list(actor=request.user)
    context = queue_context(request, found, sorts=SORTS, year_field="submitted_on__year")
    context["can_apply"] = _applying_orgs(request.user).exists()
    return render(request, "brands/brands.html", context)


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
    return step_actions(
        user, brand, committee=brand.org, decides=["reject", "return"], keeps=["revoke"]
    )


@login_required
def brand_detail(request, brand_id):
    brand = brand_get(actor=request.user, brand_id=brand_id)
    actions = _actions(request.user, brand)
    return render(
        request,
        "brands/brand.html",
        {"brand": brand, "actions": actions, "can_edit": brand.is_editable and "submit" in actions},
    )


DONE = {
    **REVIEWED,
    "revoke": "已撤销该党建品牌",
}


@login_required
@require_POST
def brand_step(request, brand_id):
    brand = brand_get(actor=request.user, brand_id=brand_id)
    return take_step(request, brand, steps=BRAND_STEPS, done=DONE, page="brands:brand")


@login_required
def brand_file(request, file_id):
    return file_response(brand_file_get(actor=request.user, file_id=file_id))


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
