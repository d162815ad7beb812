from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from mofan.core.access import scope_of
from mofan.core.audit_display import describe_changes
from mofan.core.excel import xlsx_response
from mofan.core.exports import audit_export
from mofan.core.forms import AuditSearchForm
from mofan.core.jobs import job_get, kind_label
from mofan.core.registry import audit_labels
from mofan.core.selectors import audit_list
from mofan.core.views_helpers import paginate_page


@login_required
def audit_log(request):
    if not scope_of(request.user).is_admin:
        raise PermissionDenied("只有管理员可以查看审计日志")
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    records = audit_list(actor=request.user, **{k: v for k, v in filters.items() if v})
    if request.GET.get("export"):
        export = audit_export(actor=request.user, records=records, labels=audit_labels())
        return xlsx_response(*export)
    page = paginate_page(request, records)
    page.object_list = list(page.object_list)
    describe_changes(page.object_list)
    return render(
        request,
        "core/audit.html",
        {
            "form": form,
            "page": page,
            "labels": audit_labels(),
            "query": _query_without_page(request),
        },
    )


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def job_detail(request, job_id: int):
    job = job_get(actor=request.user, job_id=job_id)
    template = "core/_job_status.html" if request.htmx else "core/job.html"
    return render(request, template, {"job": job, "label": kind_label(job.kind)})
