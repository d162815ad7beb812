from mofan.core.access import scope_of
from mofan.core.registry import menu_entries


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_of(user)
    menu = [(e.label, e.url_name) for e in menu_entries(is_admin=scope.is_admin)]
    unread = user.notifications.filter(read_at__isnull=True).count()
    return {"menu": menu, "scope": scope, "unread_notifications": unread}
