"""发展党员: the 25 steps in order, the timing rules as data, step 15 and 23, the ledger."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mofan.core.dates import add_months, add_years
from mofan.core.errors import ApplicationError
from mofan.core.models import AuditLog
from mofan.members.development import (
    candidate_apply,
    candidate_record_step,
    candidate_stop,
    development_rule_update,
)
from mofan.members.lifecycle import transfer_accept, transfer_send
from mofan.members.models import (
    Candidate,
    Category,
    DevelopmentRule,
    DevelopmentStep,
    Member,
    MemberEvent,
)
from mofan.members.tests.conftest import new_id_number

BORN = date(1995, 3, 8)
INTRODUCERS = "李明、王芳"


def today() -> date:
    return timezone.localdate()


def iso(day: date) -> str:
    return f"{day:%Y-%m-%d}"


def text(response) -> str:
    return response.content.decode()


def fresh(candidate) -> Candidate:
    return Candidate.objects.get(pk=candidate.pk)


def schedule(applied: date) -> dict[int, date]:
    """A date for every step that keeps every default rule, from an application date."""
    activist = add_months(applied, 1)
    development = add_months(activist, 12)
    admitted = add_months(development, 1)
    full = add_months(admitted, 12)
    dates = {1: applied, 2: applied + timedelta(days=10)}
    dates.update({n: activist for n in range(3, 7)})
    dates.update({n: development for n in range(7, 15)})
    dates.update({n: admitted for n in range(15, 23)})
    dates.update({n: full for n in range(23, 26)})
    return dates


def step_fields(number: int) -> dict:
    if number == 9:
        return {"handled_by": INTRODUCERS}
    if number == 11:
        return {"hours": 24}
    return {}


@pytest.fixture
def apply(tree, users):
    """apply(applied_on, **fields) → a 入党申请人 of the branch, born 1995-03-08 unless told."""

    def _apply(applied_on: date, org=None, **fields):
        born = fields.pop("birth_date", BORN)
        return candidate_apply(
            actor=users.secretary,
            org=org or tree.branch,
            name=fields.pop("name", "赵申请"),
            id_number=fields.pop("id_number", new_id_number(born, "female")),
            applied_on=applied_on,
            sex="female",
            birth_date=born,
            **fields,
        )

    return _apply


@pytest.fixture
def advance(users):
    """advance(candidate, to_step) records every next step up to `to_step` on schedule."""

    def _advance(candidate, to_step: int):
        dates = schedule(candidate.steps.get(number=1).on)
        for number in range(candidate.last_step + 1, to_step + 1):
            candidate_record_step(
                actor=users.secretary,
                candidate=candidate,
                number=number,
                on=dates[number],
                **step_fields(number),
            )
        return fresh(candidate)

    return _advance


def record(users, candidate, number, on, **fields):
    return candidate_record_step(
        actor=users.secretary, candidate=candidate, number=number, on=on, **fields
    )


# --- applying -------------------------------------------------------------------------------


def test_it_refuses_an_applicant_under_18_naming_the_dates(apply):
    born = add_years(today(), -18) + timedelta(days=1)
    with pytest.raises(ApplicationError) as refused:
        apply(today(), birth_date=born, name="少年")
    message = refused.value.message
    assert "18 岁" in message
    assert iso(born) in message
    assert iso(today()) in message
    assert not Candidate.objects.exists()


def test_it_accepts_an_applicant_on_the_18th_birthday(apply):
    born = add_years(today(), -18)
    candidate = apply(today(), birth_date=born)
    assert candidate.last_step == 1


def test_it_registers_an_applicant_with_step_1_and_an_audit_record(users, apply):
    applied = today() - timedelta(days=5)
    candidate = apply(applied)
    step = candidate.steps.get()
    assert (step.number, step.on) == (1, applied)
    entry = AuditLog.objects.get(action="development.apply")
    assert entry.user == users.secretary
    assert entry.target_id == str(candidate.pk)


def test_it_refuses_an_application_dated_in_the_future(apply):
    with pytest.raises(ApplicationError, match="晚于今天"):
        apply(today() + timedelta(days=1))
    assert not Candidate.objects.exists()


def test_it_refuses_an_application_to_an_org_that_is_not_a_branch(apply, tree):
    with pytest.raises(ApplicationError, match="党支部"):
        apply(today(), org=tree.group)
    assert not Candidate.objects.exists()


def test_it_refuses_the_same_person_twice(apply):
    number = new_id_number(BORN, "female")
    apply(today(), id_number=number)
    with pytest.raises(ApplicationError, match="已登记"):
        apply(today(), id_number=number, name="又一次")
    assert Candidate.objects.count() == 1


def test_it_registers_from_the_page_and_reshows_an_under_age_refusal(users, tree, login):
    client = login(users.secretary)
    born = add_years(today(), -17)
    data = {
        "name": "钱小年",
        "id_number": new_id_number(born, "male"),
        "sex": "male",
        "birth_date": iso(born),
        "ethnicity": "汉族",
        "org": tree.branch.pk,
        "applied_on": iso(today()),
    }
    response = client.post("/members/development/new/", data)
    assert response.status_code == 200
    assert f"生于 {iso(born)}" in text(response)
    assert not Candidate.objects.exists()
    adult = add_years(today(), -30)
    data.update(id_number=new_id_number(adult, "male"), birth_date=iso(adult), name="孙成年")
    response = client.post("/members/development/new/", data)
    candidate = Candidate.objects.get()
    assert response["Location"] == f"/members/development/{candidate.pk}/"
    page = text(client.get(response["Location"]))
    assert "孙成年" in page
    assert candidate.id_number_masked in page
    assert data["id_number"] not in page


def test_it_refuses_an_application_from_someone_already_a_member(apply, tree, make_member):
    number = new_id_number(BORN, "female")
    make_member(
        tree.branch,
        id_number=number,
        birth_date=BORN,
        sex="female",
        joined_on=date(2020, 7, 1),
        full_member_on=date(2021, 7, 1),
    )
    with pytest.raises(ApplicationError, match="已登记为党员") as refused:
        apply(today(), id_number=number)
    assert refused.value.field == "id_number"
    assert not Candidate.objects.exists()


def test_it_answers_403_on_the_application_page_to_read_only_users(users, login):
    for user in (users.leader, users.member):
        assert login(user).get("/members/development/new/").status_code == 403


# --- order and dates ------------------------------------------------------------------------


def test_it_refuses_skipping_a_step_naming_the_one_expected(users, apply):
    candidate = apply(today() - timedelta(days=20))
    with pytest.raises(ApplicationError) as refused:
        record(users, candidate, 3, today())
    assert "第 2 步“党组织派人谈话”" in refused.value.message
    assert "第 3 步" in refused.value.message
    assert fresh(candidate).last_step == 1


def test_it_refuses_a_date_before_the_previous_step(users, apply):
    applied = today() - timedelta(days=20)
    candidate = apply(applied)
    with pytest.raises(ApplicationError) as refused:
        record(users, candidate, 2, applied - timedelta(days=1))
    assert iso(applied) in refused.value.message
    assert not candidate.steps.filter(number=2).exists()


def test_it_refuses_a_step_dated_in_the_future(users, apply):
    candidate = apply(today() - timedelta(days=20))
    with pytest.raises(ApplicationError, match="晚于今天"):
        record(users, candidate, 2, today() + timedelta(days=1))


def test_it_records_repeated_activist_reviews(users, apply, advance):
    candidate = advance(apply(add_months(today(), -20)), 6)
    review = candidate.steps.get(number=6).on
    record(users, candidate, 6, add_months(review, 6))
    candidate = fresh(candidate)
    assert candidate.steps.filter(number=6).count() == 2
    assert candidate.last_step == 6


def test_it_refuses_any_step_after_the_last(users, apply, advance):
    candidate = advance(apply(add_months(today(), -30)), 25)
    for number in (25, 1):
        with pytest.raises(ApplicationError):
            record(users, candidate, number, today())
    assert candidate.steps.count() == 25


def test_it_refuses_steps_after_the_candidate_was_stopped(users, apply):
    candidate = apply(today() - timedelta(days=20))
    candidate_stop(actor=users.secretary, candidate=candidate, on=today(), reason="本人撤回申请")
    with pytest.raises(ApplicationError, match="已终止"):
        record(users, candidate, 2, today())


def test_it_requires_a_reason_to_stop(users, apply):
    candidate = apply(today() - timedelta(days=20))
    with pytest.raises(ApplicationError) as refused:
        candidate_stop(actor=users.secretary, candidate=candidate, on=today(), reason="")
    assert refused.value.field == "reason"
    assert fresh(candidate).stopped_on is None


# --- timing rules ---------------------------------------------------------------------------


def test_it_refuses_step_7_within_12_months_of_step_3_naming_the_earliest_date(
    users, apply, advance
):
    candidate = advance(apply(add_months(today(), -20)), 6)
    activist = candidate.steps.get(number=3).on
    earliest = add_months(activist, 12)
    with pytest.raises(ApplicationError) as refused:
        record(users, candidate, 7, earliest - timedelta(days=1))
    assert iso(activist) in refused.value.message
    assert iso(earliest) in refused.value.message
    assert "12 个月" in refused.value.message
    record(users, candidate, 7, earliest)
    assert fresh(candidate).last_step == 7


def test_it_requires_two_introducers_at_step_9(users, apply, advance):
    candidate = advance(apply(add_months(today(), -20)), 8)
    on = candidate.steps.get(number=8).on
    for handled_by in ("", "李明"):
        with pytest.raises(ApplicationError, match="2 名正式党员") as refused:
            record(users, candidate, 9, on, handled_by=handled_by)
        assert refused.value.field == "handled_by"
    record(users, candidate, 9, on, handled_by="李明，王芳")
    assert fresh(candidate).steps.get(number=9).handled_by == "李明，王芳"


@pytest.mark.parametrize("hours", [None, 16, 23.5])
def test_it_refuses_training_under_24_hours_at_step_11(users, apply, advance, hours):
    candidate = advance(apply(add_months(today(), -20)), 10)
    with pytest.raises(ApplicationError, match="24 个学时"):
        record(users, candidate, 11, candidate.steps.get(number=10).on, hours=hours)
    assert fresh(candidate).last_step == 10


def test_it_accepts_training_of_24_hours(users, apply, advance):
    candidate = advance(apply(add_months(today(), -20)), 10)
    record(users, candidate, 11, candidate.steps.get(number=10).on, hours=24)
    assert fresh(candidate).last_step == 11


def test_it_requires_a_note_for_approval_after_3_months_and_refuses_after_6(users, apply, advance):
    candidate = advance(apply(add_months(today(), -24)), 16)
    meeting = candidate.steps.get(number=15).on
    late = add_months(meeting, 4)
    with pytest.raises(ApplicationError) as refused:
        record(users, candidate, 17, late)
    assert refused.value.field == "note"
    assert iso(add_months(meeting, 3)) in refused.value.message
    too_late = add_months(meeting, 6) + timedelta(days=1)
    with pytest.raises(ApplicationError) as refused:
        record(users, candidate, 17, too_late, note="上级党委换届")
    assert iso(add_months(meeting, 6)) in refused.value.message
    record(users, candidate, 17, late, note="上级党委换届，延期审批")
    assert fresh(candidate).last_step == 17


def test_it_approves_within_3_months_without_a_note(users, apply, advance):
    candidate = advance(apply(add_months(today(), -24)), 16)
    record(users, candidate, 17, add_months(candidate.steps.get(number=15).on, 3))
    assert fresh(candidate).last_step == 17


# --- step 15 and step 23 --------------------------------------------------------------------


def test_it_creates_the_probationary_member_at_step_15(users, tree, apply, advance, login):
    candidate = advance(apply(add_months(today(), -20), name="周发展", phone="13800000001"), 14)
    meeting = candidate.steps.get(number=14).on
    record(users, candidate, 15, meeting, document="支部党员大会决议")
    candidate = fresh(candidate)
    member = candidate.member
    assert member is not None
    assert Member.objects.count() == 1
    assert member.name == "周发展"
    assert member.category == Category.PROBATIONARY
    assert member.joined_on == meeting
    assert member.org == tree.branch
    assert member.id_number_masked == candidate.id_number_masked
    assert member.id_number_hash != ""
    assert member.birth_date == BORN
    assert member.phone == "13800000001"
    assert member.events.filter(kind=MemberEvent.Kind.JOINED, on=meeting).exists()
    page = text(login(users.secretary).get(f"/members/{member.pk}/"))
    assert "预备党员" in page
    assert candidate.id_number_masked in page


def test_it_refuses_step_23_before_probation_ends(users, apply, advance):
    candidate = advance(apply(add_months(today(), -30)), 22)
    admitted = candidate.steps.get(number=15).on
    with pytest.raises(ApplicationError, match="不能转正"):
        record(users, candidate, 23, add_months(admitted, 12) - timedelta(days=1))
    candidate = fresh(candidate)
    assert candidate.last_step == 22
    assert not candidate.steps.filter(number=23).exists()
    assert candidate.member.category == Category.PROBATIONARY


def test_it_makes_the_member_full_at_step_23(users, apply, advance):
    candidate = advance(apply(add_months(today(), -30)), 22)
    full_on = add_months(candidate.steps.get(number=15).on, 12)
    record(users, candidate, 23, full_on, document="转正支部大会")
    member = fresh(candidate).member
    assert member.category == Category.FULL
    assert member.full_member_on == full_on
    assert "转正支部大会" in member.events.get(kind=MemberEvent.Kind.BECAME_FULL).detail


def test_it_lets_the_receiving_branch_finish_the_development_after_a_transfer(
    users, tree, apply, advance, login
):
    candidate = advance(apply(add_months(today(), -30)), 19)
    transfer = transfer_send(
        actor=users.secretary,
        member=candidate.member,
        to_org=tree.other_branch,
        letter_number="转1",
        on=candidate.steps.get(number=19).on,
    )
    transfer_accept(actor=users.outsider, transfer=transfer, on=transfer.sent_on)
    client = login(users.outsider)
    assert client.get(f"/members/development/{candidate.pk}/").status_code == 200
    full_on = add_months(candidate.steps.get(number=15).on, 12)
    for number in range(20, 24):
        response = client.post(
            f"/members/development/{candidate.pk}/", {"number": number, "on": iso(full_on)}
        )
        assert response.status_code == 302, number
    assert fresh(candidate).member.category == Category.FULL
    assert login(users.secretary).get(f"/members/development/{candidate.pk}/").status_code == 404


def test_it_refuses_to_stop_a_candidate_already_admitted(users, apply, advance):
    candidate = advance(apply(add_months(today(), -20)), 15)
    with pytest.raises(ApplicationError, match="已接收为预备党员"):
        candidate_stop(actor=users.secretary, candidate=candidate, on=today(), reason="x")


# --- the rule table is data -----------------------------------------------------------------


def test_it_follows_the_activist_rule_changed_on_the_rule_page(users, apply, advance, login):
    rule = DevelopmentRule.objects.get(code="activist-min")
    assert rule.value == 12
    candidate = advance(apply(add_months(today(), -20)), 6)
    six_months = add_months(candidate.steps.get(number=3).on, 6)
    with pytest.raises(ApplicationError):
        record(users, candidate, 7, six_months)
    client = login(users.committee_admin)
    assert client.get(f"/members/development/rules/{rule.pk}/edit/").status_code == 200
    response = client.post(f"/members/development/rules/{rule.pk}/edit/", {"value": "6"})
    assert response.status_code == 302
    assert "6 个月" in text(client.get("/members/development/rules/"))
    record(users, candidate, 7, six_months)
    assert fresh(candidate).last_step == 7
    entry = AuditLog.objects.get(action="development.rule")
    assert entry.changes == {"value": [12, 6]}


def test_it_answers_403_on_rule_edits_to_everyone_but_the_committee_admin(users, login):
    rule = DevelopmentRule.objects.get(code="activist-min")
    for user in (users.unit_admin, users.secretary, users.leader, users.member):
        client = login(user)
        assert client.get(f"/members/development/rules/{rule.pk}/edit/").status_code == 403
        assert (
            client.post(f"/members/development/rules/{rule.pk}/edit/", {"value": "1"}).status_code
            == 403
        )
        page = text(client.get("/members/development/rules/"))
        assert "培养教育一年以上" in page
        assert f"/rules/{rule.pk}/edit/" not in page
    assert DevelopmentRule.objects.get(code="activist-min").value == 12


def test_it_refuses_the_rule_change_in_the_service_too(users):
    rule = DevelopmentRule.objects.get(code="min-age")
    with pytest.raises(PermissionDenied):
        development_rule_update(actor=users.unit_admin, rule=rule, value=16)
    assert DevelopmentRule.objects.get(code="min-age").value == 18


def test_it_follows_a_changed_minimum_age(users, apply):
    DevelopmentRule.objects.filter(code="min-age").update(value=20)
    with pytest.raises(ApplicationError, match="20 岁"):
        apply(today(), birth_date=add_years(today(), -19))


# --- pages: candidate and ledger ------------------------------------------------------------


def test_it_records_a_step_from_the_candidate_page_and_reshows_a_refusal(
    users, apply, advance, login
):
    candidate = advance(apply(add_months(today(), -20)), 6)
    client = login(users.secretary)
    page = text(client.get(f"/members/development/{candidate.pk}/"))
    assert "记录第 7 步：确定发展对象" in page
    early = candidate.steps.get(number=6).on + timedelta(days=1)
    response = client.post(f"/members/development/{candidate.pk}/", {"number": 7, "on": iso(early)})
    assert response.status_code == 200
    assert "最早可于" in text(response)
    assert text(response).count("最早可于") == 2  # in the error summary and under its field
    assert fresh(candidate).last_step == 6
    earliest = add_months(candidate.steps.get(number=3).on, 12)
    response = client.post(
        f"/members/development/{candidate.pk}/", {"number": 7, "on": iso(earliest)}
    )
    assert response.status_code == 302
    assert fresh(candidate).last_step == 7


def test_it_shows_a_skipped_step_refusal_on_the_candidate_page(users, apply, login):
    candidate = apply(today() - timedelta(days=3))
    response = login(users.secretary).post(
        f"/members/development/{candidate.pk}/", {"number": 3, "on": iso(today())}
    )
    assert response.status_code == 200
    assert text(response).count("应先办理第 2 步") == 1
    assert fresh(candidate).last_step == 1


def test_it_filters_the_ledger_by_stage(users, apply, advance, login):
    apply(today() - timedelta(days=3), name="甲申请")
    advance(apply(add_months(today(), -6), name="乙积极"), 4)
    client = login(users.secretary)
    first = text(client.get("/members/development/?stage=1"))
    assert "甲申请" in first
    assert "乙积极" not in first
    second = text(client.get("/members/development/?stage=2"))
    assert "乙积极" in second
    assert "甲申请" not in second


def test_it_exports_the_ledger_as_filtered_within_the_users_scope(users, apply, advance, login):
    import io

    from openpyxl import load_workbook

    from mofan.core.models import AuditLog

    apply(today() - timedelta(days=3), name="甲申请")
    advance(apply(add_months(today(), -6), name="乙积极"), 4)
    response = login(users.secretary).get("/members/development/?stage=2&export=1")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][:4] == ("姓名", "所在支部", "阶段", "已完成步骤")
    assert [(r[0], r[3]) for r in rows[2:]] == [("乙积极", 4)]
    assert AuditLog.objects.filter(action="development.export").count() == 1
    outsider = login(users.outsider).get("/members/development/?export=1")
    assert list(load_workbook(io.BytesIO(outsider.content)).active.iter_rows(min_row=3)) == []


def test_it_answers_404_on_a_candidate_page_to_a_secretary_of_another_branch(users, apply, login):
    candidate = apply(today() - timedelta(days=3))
    client = login(users.outsider)
    assert client.get(f"/members/development/{candidate.pk}/").status_code == 404
    response = client.post(
        f"/members/development/{candidate.pk}/", {"number": 2, "on": iso(today())}
    )
    assert response.status_code == 404
    response = client.post(
        f"/members/development/{candidate.pk}/stop/", {"on": iso(today()), "reason": "x"}
    )
    assert response.status_code == 404
    assert fresh(candidate).last_step == 1
    assert fresh(candidate).stopped_on is None
    assert "赵申请" not in text(client.get("/members/development/"))


def test_it_offers_registering_an_applicant_only_to_who_may_record(users, login):
    """The read-only leader sees the ledger but not a button that would answer 403."""
    button = "登记入党申请人</a>"
    assert button in text(login(users.secretary).get("/members/development/"))
    assert button not in text(login(users.leader).get("/members/development/"))
    assert login(users.leader).get("/members/development/new/").status_code == 403


def test_it_answers_403_to_the_leader_recording_a_step(users, apply, login):
    candidate = apply(today() - timedelta(days=3))
    client = login(users.leader)
    assert client.get(f"/members/development/{candidate.pk}/").status_code == 200
    response = client.post(
        f"/members/development/{candidate.pk}/", {"number": 2, "on": iso(today())}
    )
    assert response.status_code == 403
    response = client.post(
        f"/members/development/{candidate.pk}/stop/", {"on": iso(today()), "reason": "x"}
    )
    assert response.status_code == 403
    assert fresh(candidate).last_step == 1
    assert fresh(candidate).stopped_on is None


def test_it_shows_stage_next_step_and_due_date_in_the_ledger(users, apply, login):
    applied = today() - timedelta(days=5)
    apply(applied, name="吴新人")
    page = text(login(users.secretary).get("/members/development/"))
    assert "吴新人" in page
    assert "申请入党" in page
    assert "第 2 步 党组织派人谈话" in page
    assert iso(add_months(applied, 1)) in page
    assert "逾期" not in page.split("吴新人")[1]


def test_it_lists_an_overdue_talk(users, apply, login):
    apply(today() - timedelta(days=5), name="吴新人")
    late = apply(add_months(today(), -2), name="郑逾期")
    client = login(users.secretary)
    page = text(client.get("/members/development/?overdue=1"))
    assert "郑逾期" in page
    assert "吴新人" not in page
    assert iso(add_months(late.steps.get().on, 1)) in page
    record(users, late, 2, today())
    assert "郑逾期" not in text(client.get("/members/development/?overdue=1"))


def test_it_shows_the_earliest_date_for_the_next_stage(users, apply, advance, login):
    candidate = advance(apply(add_months(today(), -6), name="冯积极"), 5)
    page = text(login(users.secretary).get("/members/development/"))
    assert iso(add_months(candidate.steps.get(number=3).on, 12)) in page


def test_it_leaves_stopped_and_finished_candidates_out_of_the_ledger(users, apply, advance, login):
    stopped = apply(today() - timedelta(days=3), name="陈终止")
    candidate_stop(actor=users.secretary, candidate=stopped, on=today(), reason="撤回")
    advance(apply(add_months(today(), -30), name="褚完成"), 25)
    apply(today(), name="卫在途")
    page = text(login(users.secretary).get("/members/development/"))
    assert "陈终止" not in page
    assert "褚完成" not in page
    assert "卫在途" in page


def test_it_costs_the_same_queries_for_3_and_30_candidates(
    users, apply, login, django_assert_max_num_queries
):
    def fill(start, count):
        for n in range(start, start + count):
            apply(add_months(today(), -(n % 5)) - timedelta(days=n), name=f"申请人{n}")

    fill(0, 3)
    client = login(users.secretary)
    client.get("/members/development/")
    with CaptureQueriesContext(connection) as small:
        page = text(client.get("/members/development/"))
    assert page.count('href="/members/development/') >= 3
    fill(3, 27)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = text(client.get("/members/development/"))
    assert "申请人29" in page


def test_it_leaves_no_step_and_no_audit_when_a_step_is_refused(users, apply):
    candidate = apply(today() - timedelta(days=3))
    with pytest.raises(ApplicationError):
        record(users, candidate, 5, today())
    assert DevelopmentStep.objects.filter(candidate=candidate).count() == 1
    assert not AuditLog.objects.filter(action="development.step").exists()
