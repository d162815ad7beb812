from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
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
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
    notification_mark_read(actor=request.user, notification_ids=ids or None)
    link = request.POST.get("next", "")
    return redirect(
        link if link.startswith("/") and not link.startswith("//") else "notifications:inbox"
    )
