import os
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mofan.core.access import RECORDER_ROLES, scope_of
from mofan.core.errors import ApplicationError
from mofan.core.excel import xlsx_response
from mofan.core.lookup import get_or_404
from mofan.core.views_helpers import paginate_page, run_service, sort_param
from mofan.members import excel, exports, services, tasks
from mofan.members.dues import month_start, standards_for
from mofan.members.flags import member_flags
from mofan.members.forms import ImportForm, MemberFilterForm, MemberForm
from mofan.members.models import Correction
from mofan.members.selectors import (
    correction_list,
    member_filter,
    member_get,
    member_list,
    political_birthdays,
)
from mofan.orgs.models import BRANCH_TYPES, OrgType
from mofan.orgs.selectors import org_breadcrumb, org_get, orgs_under_roles

MEMBER_SORTS = {
    "name": "name",
    "joined_on": "joined_on",
    "birth_date": "birth_date",
    "org": "org__path",
}


def _writable_orgs(user, org_types):
    """Active orgs of these types in which the user may record members."""
    return orgs_under_roles(actor=user, roles=RECORDER_ROLES, org_types=org_types)


def _can_write_somewhere(user) -> bool:
    return scope_of(user).records_anywhere


def _filtered(request):
    form = MemberFilterForm(request.GET or None)
    filters = dict(form.cleaned_data) if form.is_valid() else {}
    org = org_get(actor=request.user, org_id=filters["org"]) if filters.get("org") else None
    members = member_list(actor=request.user, include_history=bool(filters.get("status")))
    members = member_filter(
        members,
        today=timezone.localdate(),
        org=org,
        category=filters.get("category", ""),
        status=filters.get("status", ""),
        sex=filters.get("sex", ""),
        education=filters.get("education", ""),
        age_min=filters.get("age_min"),
        age_max=filters.get("age_max"),
        joined_year=filters.get("joined_year"),
        dues_arrears=bool(filters.get("arrears")),
        text=filters.get("q", ""),
    )
    return form, org, members


def _branch_to_enrol(user, org):
    """The branch whose members one click gives accounts: the listed org, if the user records it."""
    if org is not None and org.org_type in BRANCH_TYPES and scope_of(user).can_record(org.path):
        return org
    return None


def _pending_corrections(user) -> int:
    if not scope_of(user).records_anywhere:
        return 0
    return correction_list(actor=user).filter(status=Correction.Status.PENDING).count()


def require_roster_reader(user) -> None:
    if not scope_of(user).reads_roster_anywhere:
        raise PermissionDenied("党员只能查看本人的信息，不能导出党员名单")


@login_required
def member_index(request):
    form, org, members = _filtered(request)
    sort, order_by = sort_param(request, MEMBER_SORTS, "org")
    page = paginate_page(request, members.select_related("user").order_by(order_by, "name", "id"))
    query = request.GET.copy()
    query.pop("page", None)
    scope = scope_of(request.user)
    return render(
        request,
        "members/list.html",
        {
            "form": form,
            "page": page,
            "org": org,
            "sort": sort,
            "query": query.urlencode(),
            "can_write": _can_write_somewhere(request.user),
            "can_export": scope.reads_roster_anywhere,
            "branch_to_enrol": _branch_to_enrol(request.user, org),
            "pending_corrections": _pending_corrections(request.user),
            "breadcrumb": org_breadcrumb(actor=request.user, org=org) if org else None,
        },
    )


@login_required
def export(request):
    require_roster_reader(request.user)
    _, org, members = _filtered(request)
    title = f"{org.name if org else '党员'}花名册（{timezone.localdate():%Y-%m-%d}）"
    export = exports.roster_export(
        actor=request.user,
        org=org,
        members=members,
        title=title,
        detail=f"导出党员名单 {request.GET.urlencode()}",
    )
    return xlsx_response(*export)


@login_required
def detail(request, member_id):
    member = member_get(actor=request.user, member_id=member_id)
    scope = scope_of(request.user)
    return render(
        request,
        "members/detail.html",
        {
            "member": member,
            "events": member.events.all(),
            "breadcrumb": org_breadcrumb(actor=request.user, org=member.org),
            "can_write": scope.can_record(member.org.path),
            "can_reveal": scope.can_admin(member.org.path),
            "is_mine": member.user_id is not None and member.user_id == request.user.pk,
            "flags": member_flags(member) if member.is_current else [],
            "dues_standard": standards_for([member], month_start(timezone.localdate()))[member.id],
            "pending_transfer": member.transfers.filter(status="pending")
            .select_related("to_org")
            .first(),
        },
    )


@login_required
@require_POST
def reveal(request, member_id):
    member = member_get(actor=request.user, member_id=member_id)
    number = services.member_reveal_id_number(actor=request.user, member=member)
    return HttpResponse(f'<span id="id-number">{number}</span>')


def _member_form(request, *, member=None):
    if not _can_write_somewhere(request.user):
        raise PermissionDenied("您没有维护党员信息的权限")
    initial = {}
    if member is not None:
        initial = {f: getattr(member, f) for f in services.MEMBER_FIELDS}
    elif request.GET.get("org"):
        initial["org"] = request.GET["org"]
    return MemberForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        branches=_writable_orgs(request.user, BRANCH_TYPES),
        groups=_writable_orgs(request.user, [OrgType.PARTY_GROUP]),
        creating=member is None,
    )


@login_required
def create(request):
    form = _member_form(request)
    if request.method == "POST" and form.is_valid():
        member = run_service(
            form, lambda: services.member_create(actor=request.user, **form.service_fields())
        )
        if member is not None:
            messages.success(request, f"已录入党员 {member.name}")
            return redirect("members:detail", member.id)
    return render(request, "members/form.html", {"form": form, "creating": True})


@login_required
def edit(request, member_id):
    member = member_get(actor=request.user, member_id=member_id)
    if not scope_of(request.user).can_record(member.org.path):
        raise PermissionDenied("您没有维护该党员信息的权限")
    form = _member_form(request, member=member)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.member_update(
                actor=request.user, member=member, **form.service_fields()
            ),
        )
        if saved is not None:
            messages.success(request, "已保存")
            return redirect("members:detail", member.id)
    return render(request, "members/form.html", {"form": form, "creating": False, "member": member})


@login_required
def photo(request, member_id):
    member = member_get(actor=request.user, member_id=member_id)
    if not member.photo:
        raise Http404("没有照片")
    return FileResponse(
        member.photo.open("rb"),
        content_type="image/png" if member.photo.name.endswith(".png") else "image/jpeg",
    )


@login_required
def birthdays(request):
    month = timezone.localdate().month
    org = org_get(actor=request.user, org_id=request.GET["org"]) if request.GET.get("org") else None
    members = political_birthdays(actor=request.user, org=org, month=month)
    page = paginate_page(request, members)
    return render(
        request,
        "members/birthdays.html",
        {
            "page": page,
            "month": month,
            "org": org,
            "year": timezone.localdate().year,
            "query": f"org={org.id}" if org else "",  # kept by the pager's links
        },
    )


# An uploaded roster holds plain ID numbers: it waits this long for confirmation, then goes.
PREVIEW_SECONDS = 3600


def _upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - PREVIEW_SECONDS
    for stored in path.glob("*.upload"):
        try:
            if stored.stat().st_mtime < cutoff:
                stored.unlink()
        except FileNotFoundError:
            pass  # removed by a concurrent request
    return path


@login_required
def import_roster(request):
    if not _can_write_somewhere(request.user):
        raise PermissionDenied("您没有维护党员信息的权限")
    branches = _writable_orgs(request.user, BRANCH_TYPES)
    form = ImportForm(request.POST or None, request.FILES or None, branches=branches)
    if request.method == "POST" and request.POST.get("token"):
        return _commit_import(request, request.POST["token"], branches)
    checked = token = large_rows = None
    if request.method == "POST" and form.is_valid():
        large_rows = _large_rows(form.cleaned_data["file"])
        token = uuid.uuid4().hex
        stored = _stored_upload(request, token)
        request.session[f"import:{token}"] = form.cleaned_data["file"].name  # for the job's audit
        with open(stored, "wb") as out:
            for chunk in form.cleaned_data["file"].chunks():
                out.write(chunk)
        try:
            checked = excel.check_roster(
                actor=request.user,
                upload=stored,
                default_org=form.cleaned_data["org"],
                limit=LARGE_PREVIEW_ROWS if large_rows else None,
            )
        except ApplicationError as exc:
            form.add_error("file", exc.message)
        if checked is None or not checked.ok:  # nothing to confirm: keep no copy
            os.remove(stored)
            token = None
    default_org = form.cleaned_data.get("org") if form.is_bound and form.is_valid() else None
    return render(
        request,
        "members/import.html",
        {
            "form": form,
            "checked": checked,
            "token": token,
            "default_org": default_org,
            "large_rows": large_rows,
        },
    )


# A file over MOFAN_IMPORT_BACKGROUND_ROWS is previewed by its first rows only (the web request
# reads no further); once confirmed, a background job checks it whole and imports it.
LARGE_PREVIEW_ROWS = 200


def _large_rows(upload) -> int | None:
    """The sheet's height when the file is imported by a background job, else None; a file
    that cannot be read goes the usual way, which explains what is wrong with it."""
    try:
        height = tasks.roster_height(upload)
    except ApplicationError:
        return None
    return height if height > tasks.background_rows() else None


def _stored_upload(request, token: str) -> Path:
    return _upload_dir() / f"{request.user.pk}-{token}.upload"


def _commit_import(request, token: str, branches):
    if not token.isalnum():
        raise PermissionDenied("导入凭据无效")
    stored = _stored_upload(request, token)
    if not stored.exists():
        messages.error(request, "预览已过期，请重新上传文件")
        return redirect("members:import")
    org_id = request.POST.get("org") or None
    default_org = get_or_404(branches, org_id, "未找到该支部") if org_id else None
    large_rows = _large_rows(stored)
    if large_rows:
        job = tasks.roster_import_enqueue(
            actor=request.user,
            upload=stored,
            default_org=default_org,
            rows=large_rows,
            name=request.session.pop(f"import:{token}", ""),
        )
        return redirect("job", job.pk)
    try:
        checked = excel.check_roster(actor=request.user, upload=stored, default_org=default_org)
        created, updated = excel.commit_roster(actor=request.user, checked=checked)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("members:import")
    finally:
        stored.unlink(missing_ok=True)
    messages.success(request, f"导入完成：新增 {created} 人，更新 {updated} 人")
    return redirect("members:list")


@login_required
def import_template(request):
    return xlsx_response(excel.template_workbook(), "党员花名册导入模板.xlsx")
