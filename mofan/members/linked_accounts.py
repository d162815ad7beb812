"""What a member's lifecycle does to their linked account: leaving the roll (leaving the Party,
death, a transfer out of the system) disables it; a move inside the system keeps it and
moves its member grant to the new branch."""

from mofan.accounts.services import member_grant_move, member_user_disable
from mofan.members.models import Member
from mofan.orgs.models import Org


def disable_linked_account(*, actor, member: Member, reason: str) -> None:
    if member.user_id is not None:
        member_user_disable(actor=actor, user=member.user, branch=member.org, reason=reason)


def move_linked_account(*, actor, member: Member, from_branch: Org) -> None:
    if member.user_id is not None and member.org_id != from_branch.pk:
        member_grant_move(
            actor=actor, user=member.user, from_branch=from_branch, to_branch=member.org
        )
