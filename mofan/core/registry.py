"""What the apps tell core at start-up: audit action labels and menu entries. Core collects
them without importing any app; each app registers its own in its AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass

_audit_labels: dict[str, str] = {}


def register_audit_labels(labels: dict[str, str]) -> None:
    for action, label in labels.items():
        if _audit_labels.get(action, label) != label:
            raise ValueError(f"audit action {action} registered twice with different labels")
        _audit_labels[action] = label


def audit_labels() -> dict[str, str]:
    return dict(_audit_labels)


# How the audit page words a stored value that only its app can read, e.g. a health rule's
# conditions [["members", "gt", 50]] → 党员人数 大于 50; keyed by (target_type, field).
_audit_values: dict[tuple[str, str], Callable[[object], str]] = {}


def register_audit_value(target_type: str, field: str, words: Callable[[object], str]) -> None:
    _audit_values[(target_type, field)] = words


def audit_value_words(target_type: str, field: str) -> Callable[[object], str] | None:
    return _audit_values.get((target_type, field))


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    order: int
    admin_only: bool = False
    icon: str = "chevron-right"  # a symbol of the vendored Tabler Icons sprite


_menu: dict[str, MenuEntry] = {}


def register_menu(*entries: MenuEntry) -> None:
    for entry in entries:
        _menu[entry.url_name] = entry


def menu_entries(*, is_admin: bool) -> list[MenuEntry]:
    entries = sorted(_menu.values(), key=lambda e: e.order)
    return [e for e in entries if is_admin or not e.admin_only]
