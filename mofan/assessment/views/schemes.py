from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mofan.accounts.selectors import administered_orgs
from mofan.assessment import services
from mofan.assessment.forms import (
    DEFAULT_GRADES,
    AreaForm,
    CategoryForm,
    GradesForm,
    ItemForm,
    PlacementForm,
    SchemeForm,
)
from mofan.assessment.rules import item_rule
from mofan.assessment.scoring import RuleError
from mofan.assessment.selectors import (
    category_list,
    indicator_get,
    scheme_areas,
    scheme_list,
    scheme_with_indicators,
)
from mofan.core.access import scope_of
from mofan.core.errors import ApplicationError
from mofan.core.views_helpers import form_errors, paginate_page, run_service
from mofan.orgs.selectors import org_subtree


def _require_admin(request, scheme) -> None:
    if not scope_of(request.user).can_admin(scheme.org.path):
        raise PermissionDenied(services.NO_PERMISSION)


@login_required
def scheme_index(request):
    schemes = scheme_list(actor=request.user).order_by("-year", "name", "-version")
    year = request.GET.get("year", "")
    if year.isdigit():
        schemes = schemes.filter(year=int(year))
    return render(
        request,
        "assessment/schemes.html",
        {
            "page": paginate_page(request, schemes),
            "year": year,
            "can_create": administered_orgs(actor=request.user).exists(),
        },
    )


@login_required
def scheme_new(request):
    orgs = administered_orgs(actor=request.user).order_by("path")
    if not orgs.exists():
        raise PermissionDenied(services.NO_PERMISSION)
    form = SchemeForm(
        request.POST or None,
        orgs=orgs,
        categories=category_list(actor=request.user),
        initial={"year": timezone.localdate().year, "org": orgs.first()},
    )
    if request.method == "POST" and form.is_valid():
        scheme = run_service(
            form, lambda: services.scheme_create(actor=request.user, **form.cleaned_data)
        )
        if scheme is not None:
            services.grades_set(actor=request.user, scheme=scheme, grades=_default_grades())
            messages.success(request, f"已建立“{scheme.name}”，请增加指标")
            return redirect("assessment:scheme", scheme.id)
    return render(request, "assessment/scheme_form.html", {"form": form})


def _default_grades():
    return [(DEFAULT_GRADES[f"label{r}"], DEFAULT_GRADES[f"at_least{r}"]) for r in range(1, 5)]


def _rows(scheme):
    """(area, [(item, rule in words)]) for the scheme page."""
    rows = []
    for area in scheme.areas:
        items = []
        for item in area.children.all():
            try:
                words = item_rule(
                    rule=item.rule,
                    max_points=item.max_points,
                    fact_code=item.fact_code,
                    params=item.params,
                ).describe()
            except RuleError as error:
                words = f"规则有误：{error}"
            items.append((item, words))
        rows.append((area, items))
    return rows


@login_required
def scheme_detail(request, scheme_id):
    scheme = scheme_with_indicators(actor=request.user, scheme_id=scheme_id)
    can_edit = scheme.is_draft and scope_of(request.user).can_admin(scheme.org.path)
    return render(
        request,
        "assessment/scheme.html",
        {
            "scheme": scheme,
            "rows": _rows(scheme),
            "total": services.scheme_total(scheme),
            "can_admin": scope_of(request.user).can_admin(scheme.org.path),
            "can_edit": can_edit,
            "problems": services.publish_problems(scheme) if can_edit else [],
            "area_form": AreaForm(),
        },
    )


@login_required
@require_POST
def area_add(request, scheme_id):
    scheme = scheme_with_indicators(actor=request.user, scheme_id=scheme_id)
    _require_admin(request, scheme)
    form = AreaForm(request.POST)
    if form.is_valid():
        area = run_service(
            form,
            lambda: services.indicator_add(
                actor=request.user,
                scheme=scheme,
                name=form.cleaned_data["name"],
                max_points=form.cleaned_data["max_points"] or 0,
            ),
        )
        if area is not None:
            messages.success(request, f"已增加一级指标“{area.name}”")
            return redirect("assessment:scheme", scheme.id)
    messages.error(request, form_errors(form))
    return redirect("assessment:scheme", scheme.id)


@login_required
def item_add(request, scheme_id):
    scheme = scheme_with_indicators(actor=request.user, scheme_id=scheme_id)
    _require_admin(request, scheme)
    form = ItemForm(
        request.POST or None,
        areas=scheme_areas(scheme),
        initial={"parent": request.GET.get("area")},
    )
    if request.method == "POST" and form.is_valid():
        item = run_service(
            form,
            lambda: services.indicator_add(
                actor=request.user, scheme=scheme, **form.service_arguments()
            ),
        )
        if item is not None:
            messages.success(request, f"已增加指标“{item.name}”")
            return redirect("assessment:scheme", scheme.id)
    return render(request, "assessment/item_form.html", {"form": form, "scheme": scheme})


@login_required
def item_edit(request, indicator_id):
    indicator = indicator_get(actor=request.user, indicator_id=indicator_id)
    scheme = indicator.scheme
    _require_admin(request, scheme)
    if indicator.is_area:
        return _area_edit(request, indicator)
    form = ItemForm(
        request.POST or None, areas=scheme_areas(scheme), initial=ItemForm.initial_of(indicator)
    )
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        arguments.pop("parent")
        item = run_service(
            form,
            lambda: services.indicator_update(actor=request.user, indicator=indicator, **arguments),
        )
        if item is not None:
            messages.success(request, f"已保存指标“{item.name}”")
            return redirect("assessment:scheme", scheme.id)
    return render(
        request,
        "assessment/item_form.html",
        {"form": form, "scheme": scheme, "indicator": indicator},
    )


def _area_edit(request, area):
    form = AreaForm(
        request.POST or None, initial={"name": area.name, "max_points": area.max_points}
    )
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.indicator_update(
                actor=request.user,
                indicator=area,
                name=form.cleaned_data["name"],
                max_points=form.cleaned_data["max_points"] or 0,
            ),
        )
        if saved is not None:
            messages.success(request, f"已保存一级指标“{saved.name}”")
            return redirect("assessment:scheme", area.scheme_id)
    return render(
        request,
        "assessment/item_form.html",
        {"form": form, "scheme": area.scheme, "indicator": area},
    )


@login_required
@require_POST
def item_delete(request, indicator_id):
    indicator = indicator_get(actor=request.user, indicator_id=indicator_id)
    scheme_id = indicator.scheme_id
    _require_admin(request, indicator.scheme)
    try:
        services.indicator_delete(actor=request.user, indicator=indicator)
        messages.success(request, f"已删除“{indicator.name}”")
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("assessment:scheme", scheme_id)


@login_required
def grades(request, scheme_id):
    scheme = scheme_with_indicators(actor=request.user, scheme_id=scheme_id)
    _require_admin(request, scheme)
    form = GradesForm(request.POST or None, initial=GradesForm.initial_of(scheme.grades.all()))
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.grades_set(actor=request.user, scheme=scheme, grades=form.grades()),
        )
        if saved is not None:
            messages.success(request, "已保存考核等次")
            return redirect("assessment:scheme", scheme.id)
    return render(request, "assessment/grades_form.html", {"form": form, "scheme": scheme})


@login_required
@require_POST
def publish(request, scheme_id):
    scheme = scheme_with_indicators(actor=request.user, scheme_id=scheme_id)
    _require_admin(request, scheme)
    try:
        services.scheme_publish(actor=request.user, scheme=scheme)
        messages.success(request, f"已发布“{scheme}”")
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("assessment:scheme", scheme.id)


@login_required
@require_POST
def new_version(request, scheme_id):
    scheme = scheme_with_indicators(actor=request.user, scheme_id=scheme_id)
    _require_admin(request, scheme)
    try:
        copy = services.scheme_new_version(actor=request.user, scheme=scheme)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("assessment:scheme", scheme.id)
    messages.success(request, f"已生成第 {copy.version} 版草稿，修改后发布即替代原方案")
    return redirect("assessment:scheme", copy.id)


@login_required
def categories(request):
    orgs = administered_orgs(actor=request.user).order_by("path")
    if not orgs.exists():
        raise PermissionDenied(services.NO_PERMISSION)
    own = category_list(actor=request.user).filter(org__in=orgs)
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = run_service(
            form,
            lambda: services.category_create(
                actor=request.user, org=orgs.first(), name=form.cleaned_data["name"]
            ),
        )
        if created is not None:
            messages.success(request, f"已增加类别“{created.name}”")
            return redirect("assessment:categories")
    placement = PlacementForm(categories=own, units=units_to_place(orgs.first()))
    return render(
        request,
        "assessment/categories.html",
        {
            "categories": own.prefetch_related("placements__unit"),
            "form": form,
            "placement_form": placement,
        },
    )


def units_to_place(org):
    return org_subtree(org).filter(depth=org.depth + 1).order_by("path")


@login_required
@require_POST
def place_units(request):
    orgs = administered_orgs(actor=request.user).order_by("path")
    if not orgs.exists():
        raise PermissionDenied(services.NO_PERMISSION)
    form = PlacementForm(
        request.POST,
        categories=category_list(actor=request.user).filter(org__in=orgs),
        units=units_to_place(orgs.first()),
    )
    if form.is_valid():
        placed = run_service(
            form,
            lambda: services.units_place(
                actor=request.user,
                category=form.cleaned_data["category"],
                units=form.cleaned_data["units"],
            ),
        )
        if placed is not None:
            messages.success(request, f"已将 {placed} 个单位列入“{form.cleaned_data['category']}”")
            return redirect("assessment:categories")
    messages.error(request, form_errors(form))
    return redirect("assessment:categories")
