from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from mofan.core.views_helpers import paginate_page
from mofan.notifications.services import notification_mark_read


@login_required
def inbox(request):
    notifications = request.user.notifications.all()
    if request.GET.get("unread") == "1":
        notifications = notifications.filter(read_at__isnull=True)
    page = paginate_page(request, notifications)
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "query": "unread=1" if request.GET.get("unread") == "1" else ""},
    )


@login_required
@require_POST
def mark_read(request):
    # No `id` at all means "all"; ids that are not numbers mark nothing.
    given = request.POST.getlist("id")
    ids = [int(i) for i in given if i.isdigit()]
    notification_mark_read(actor=request.user, notification_ids=ids if given else None)
    link = request.POST.get("next", "")
    safe = link.startswith("/") and url_has_allowed_host_and_scheme(
        link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(link if safe else "notifications:inbox")
