"""Who may hold a committee seat by record: the members module registers a directory of the
current members under an org, so orgs can offer and check seat holders without importing it.
Until one is registered nobody can be linked and seats keep their typed names only."""

from collections.abc import Callable
from dataclasses import dataclass

from mofan.orgs.models import Org


@dataclass(frozen=True)
class SeatHolder:
    member_id: int
    name: str
    branch_name: str

    @property
    def label(self) -> str:
        return f"{self.name}（{self.branch_name}）"


# (org, member_ids or None for all, limit or None) -> current members in the org's sub-tree
Directory = Callable[[Org, list[int] | None, int | None], list[SeatHolder]]
_directories: list[Directory] = []


def register_seat_directory(directory: Directory) -> None:
    if directory not in _directories:
        _directories.append(directory)


def seat_holders(org: Org, *, limit: int | None = None) -> list[SeatHolder]:
    found = [h for directory in _directories for h in directory(org, None, limit)]
    return found[:limit] if limit is not None else found


def seat_holder(org: Org, member_id: int) -> SeatHolder | None:
    """The current member with this id under the org, or None."""
    return next((h for d in _directories for h in d(org, [member_id], 1)), None)
