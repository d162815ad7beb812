"""The daily reminder of development: when a candidate's next step falls due (谈话 within a
month of the application, the next half-yearly review, the upper committee's approval), the
branch's secretary and admins get one message per candidate and step, never twice, and nobody
outside the branch; a stopped candidate or a step that has no time limit gives none."""

from datetime import date, timedelta

from mofan.core.dates import add_months
from mofan.members.development import candidate_apply, candidate_record_step, candidate_stop
from mofan.members.tests.conftest import new_id_number
from mofan.notifications.models import Notification
from mofan.notifications.reminders import write_reminders

APPLIED = date(2025, 3, 3)
TALK_DUE = add_months(APPLIED, 1)


def apply(tree, users, name="赵申请", org=None):
    born = date(1995, 3, 8)
    return candidate_apply(
        actor=users.unit_admin,
        org=org or tree.branch,
        name=name,
        id_number=new_id_number(born, "female"),
        applied_on=APPLIED,
        sex="female",
        birth_date=born,
    )


def development_messages():
    return list(
        Notification.objects.filter(key__startswith="development-")
        .order_by("user__username", "id")
        .values_list("user__username", "title", "link")
    )


def test_the_branchs_recorders_are_told_once_when_the_talk_falls_due(tree, users):
    candidate = apply(tree, users)
    write_reminders(APPLIED + timedelta(days=10))
    assert development_messages() == []

    write_reminders(TALK_DUE - timedelta(days=3))
    title = f"发展党员“赵申请”的“党组织派人谈话”应于 {TALK_DUE:%Y-%m-%d} 前办理"
    link = f"/members/development/{candidate.pk}/"
    assert development_messages() == [("secretary", title, link)]

    write_reminders(TALK_DUE + timedelta(days=5))  # overdue now: still the one message
    assert len(development_messages()) == 1


def test_a_step_recorded_or_a_candidate_stopped_is_not_reminded(tree, users):
    talked = apply(tree, users, name="钱谈话")
    stopped = apply(tree, users, name="孙终止")
    candidate_record_step(actor=users.secretary, candidate=talked, number=2, on=APPLIED)
    candidate_stop(actor=users.secretary, candidate=stopped, on=APPLIED, reason="本人撤回申请")
    write_reminders(TALK_DUE + timedelta(days=1))
    assert development_messages() == []


def test_an_overdue_step_first_seen_late_says_so(tree, users):
    apply(tree, users)
    write_reminders(TALK_DUE + timedelta(days=4))
    [(user, title, _)] = development_messages()
    assert user == "secretary"
    assert title == "发展党员“赵申请”的“党组织派人谈话”已逾期 4 天"


def test_nobody_outside_the_branch_is_told(tree, users):
    apply(tree, users)
    apply(tree, users, name="李另支", org=tree.other_branch)
    write_reminders(TALK_DUE)
    told = {(user, title.split("”")[0]) for user, title, _ in development_messages()}
    assert told == {("secretary", "发展党员“赵申请"), ("outsider", "发展党员“李另支")}
    assert not Notification.objects.filter(user__in=[users.leader, users.member]).exists()
