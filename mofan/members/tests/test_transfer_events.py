"""A transfer tells the branch that must act (issue 10 §3): the receiving branch when it is sent,
the sending branch when it is accepted or returned; never the actor, once per event, and not at
all when the write fails."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mofan.core.errors import ApplicationError
from mofan.members import events
from mofan.members.lifecycle import transfer_accept, transfer_reject, transfer_send
from mofan.notifications.models import Notification

LETTER = "发改组转〔2026〕12号"


def inbox(user) -> list[tuple[str, str]]:
    return list(user.notifications.order_by("id").values_list("title", "link"))


@pytest.fixture
def member(tree, make_member):
    return make_member(tree.branch, name="张转接")


def send(users, tree, member):
    return transfer_send(
        actor=users.secretary,
        member=member,
        to_org=tree.other_branch,
        letter_number=LETTER,
        on=timezone.localdate() - timedelta(days=3),
    )


def test_a_sent_transfer_reaches_the_receiving_branch_only(users, tree, member):
    send(users, tree, member)
    assert inbox(users.outsider) == [
        ("组织关系转入待接收：张转接", "/members/transfers/?status=pending")
    ]
    body = users.outsider.notifications.get().body
    assert LETTER in body and tree.branch.name in body
    for other in ("secretary", "committee_admin", "leader", "member"):
        assert inbox(getattr(users, other)) == [], other


def test_the_sending_branch_hears_of_the_acceptance(users, tree, member):
    transfer = send(users, tree, member)
    transfer_accept(actor=users.outsider, transfer=transfer, on=timezone.localdate())
    assert inbox(users.secretary) == [
        ("组织关系转接已接收：张转接", "/members/transfers/?status=accepted")
    ]
    assert len(inbox(users.outsider)) == 1  # the acceptance is not sent to who accepted


def test_a_returned_transfer_tells_the_sender_why(users, tree, member):
    transfer = send(users, tree, member)
    transfer_reject(
        actor=users.outsider, transfer=transfer, on=timezone.localdate(), reason="信息有误"
    )
    message = users.secretary.notifications.get()
    assert message.title == "组织关系转接被退回：张转接"
    assert message.body.endswith("：信息有误")


def test_a_refused_answer_sends_nothing(users, tree, member):
    transfer = send(users, tree, member)
    with pytest.raises(ApplicationError):
        transfer_reject(
            actor=users.outsider, transfer=transfer, on=timezone.localdate(), reason=" "
        )
    assert inbox(users.secretary) == []


def test_the_same_event_is_written_once(users, tree, member):
    transfer = send(users, tree, member)
    assert events.transfer_sent(actor=users.secretary, transfer=transfer) == 0
    assert Notification.objects.filter(key=f"members:transfer.sent:{transfer.pk}").count() == 1
