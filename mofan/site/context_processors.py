from dataclasses import dataclass
from functools import cache

from django.urls import reverse

from mofan.core.access import scope_of
from mofan.core.registry import menu_entries


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    icon: str
    active: bool


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_of(user)
    unread = user.notifications.filter(read_at__isnull=True).count()
    return {
        "menu": _menu_links(scope.is_admin, request.path),
        "scope": scope,
        "unread_notifications": unread,
    }


def _menu_links(is_admin: bool, path: str) -> tuple[MenuLink, ...]:
    links = _menu_urls(is_admin)
    return _menu_marked(is_admin, _current(links, path))


@cache
def _menu_marked(is_admin: bool, current: str | None) -> tuple[MenuLink, ...]:
    """The menu of a role with one entry marked current: built once per role and entry, not
    per request."""
    return tuple(
        MenuLink(label, url, icon, url == current) for label, url, icon in _menu_urls(is_admin)
    )


@cache
def _menu_urls(is_admin: bool) -> tuple[tuple[str, str, str], ...]:
    return tuple((e.label, reverse(e.url_name), e.icon) for e in menu_entries(is_admin=is_admin))


def _current(links, path: str) -> str | None:
    """The entry whose address is the longest prefix of the page's (首页 only for itself)."""
    matching = [url for _, url, _ in links if path == url or (url != "/" and path.startswith(url))]
    return max(matching, key=len, default=None)
