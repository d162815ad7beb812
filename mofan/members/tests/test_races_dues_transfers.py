"""Concurrent writes keep the members' rules (issue 9 §4): a month of dues is paid once however
many clerks press at once, and a transfer is sent once and gets one answer (accepted or
returned, never both). PostgreSQL only: SQLite runs one writer at a time, so these races cannot
happen there."""

from datetime import date
from decimal import Decimal

from mofan.core.tests.concurrency import POSTGRES_ONLY, at_once, refusals
from mofan.members.dues import dues_record_all_at_standard, dues_record_payment
from mofan.members.lifecycle import transfer_accept, transfer_reject, transfer_send
from mofan.members.models import DuesPayment, Member, MemberEvent, PaymentMethod, Transfer

pytestmark = POSTGRES_ONLY

MONTH = date(2026, 3, 1)
PAID_ON = date(2026, 3, 10)
LETTER = "发改组转〔2026〕12号"


# --- dues -------------------------------------------------------------------------------------


def pay(users, member_pk, paid):
    def call():
        member = Member.objects.get(pk=member_pk)  # each request loads the member itself
        return dues_record_payment(
            actor=users.secretary,
            member=member,
            month=MONTH,
            paid=Decimal(paid),
            paid_on=PAID_ON,
            method=PaymentMethod.CASH,
        )

    return call


def test_eight_clerks_paying_the_same_month_record_one_payment(users, tree, make_member):
    member = make_member(tree.branch, name="张缴费", dues_base=Decimal("3000"))
    results = at_once([pay(users, member.pk, 10 + i) for i in range(8)])
    reasons = refusals(results)
    assert reasons == ["张缴费 2026年03月的党费已登记"] * 7
    payments = list(DuesPayment.objects.filter(member=member))
    assert len(payments) == 1
    winner = next(r for r in results if isinstance(r, DuesPayment))
    assert payments[0].paid == winner.paid  # the branch's total counts the month once


def test_paying_one_while_paying_all_at_standard_records_each_member_once(users, tree, make_member):
    first = make_member(tree.branch, name="甲", dues_base=Decimal("3000"))
    second = make_member(tree.branch, name="乙", dues_base=Decimal("3000"))

    def pay_all():
        members = list(Member.objects.filter(pk__in=[first.pk, second.pk]))
        return dues_record_all_at_standard(
            actor=users.secretary,
            members=members,
            month=MONTH,
            paid_on=PAID_ON,
            method=PaymentMethod.TRANSFER,
        )

    for _ in range(3):  # the interleaving differs from run to run
        DuesPayment.objects.all().delete()
        results = at_once([pay(users, first.pk, "15"), pay_all])
        assert refusals(results) in ([], ["甲 2026年03月的党费已登记"])
        assert DuesPayment.objects.filter(member=first).count() == 1
        assert DuesPayment.objects.filter(member=second).count() == 1


# --- transfers --------------------------------------------------------------------------------


def send(users, tree, member):
    return transfer_send(
        actor=users.secretary,
        member=member,
        to_org=tree.other_branch,
        letter_number=LETTER,
        on=date(2026, 3, 1),
    )


def accept(users, transfer_pk):
    def call():
        transfer = Transfer.objects.get(pk=transfer_pk)
        return transfer_accept(actor=users.outsider, transfer=transfer, on=date(2026, 3, 5))

    return call


def reject(users, transfer_pk):
    def call():
        transfer = Transfer.objects.get(pk=transfer_pk)
        return transfer_reject(
            actor=users.outsider, transfer=transfer, on=date(2026, 3, 5), reason="介绍信有误"
        )

    return call


def test_accepting_and_returning_a_transfer_at_once_ends_in_one_answer(users, tree, make_member):
    member = make_member(tree.branch, name="王转接")
    transfer = send(users, tree, member)
    results = at_once([accept(users, transfer.pk), reject(users, transfer.pk)])
    assert refusals(results) == ["该转接已办理"]
    transfer.refresh_from_db()
    member.refresh_from_db()
    if transfer.status == Transfer.Status.ACCEPTED:
        assert member.org == tree.other_branch
        assert transfer.note == ""
    else:
        assert transfer.status == Transfer.Status.REJECTED
        assert member.org == tree.branch
    moved = member.events.filter(kind=MemberEvent.Kind.TRANSFER_IN).count()
    assert moved == (1 if transfer.status == Transfer.Status.ACCEPTED else 0)


def test_accepting_a_transfer_twice_at_once_moves_the_member_once(users, tree, make_member):
    member = make_member(tree.branch, name="李转接")
    transfer = send(users, tree, member)
    results = at_once([accept(users, transfer.pk) for _ in range(4)])
    assert refusals(results) == ["该转接已办理"] * 3
    member.refresh_from_db()
    assert member.org == tree.other_branch
    assert member.events.filter(kind=MemberEvent.Kind.TRANSFER_IN).count() == 1
    assert member.events.filter(kind=MemberEvent.Kind.TRANSFER_OUT).count() == 1


def test_sending_a_transfer_twice_at_once_leaves_one_pending(users, tree, make_member):
    member = make_member(tree.branch, name="赵转接")

    def call():
        return send(users, tree, Member.objects.get(pk=member.pk))

    results = at_once([call for _ in range(4)])
    assert refusals(results) == ["赵转接 已有一笔待接收的转接"] * 3
    assert member.transfers.filter(status=Transfer.Status.PENDING).count() == 1
