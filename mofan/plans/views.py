from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mofan.core.access import ADMIN_ROLES, scope_of
from mofan.core.errors import ApplicationError
from mofan.core.excel import SPREADSHEET_HINT, is_spreadsheet, xlsx_response
from mofan.core.views_helpers import form_errors, paginate_page, run_service, sort_param
from mofan.orgs.selectors import org_get, org_list, org_subtree, orgs_under_roles
from mofan.plans import excel, exports, services
from mofan.plans.forms import (
    AcceptForm,
    ItemForm,
    PlanForm,
    ReasonForm,
    ReportForm,
    TaskFilterForm,
    TaskForm,
)
from mofan.plans.selectors import (
    evidence_get,
    master_plans,
    plan_get,
    plan_list,
    plan_progress,
    rolled_progress,
    task_descendants,
    task_filter,
    task_get,
    task_list,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TASK_SORTS = {
    "deadline": "deadline",
    "owner": "owner_org__path",
    "title": "title",
    "status": "status",
}
VIEWS = {"tasks": "任务清单", "people": "责任清单", "time": "时间清单"}


def administered(user):
    return orgs_under_roles(actor=user, roles=ADMIN_ROLES)


@login_required
def plan_index(request):
    plans = plan_list(actor=request.user)
    year = request.GET.get("year", "")
    if year.isdigit():
        plans = plans.filter(year=int(year))
    orgs = administered(request.user)
    form = PlanForm(
        orgs=orgs,
        masters=master_plans(orgs=orgs),
        initial={"year": timezone.localdate().year},
    )
    return render(
        request,
        "plans/plans.html",
        {
            "plans": plans.order_by("-year", "org__path", "kind", "sort_order", "id"),
            "form": form,
            "year": year,
            "can_create": orgs.exists(),
        },
    )


@login_required
def plan_new(request):
    orgs = administered(request.user)
    if not orgs.exists():
        raise PermissionDenied("只有组织的管理员可以制定方案")
    form = PlanForm(
        request.POST or None,
        orgs=orgs,
        masters=master_plans(orgs=orgs),
    )
    if request.method == "POST" and form.is_valid():
        plan = run_service(
            form, lambda: services.plan_create(actor=request.user, **form.cleaned_data)
        )
        if plan is not None:
            messages.success(request, f"已建立“{plan.title}”")
            return redirect("plans:plan", plan.id)
    return render(request, "plans/plan_form.html", {"form": form})


@login_required
def plan_detail(request, plan_id):
    plan = plan_get(actor=request.user, plan_id=plan_id)
    total, per_item, per_task, tasks = plan_progress(plan)
    today = timezone.localdate()
    can_admin = scope_of(request.user).can_admin(plan.org.path)
    visible = {t.id for t in task_filter(task_list(actor=request.user), plan=plan)}
    items = list(plan.items.all())
    # The top of what the user sees: a branch sees its sub-task, whose parent is another unit's.
    rows = [
        (t, per_task[t.id], services.derived_status(t, today))
        for t in tasks
        if t.id in visible and t.parent_id not in visible
    ]
    return render(
        request,
        "plans/plan.html",
        {
            "plan": plan,
            "total": total,
            "items": [(i, per_item.get(i.id)) for i in items],
            "rows": rows,
            "sub_plans": plan.sub_plans.all(),
            "can_admin": can_admin,
            "item_form": ItemForm(),
            "task_form": TaskForm(
                orgs=org_subtree(plan.org).order_by("path"),
                items=plan.items.all(),
                initial={"start_on": today},
            ),
        },
    )


@login_required
@require_POST
def item_add(request, plan_id):
    plan = plan_get(actor=request.user, plan_id=plan_id)
    form = ItemForm(request.POST)
    if form.is_valid() and run_service(
        form, lambda: services.plan_item_add(actor=request.user, plan=plan, **form.cleaned_data)
    ):
        messages.success(request, "已增加方案事项")
    else:
        messages.error(request, form_errors(form))
    return redirect("plans:plan", plan.id)


@login_required
def task_new(request, plan_id):
    plan = plan_get(actor=request.user, plan_id=plan_id)
    if not scope_of(request.user).can_admin(plan.org.path):
        raise PermissionDenied("您没有为该组织下达任务的权限")
    form = TaskForm(
        request.POST or None,
        orgs=org_subtree(plan.org).order_by("path"),
        items=plan.items.all(),
        initial={"start_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        task = run_service(
            form, lambda: services.task_create(actor=request.user, plan=plan, **form.cleaned_data)
        )
        if task is not None:
            messages.success(request, f"已下达任务“{task.title}”")
            return redirect("plans:plan", plan.id)
    return render(request, "plans/task_form.html", {"form": form, "plan": plan})


@login_required
def plan_export(request, plan_id):
    plan = plan_get(actor=request.user, plan_id=plan_id)
    fmt = "docx" if request.GET.get("format") == "docx" else "xlsx"
    content = exports.plan_export(
        actor=request.user, plan=plan, fmt=fmt, today=timezone.localdate()
    )
    if fmt == "docx":
        response = HttpResponse(content, content_type=DOCX)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(plan.title)}.docx"
        return response
    return xlsx_response(content, f"{plan.title}任务台账.xlsx")


@login_required
def plan_import(request, plan_id):
    plan = plan_get(actor=request.user, plan_id=plan_id)
    if not scope_of(request.user).can_admin(plan.org.path):
        raise PermissionDenied("您没有为该组织下达任务的权限")
    result = None
    error = ""
    if request.method == "POST" and request.FILES.get("file"):
        upload = request.FILES["file"]
        if not is_spreadsheet(upload.name):
            error = SPREADSHEET_HINT
        else:
            try:
                result = excel.import_tasks(actor=request.user, plan=plan, upload=upload)
            except ApplicationError as exc:
                error = exc.message
            if result is not None and result.ok:
                messages.success(request, f"已导入任务 {result.created} 项")
                return redirect("plans:plan", plan.id)
    return render(request, "plans/import.html", {"plan": plan, "result": result, "error": error})


@login_required
def import_template(request):
    return xlsx_response(excel.import_template(), "方案任务导入模板.xlsx")


def _filtered(request):
    form = TaskFilterForm(request.GET or None)
    form.is_valid()  # a wrong value shows on its field; the right ones still filter
    data = getattr(form, "cleaned_data", {})
    owner = org_get(actor=request.user, org_id=data["owner"]) if data.get("owner") else None
    plan = plan_get(actor=request.user, plan_id=data["plan"]) if data.get("plan") else None
    tasks = task_filter(
        task_list(actor=request.user),
        owner=owner,
        status=data.get("status", ""),
        plan=plan,
        due_after=data.get("due_after"),
        due_before=data.get("due_before"),
        today=timezone.localdate(),
        text=data.get("q", ""),
    )
    return form, owner, tasks


@login_required
def task_index(request):
    """任务清单 / 责任清单 / 时间清单: three views of the same tasks."""
    view = request.GET.get("view", "tasks") if request.GET.get("view") in VIEWS else "tasks"
    form, owner, tasks = _filtered(request)
    default = {"tasks": "deadline", "people": "owner", "time": "deadline"}[view]
    sort, order_by = sort_param(request, TASK_SORTS, default)
    today = timezone.localdate()
    if request.GET.get("export"):
        workbook = exports.task_export(
            actor=request.user,
            tasks=tasks.order_by(order_by, "deadline", "id"),
            title=VIEWS[view],
            owner=owner,
            today=today,
        )
        return xlsx_response(workbook, f"{VIEWS[view]}.xlsx")
    page = paginate_page(request, tasks.order_by(order_by, "deadline", "id"))
    rows = [(t, services.derived_status(t, today)) for t in page]
    query = request.GET.copy()
    query.pop("page", None)
    page_query = query.urlencode()  # the pager keeps the sort, the sort links replace it
    query.pop("sort", None)
    return render(
        request,
        "plans/tasks.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "view": view,
            "views": VIEWS,
            "owner": owner,
            "sort": sort,
            "query": query.urlencode(),
            "page_query": page_query,
        },
    )


@login_required
def task_detail(request, task_id):
    return _task_page(request, task_get(actor=request.user, task_id=task_id))


def _task_page(request, task, report_form=None):
    """The task page; `report_form` is a refused report, shown again with what was typed."""
    scope = scope_of(request.user)
    subtasks = list(task.subtasks.select_related("owner_org").order_by("deadline", "id"))
    progress = rolled_progress([task, *task_descendants(task)])
    today = timezone.localdate()
    return render(
        request,
        "plans/task.html",
        {
            "task": task,
            "status": services.derived_status(task, today),
            "progress": progress.get(task.id),
            "subtasks": [
                (s, progress.get(s.id), services.derived_status(s, today)) for s in subtasks
            ],
            "events": task.events.select_related("by").prefetch_related("evidence"),
            "can_report": services.is_reporter(request.user, task.owner_org, task.assigner)
            and task.status in ("not_started", "in_progress")
            and all(s.status == "cancelled" for s in subtasks),
            "can_assign": scope.can_admin(task.assigner.path),
            "can_split": scope.can_admin(task.owner_org.path)
            and task.status in ("not_started", "in_progress"),
            "report_form": report_form or ReportForm(initial={"percent": task.progress}),
            "reason_form": ReasonForm(),
            "accept_form": AcceptForm(),
            "split_form": TaskForm(
                orgs=org_subtree(task.owner_org).exclude(pk=task.owner_org_id).order_by("path"),
                initial={"start_on": task.start_on, "deadline": task.deadline},
            ),
        },
    )


@login_required
@require_POST
def task_report(request, task_id):
    task = task_get(actor=request.user, task_id=task_id)
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid() and run_service(
        form, lambda: services.task_report(actor=request.user, task=task, **form.cleaned_data)
    ):
        messages.success(
            request, "已报告进展" if form.cleaned_data["percent"] < 100 else "已报请验收"
        )
        return redirect("plans:task", task.id)
    messages.error(request, form_errors(form))
    return _task_page(request, task_get(actor=request.user, task_id=task.id), report_form=form)


@login_required
@require_POST
def task_decide(request, task_id, decision):
    task = task_get(actor=request.user, task_id=task_id)
    form = ReasonForm(request.POST)
    if decision == "accept":
        form = AcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("plans:task", task.id)
    reason = form.cleaned_data["reason"]
    actions = {
        "accept": lambda: services.task_accept(actor=request.user, task=task, text=reason),
        "return": lambda: services.task_return(actor=request.user, task=task, reason=reason),
        "cancel": lambda: services.task_cancel(actor=request.user, task=task, reason=reason),
    }
    if decision not in actions:
        raise Http404("未知操作")
    if run_service(form, actions[decision]):
        messages.success(
            request, {"accept": "已验收", "return": "已退回", "cancel": "已取消任务"}[decision]
        )
    else:
        messages.error(request, form_errors(form))
    return redirect("plans:task", task.id)


@login_required
def task_split(request, task_id):
    parent = task_get(actor=request.user, task_id=task_id)
    if not scope_of(request.user).can_admin(parent.owner_org.path):
        raise PermissionDenied("只有责任单位的管理员可以分解任务")
    orgs = org_subtree(parent.owner_org).exclude(pk=parent.owner_org_id).order_by("path")
    form = TaskForm(
        request.POST or None,
        orgs=orgs,
        initial={"start_on": parent.start_on, "deadline": parent.deadline, "title": parent.title},
    )
    if request.method == "POST" and form.is_valid():
        task = run_service(
            form,
            lambda: services.task_split(actor=request.user, parent=parent, **form.cleaned_data),
        )
        if task is not None:
            messages.success(request, f"已分解给{task.owner_org.name}")
            return redirect("plans:task", parent.id)
    return render(request, "plans/task_form.html", {"form": form, "parent": parent})


@login_required
def task_edit(request, task_id):
    task = task_get(actor=request.user, task_id=task_id)
    if not scope_of(request.user).can_admin(task.assigner.path):
        raise PermissionDenied("只有交办组织可以修改任务")
    form = TaskForm(
        request.POST or None,
        orgs=org_list(actor=request.user).filter(pk=task.owner_org_id),
        initial={
            **{f: getattr(task, f) for f in services.TASK_FIELDS},
            "owner_org": task.owner_org,
        },
    )
    form.fields["owner_org"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "owner_org"}
        if run_service(form, lambda: services.task_update(actor=request.user, task=task, **data)):
            messages.success(request, "已保存")
            return redirect("plans:task", task.id)
    return render(request, "plans/task_form.html", {"form": form, "task": task})


@login_required
def evidence(request, evidence_id):
    item = evidence_get(actor=request.user, evidence_id=evidence_id)
    inline = item.content_type.startswith("image/") or item.content_type == "application/pdf"
    return FileResponse(
        item.file.open("rb"),
        as_attachment=not inline,
        filename=item.original_name,
        content_type=item.content_type,
    )
