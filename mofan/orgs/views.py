from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mofan.core.access import scope_of
from mofan.core.errors import ApplicationError
from mofan.core.excel import xlsx_response
from mofan.core.views_helpers import paginate_page, run_service, sort_param
from mofan.orgs import excel, exports, services
from mofan.orgs.forms import (
    MESSAGE_PLACEHOLDERS,
    CommitteeSeatForm,
    DissolveForm,
    HealthRuleForm,
    ImportForm,
    MoveForm,
    OrgForm,
    OrgSearchForm,
    condition_formset,
)
from mofan.orgs.health import describe_conditions, subtree_health
from mofan.orgs.models import ALLOWED_CHILDREN, Org, OrgType
from mofan.orgs.seat_holders import seat_holders
from mofan.orgs.selectors import (
    committee_seat_get,
    health_rule_get,
    health_rule_list,
    org_breadcrumb,
    org_children,
    org_get,
    org_list,
    org_roots,
    org_search,
    org_tree,
    possible_parents,
    subtree_member_counts,
)

MAX_HOLDER_CHOICES = 500


def _org_context(request, org: Org, **extra) -> dict:
    scope = scope_of(request.user)
    return {
        "org": org,
        "breadcrumb": org_breadcrumb(actor=request.user, org=org),
        "can_admin": scope.can_admin(org.path) and not org.is_dissolved,
        "can_move": scope.can_admin_strictly_below(org.path) and not org.is_dissolved,
        **extra,
    }


@login_required
def tree(request):
    roots = list(org_roots(actor=request.user))
    root_id = request.GET.get("root")
    root = org_get(actor=request.user, org_id=root_id) if root_id else (roots[0] if roots else None)
    if root is None:
        return render(request, "orgs/tree.html", {"tree": None, "roots": roots})
    return render(
        request,
        "orgs/tree.html",
        {
            "tree": org_tree(root=root),
            "roots": roots,
            "breadcrumb": org_breadcrumb(actor=request.user, org=root),
            "root": root,
        },
    )


@login_required
def children(request, org_id):
    """The next level of the tree, loaded on demand (htmx)."""
    org = org_get(actor=request.user, org_id=org_id)
    kids = org_children(org=org)
    counts = subtree_member_counts(org, kids)
    nodes = [{"org": kid, "counts": counts.get(kid.id)} for kid in kids]
    return render(request, "orgs/_children.html", {"nodes": nodes})


ORG_SORTS = {
    "path": "path",
    "name": "name",
    "code": "code",
    "type": "org_type",
    "term_end": "term_end",
}


@login_required
def org_index(request):
    form = OrgSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    orgs = org_list(actor=request.user, include_dissolved=filters.get("include_dissolved", False))
    orgs = org_search(orgs, text=filters.get("q", ""), org_type=filters.get("org_type", ""))
    sort, order_by = sort_param(request, ORG_SORTS, "path")
    if request.GET.get("export"):
        ordered = orgs.order_by(order_by, "path")
        return xlsx_response(*exports.org_list_export(actor=request.user, orgs=ordered))
    page = paginate_page(request, orgs.order_by(order_by, "path"))
    query = request.GET.copy()
    query.pop("page", None)
    unsorted = query.copy()
    unsorted.pop("sort", None)  # the column links set their own sort
    return render(
        request,
        "orgs/list.html",
        {
            "form": form,
            "page": page,
            "sort": sort,
            "query": query.urlencode(),
            "unsorted_query": unsorted.urlencode(),
        },
    )


@login_required
def detail(request, org_id):
    org = org_get(actor=request.user, org_id=org_id)
    findings = subtree_health(org) if not org.is_dissolved else []
    holders = _seat_holder_choices(request, org)
    return render(
        request,
        "orgs/detail.html",
        _org_context(
            request,
            org,
            children=org_children(org=org, include_dissolved=True),
            committee=list(org.committee.all()),
            committee_form=CommitteeSeatForm(holders=holders),
            holders=holders,
            findings=findings[:20],
            finding_count=len(findings),
            counts=subtree_member_counts(org, [org]).get(org.id),
        ),
    )


@login_required
def create(request, org_id):
    parent = org_get(actor=request.user, org_id=org_id)
    if not scope_of(request.user).can_admin(parent.path):
        raise PermissionDenied("您没有管理该组织的权限")
    allowed = ALLOWED_CHILDREN[OrgType(parent.org_type)]
    form = OrgForm(request.POST or None, initial={"unit": parent.unit})
    form.fields["org_type"].choices = [(v, label) for v, label in OrgType.choices if v in allowed]
    if request.method == "POST" and form.is_valid():
        org = run_service(
            form,
            lambda: services.org_create(actor=request.user, parent=parent, **form.service_fields()),
        )
        if org is not None:
            messages.success(request, f"已新建组织“{org.name}”")
            return redirect("orgs:detail", org.id)
    return render(
        request, "orgs/form.html", _org_context(request, parent, form=form, creating=True)
    )


@login_required
def edit(request, org_id):
    org = org_get(actor=request.user, org_id=org_id)
    if not scope_of(request.user).can_admin(org.path):
        raise PermissionDenied("您没有管理该组织的权限")
    initial = {name: getattr(org, name) for name in services.ORG_FIELDS}
    form = OrgForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form, lambda: services.org_update(actor=request.user, org=org, **form.service_fields())
        )
        if saved is not None:
            messages.success(request, "已保存")
            return redirect("orgs:detail", org.id)
    return render(request, "orgs/form.html", _org_context(request, org, form=form, creating=False))


@login_required
def move(request, org_id):
    org = org_get(actor=request.user, org_id=org_id)
    if not scope_of(request.user).can_admin_strictly_below(org.path):
        raise PermissionDenied("只有上级组织的管理员可以移动本组织")
    parents = possible_parents(actor=request.user, org=org, org_type=org.org_type)
    form = MoveForm(request.POST or None, parents=parents)
    confirming = None
    if request.method == "POST" and form.is_valid():
        new_parent = form.cleaned_data["new_parent"]
        if not request.POST.get("confirm"):
            confirming = new_parent
        else:
            moved = run_service(
                form, lambda: services.org_move(actor=request.user, org=org, new_parent=new_parent)
            )
            if moved is not None:
                messages.success(request, f"已将“{org.name}”移动到“{new_parent.name}”下")
                return redirect("orgs:detail", org.id)
    return render(
        request, "orgs/move.html", _org_context(request, org, form=form, confirming=confirming)
    )


@login_required
def dissolve(request, org_id):
    org = org_get(actor=request.user, org_id=org_id)
    if not scope_of(request.user).can_admin_strictly_below(org.path):
        raise PermissionDenied("只有上级组织的管理员可以撤销本组织")
    form = DissolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.org_dissolve(
                actor=request.user,
                org=org,
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data.get("dissolved_on"),
            ),
        )
        if done is not None:
            messages.success(request, f"已撤销“{org.name}”，其记录保留在历史中")
            return redirect("orgs:detail", org.id)
    return render(request, "orgs/dissolve.html", _org_context(request, org, form=form))


def _seat_holder_choices(request, org):
    """The org's members by record, offered to those who may add seats; a very large roll (the
    whole working committee's) is not listed: seats are then typed by name."""
    if org.is_dissolved or not scope_of(request.user).can_admin(org.path):
        return None
    holders = seat_holders(org, limit=MAX_HOLDER_CHOICES + 1)
    return holders if len(holders) <= MAX_HOLDER_CHOICES else None


@login_required
@require_POST
def committee_add(request, org_id):
    org = org_get(actor=request.user, org_id=org_id)
    if not scope_of(request.user).can_admin(org.path):
        raise PermissionDenied("您没有管理该组织的权限")
    form = CommitteeSeatForm(request.POST)
    if form.is_valid():
        added = run_service(
            form,
            lambda: services.committee_seat_add(actor=request.user, org=org, **form.seat_fields()),
        )
        if added is not None:
            messages.success(request, f"已增加班子成员 {added}")
            return redirect("orgs:detail", org.id)
    for error in form.errors.values():
        messages.error(request, "；".join(error))
    return redirect("orgs:detail", org.id)


@login_required
@require_POST
def committee_link(request, seat_id):
    seat = committee_seat_get(actor=request.user, seat_id=seat_id)
    member_id = request.POST.get("member", "")
    try:
        if not member_id.isdigit():
            raise ApplicationError("请选择党员记录")
        services.committee_seat_link(actor=request.user, seat=seat, member_id=int(member_id))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{seat.name} 已关联党员记录")
    return redirect("orgs:detail", seat.org_id)


@login_required
@require_POST
def committee_remove(request, seat_id):
    seat = committee_seat_get(actor=request.user, seat_id=seat_id)
    services.committee_seat_remove(actor=request.user, seat=seat)
    messages.success(request, f"已移除班子成员 {seat.name}")
    return redirect("orgs:detail", seat.org_id)


@login_required
def export(request, org_id):
    org = org_get(actor=request.user, org_id=org_id)
    return xlsx_response(*exports.org_tree_export(actor=request.user, org=org))


@login_required
def import_template(request):
    return xlsx_response(excel.template_workbook(), "党组织导入模板.xlsx")


@login_required
def import_orgs(request):
    if not scope_of(request.user).is_admin:
        raise PermissionDenied("只有管理员可以导入组织")
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = excel.import_orgs(actor=request.user, upload=form.cleaned_data["file"])
        except ApplicationError as exc:
            form.add_error("file", exc.message)
        if result is not None and result.ok:
            messages.success(request, f"导入成功，共新建 {len(result.created)} 个组织")
            return redirect("orgs:tree")
    return render(request, "orgs/import.html", {"form": form, "result": result})


@login_required
def health(request, org_id):
    org = org_get(actor=request.user, org_id=org_id)
    findings = subtree_health(org)
    rule = request.GET.get("rule", "")
    summary: dict[str, dict] = {}
    for finding in findings:
        entry = summary.setdefault(finding.rule_code, {"name": finding.rule_name, "count": 0})
        entry["count"] += 1
    shown = [f for f in findings if f.rule_code == rule] if rule else findings
    page = paginate_page(request, shown, per_page=100)
    return render(
        request,
        "orgs/health.html",
        _org_context(
            request,
            org,
            page=page,
            summary=summary,
            rule=rule,
            total=len(findings),
            query=f"rule={rule}" if rule else "",
        ),
    )


@login_required
def rules(request):
    rows = [(rule, describe_conditions(rule.conditions)) for rule in health_rule_list()]
    return render(
        request,
        "orgs/rules.html",
        {
            "rows": rows,
            "can_edit": scope_of(request.user).is_committee_admin,
            "roots": org_roots(actor=request.user),
        },
    )


@login_required
def rule_edit(request, rule_id):
    if not scope_of(request.user).is_committee_admin:
        raise PermissionDenied("只有工委管理员可以调整检查规则")
    rule = health_rule_get(rule_id=rule_id)
    initial = {f: getattr(rule, f) for f in services.RULE_FIELDS if f != "conditions"}
    data = request.POST if request.method == "POST" else None
    form = HealthRuleForm(data, initial=initial)
    conditions = condition_formset(data, conditions=rule.conditions)
    valid = data is not None and all([form.is_valid(), conditions.is_valid()])  # errors of both
    if valid:
        saved = run_service(
            form,
            lambda: services.health_rule_update(
                actor=request.user,
                rule=rule,
                conditions=conditions.conditions(),
                **form.cleaned_data,
            ),
        )
        if saved is not None:
            messages.success(request, f"已保存规则“{rule.name}”")
            return redirect("orgs:rules")
    return render(
        request,
        "orgs/rule_form.html",
        {
            "form": form,
            "conditions": conditions,
            "rule": rule,
            "placeholders": MESSAGE_PLACEHOLDERS,
        },
    )
