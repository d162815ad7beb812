"""Warnings about a member that other modules know (e.g. no organisational life for six
months), shown on the member's page without the members module depending on them."""

from collections.abc import Callable

MemberFlag = Callable[[object], list[str]]
_flaggers: list[MemberFlag] = []


def register_member_flag(flagger: MemberFlag) -> None:
    if flagger not in _flaggers:
        _flaggers.append(flagger)


def member_flags(member) -> list[str]:
    return [flag for flagger in _flaggers for flag in flagger(member)]
