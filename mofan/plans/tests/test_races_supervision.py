"""Concurrent writes keep the supervision rules (issue 9 §4): an item is closed once however
many clicks arrive together, and an answer arriving while the item is being closed cannot reopen
it. PostgreSQL only: SQLite runs one writer at a time, so these races cannot happen there."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mofan.core.access import SYSTEM
from mofan.core.tests.concurrency import POSTGRES_ONLY, at_once, refusals
from mofan.plans import supervision
from mofan.plans.models import Assignment, Feedback, Instruction

pytestmark = POSTGRES_ONLY


@pytest.fixture
def answered(tree):
    """An item of the committee assigned to the unit and answered once."""
    today = timezone.localdate()
    instruction = supervision.instruction_register(
        actor=SYSTEM,
        org=tree.committee,
        assignments=[(tree.unit, today)],
        source=Instruction.Source.SUPERIOR,
        level=Instruction.Level.IMPORTANT,
        title="落实上级批示",
        content="请认真研究落实，按时反馈。",
        received_on=today - timedelta(days=10),
    )
    item = instruction.assignments.get()
    supervision.assignment_answer(actor=SYSTEM, assignment=item, text="已部署", on=today)
    return item


def close(pk):
    def call():
        item = Assignment.objects.get(pk=pk)
        return supervision.assignment_close(
            actor=SYSTEM, assignment=item, text="办结", on=timezone.localdate()
        )

    return call


def answer(pk):
    def call():
        item = Assignment.objects.get(pk=pk)
        return supervision.assignment_answer(
            actor=SYSTEM, assignment=item, text="补充反馈", on=timezone.localdate()
        )

    return call


def test_closing_an_item_three_times_at_once_closes_it_once(answered):
    results = at_once([close(answered.pk) for _ in range(3)])
    assert refusals(results) == ["该事项已办结"] * 2
    answered.refresh_from_db()
    assert answered.status == Assignment.Status.CLOSED
    assert answered.feedback.filter(kind=Feedback.Kind.CLOSE).count() == 1


def test_an_answer_arriving_while_closing_cannot_reopen_the_item(answered):
    for _ in range(3):  # the interleaving differs from run to run
        Assignment.objects.filter(pk=answered.pk).update(
            status=Assignment.Status.ANSWERED, closed_on=None
        )
        results = at_once([close(answered.pk), answer(answered.pk)])
        assert refusals(results) in ([], ["该事项已办结"])
        answered.refresh_from_db()
        assert answered.status == Assignment.Status.CLOSED
