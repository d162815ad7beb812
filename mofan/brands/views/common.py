"""What the 四强 application pages and the 党建品牌 pages share: the review queue with its
filter, a review step posted from the item's page, an evidence file."""

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect

from mofan.brands.forms import FilterForm
from mofan.brands.models import EDITABLE, Status
from mofan.brands.services.common import is_committee_over
from mofan.core.access import scope_of
from mofan.core.errors import ApplicationError
from mofan.core.views_helpers import paginate_page, sort_param


def default_status(user) -> str:
    """What waits for the user: the committee decides what units passed, units review."""
    scope = scope_of(user)
    if scope.is_committee_admin:
        return Status.UNIT_PASSED
    if scope.is_admin:
        return Status.SUBMITTED
    return ""


def step_actions(user, item, *, committee, decides: list[str], keeps: list[str]) -> list[str]:
    """The steps the user may take now (the services check again): the applicant submits, the
    unit passes or returns, the committee over `committee` then `decides` and, once it is
    recognised, `keeps` it up."""
    scope = scope_of(user)
    if item.status in EDITABLE and scope.can_record(item.org.path):
        return ["submit"]
    if item.status == Status.SUBMITTED and scope.can_admin_strictly_below(item.org.path):
        return ["unit_pass", "return"]
    if item.status not in (Status.UNIT_PASSED, Status.RECOGNISED):
        return []
    if not is_committee_over(user, committee):
        return []
    return decides if item.status == Status.UNIT_PASSED else keeps


def queue_context(request, found, *, sorts: dict[str, str], year_field: str) -> dict:
    """The queue filtered by status (what waits for the user unless chosen) and year, sorted
    and paged, for the list template."""
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = default_status(request.user)
    form = FilterForm(data, statuses=Status.choices)
    if form.is_valid():
        if form.cleaned_data["status"]:
            found = found.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["year"]:
            found = found.filter(**{year_field: form.cleaned_data["year"]})
    sort, order = sort_param(request, sorts, "org")
    page = paginate_page(request, found.order_by(order, "id"))
    return {"form": form, "page": page, "sort": sort, "query": data.urlencode()}


REVIEWED = {
    "submit": "已提交，等待单位审核",
    "unit_pass": "审核通过，已报机关工委认定",
    "return": "已退回",
    "reject": "已作出不予认定的决定",
}  # what a step both items take says once taken


def _year(post) -> int:
    raw = post.get("year", "")
    return int(raw) if raw.isdigit() else 0


def take_step(request, item, *, steps: dict, done: dict[str, str], page: str):
    """Run the posted step on the item; its message (or the rule refused) shows on its page."""
    action = request.POST.get("action", "")
    step = steps.get(action)
    if step is None:
        messages.error(request, "未知的操作")
        return redirect(page, item.id)
    try:
        step(request.user, item, request.POST.get("reason", ""), _year(request.POST))
        messages.success(request, done[action])
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(page, item.id)


def file_response(item) -> FileResponse:
    """Images and PDFs open in the browser, other files download."""
    inline = item.content_type.startswith("image/") or item.content_type == "application/pdf"
    return FileResponse(
        item.file.open("rb"),
        as_attachment=not inline,
        filename=item.original_name,
        content_type=item.content_type,
    )
