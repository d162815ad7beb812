"""四强党支部 services: the call, the prerequisites read from facts (and the case where a fact
is not registered), the negative list, each step of the review, who may take it, the yearly
re-check and the revocation, and who hears of each step."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from mofan.brands.models import Application, Status
from mofan.brands.prerequisites import UNVERIFIED, prerequisites
from mofan.brands.services import four_strong
from mofan.brands.tests.conftest import EVALUATION, YEAR, draft
from mofan.core.errors import ApplicationError
from mofan.core.models import AuditLog
from mofan.notifications.models import Notification


def inbox(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("title", flat=True))


def test_the_committee_opens_a_call_and_every_branch_hears_of_it(call, users):
    assert call.title == f"{YEAR}年度“四强”党支部创建"
    assert [c["name"] for c in call.criteria] == [
        "政治建设强",
        "队伍建设强",
        "组织生活强",
        "作用发挥强",
        "群众工作强",
    ]
    assert call.negative_items == ["班子成员受到党纪处分", "发生重大安全责任事故"]
    assert f"{call.title}开始申报" in inbox(users.secretary)
    assert f"{call.title}开始申报" in inbox(users.outsider)
    assert AuditLog.objects.filter(action="brands.call_create").count() == 1


def test_only_the_committee_opens_a_call_and_once_a_year(call, users, tree):
    with pytest.raises(PermissionDenied):
        four_strong.call_create(actor=users.unit_admin, org=tree.committee, year=YEAR + 1)
    with pytest.raises(ApplicationError, match="已有四强党支部创建申报"):
        four_strong.call_create(actor=users.committee_admin, org=tree.committee, year=YEAR)


def test_the_criteria_texts_and_threshold_are_editable_while_open(call, users):
    four_strong.call_update(
        actor=users.committee_admin,
        call=call,
        criteria={"政治建设强": "第一议题制度落实"},
        min_compliance=Decimal("95"),
    )
    call.refresh_from_db()
    assert call.criteria[0] == {"name": "政治建设强", "text": "第一议题制度落实"}
    assert call.min_compliance == 95
    four_strong.call_close(actor=users.committee_admin, call=call)
    with pytest.raises(ApplicationError, match="已截止"):
        four_strong.call_update(actor=users.committee_admin, call=call, title="新名称")


def test_the_prerequisites_show_each_value_verdict_and_source(call, tree, records):
    records.compliance[tree.branch.pk] = (18, 20)
    found = prerequisites(call, tree.branch)
    assert [(p.fact_code, p.value, p.met) for p in found] == [
        ("meetings.compliance", "90.0%", True),
        ("assessment.vetoes", "0 项", True),
        ("assessment.checklist_passed", "已通过", True),
    ]


def test_a_branch_below_the_threshold_cannot_submit_and_is_told_why(call, users, tree, records):
    records.compliance[tree.branch.pk] = (17, 20)
    application = draft(call, users.secretary, tree.branch)
    with pytest.raises(ApplicationError, match="组织生活按期完成率不低于 90%（85.0%）"):
        four_strong.application_submit(actor=users.secretary, application=application)
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_a_veto_event_or_a_failed_checklist_bars_submission(call, users, tree, records):
    application = draft(call, users.secretary, tree.branch)
    records.vetoes[tree.branch.pk] = 1
    with pytest.raises(ApplicationError, match="无一票否决事项（1 项）"):
        four_strong.application_submit(actor=users.secretary, application=application)
    records.vetoes[tree.branch.pk] = 0
    records.checklist[tree.branch.pk] = 0
    with pytest.raises(ApplicationError, match="标准化规范化建设达标（未通过）"):
        four_strong.application_submit(actor=users.secretary, application=application)


def test_a_fact_not_registered_yet_is_shown_unverified_and_does_not_bar(call, users, tree, records):
    records.missing("assessment.vetoes")
    records.missing("assessment.checklist_passed")
    found = prerequisites(call, tree.branch)
    assert [(p.value, p.met, p.verdict) for p in found[1:]] == [
        (UNVERIFIED, None, UNVERIFIED),
        (UNVERIFIED, None, UNVERIFIED),
    ]
    application = draft(call, users.secretary, tree.branch)
    four_strong.application_submit(actor=users.secretary, application=application)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert [p["met"] for p in application.prerequisites] == [True, None, None]


def test_the_negative_list_must_be_confirmed_and_every_criterion_evaluated(call, users, tree):
    application = draft(call, users.secretary, tree.branch, negative_confirmed=False)
    with pytest.raises(ApplicationError, match="负面清单"):
        four_strong.application_submit(actor=users.secretary, application=application)
    four_strong.application_update(
        actor=users.secretary,
        application=application,
        self_evaluation={**EVALUATION, "群众工作强": " "},
        negative_confirmed=True,
    )
    with pytest.raises(ApplicationError, match="请填写“群众工作强”的自评"):
        four_strong.application_submit(actor=users.secretary, application=application)


def test_only_a_branch_recorder_applies_and_once_per_call(call, users, tree):
    with pytest.raises(PermissionDenied):
        draft(call, users.outsider, tree.branch)
    with pytest.raises(PermissionDenied):
        draft(call, users.member, tree.branch)
    with pytest.raises(ApplicationError, match="党支部可以申报"):
        draft(call, users.unit_admin, tree.unit)
    draft(call, users.secretary, tree.branch)
    with pytest.raises(ApplicationError, match="已申报"):
        draft(call, users.secretary, tree.branch)


def test_a_closed_call_takes_no_application(call, users, tree):
    four_strong.call_close(actor=users.committee_admin, call=call)
    with pytest.raises(ApplicationError, match="申报已截止"):
        draft(call, users.secretary, tree.branch)


def test_the_unit_then_the_committee_decide_and_each_hears_in_turn(submitted, users):
    assert "发改委第一党支部申报四强党支部，请审核" in inbox(users.unit_admin)
    with pytest.raises(PermissionDenied):
        four_strong.application_unit_pass(actor=users.secretary, application=submitted)
    with pytest.raises(PermissionDenied):
        four_strong.application_recognise(actor=users.unit_admin, application=submitted)
    four_strong.application_unit_pass(actor=users.unit_admin, application=submitted, note="同意")
    assert any("请认定" in t for t in inbox(users.committee_admin))
    with pytest.raises(PermissionDenied):
        four_strong.application_recognise(actor=users.unit_admin, application=submitted)
    four_strong.application_recognise(actor=users.committee_admin, application=submitted)
    submitted.refresh_from_db()
    assert submitted.status == Status.RECOGNISED and submitted.recognised_on.year == YEAR
    assert f"已认定为{YEAR}年度四强党支部" in inbox(users.secretary)


def test_a_returned_application_is_changed_and_submitted_again(submitted, users):
    with pytest.raises(ApplicationError, match="请填写退回原因"):
        four_strong.application_return(actor=users.unit_admin, application=submitted, reason="")
    four_strong.application_return(actor=users.unit_admin, application=submitted, reason="材料不全")
    assert "四强党支部申报被退回：材料不全" in inbox(users.secretary)
    four_strong.application_update(
        actor=users.secretary,
        application=submitted,
        self_evaluation=EVALUATION,
        negative_confirmed=True,
    )
    four_strong.application_submit(actor=users.secretary, application=submitted)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED and submitted.reason == ""


def test_a_submitted_application_cannot_be_changed(submitted, users):
    with pytest.raises(ApplicationError, match="已提交的申报不能修改"):
        four_strong.application_update(
            actor=users.secretary,
            application=submitted,
            self_evaluation=EVALUATION,
            negative_confirmed=True,
        )


def test_the_committee_rejects_with_a_reason(unit_passed, users):
    with pytest.raises(ApplicationError, match="不予认定的原因"):
        four_strong.application_reject(
            actor=users.committee_admin, application=unit_passed, reason=""
        )
    four_strong.application_reject(
        actor=users.committee_admin, application=unit_passed, reason="作用发挥不突出"
    )
    unit_passed.refresh_from_db()
    assert unit_passed.status == Status.REJECTED
    assert "四强党支部申报未予认定：作用发挥不突出" in inbox(users.secretary)


def test_a_recognised_branch_is_rechecked_yearly_or_revoked_with_a_reason(recognised, users):
    admin = users.committee_admin
    with pytest.raises(ApplicationError, match="晚于认定年度"):
        four_strong.recognition_recheck(actor=admin, application=recognised, year=YEAR, note="保持")
    four_strong.recognition_recheck(actor=admin, application=recognised, year=YEAR + 1, note="保持")
    with pytest.raises(ApplicationError, match="已复核"):
        four_strong.recognition_recheck(
            actor=admin, application=recognised, year=YEAR + 1, note="再次"
        )
    with pytest.raises(PermissionDenied):
        four_strong.recognition_revoke(actor=users.unit_admin, application=recognised, reason="x")
    with pytest.raises(ApplicationError, match="请填写撤销原因"):
        four_strong.recognition_revoke(actor=admin, application=recognised, reason=" ")
    four_strong.recognition_revoke(actor=admin, application=recognised, reason="发生违纪问题")
    recognised.refresh_from_db()
    assert recognised.status == Status.REVOKED and recognised.revoke_reason == "发生违纪问题"
    assert "四强党支部称号已撤销：发生违纪问题" in inbox(users.secretary)
    assert AuditLog.objects.filter(action="brands.application_revoke").count() == 1


def test_each_step_writes_an_audit_record(recognised):
    actions = set(
        AuditLog.objects.filter(action__startswith="brands.application").values_list(
            "action", flat=True
        )
    )
    assert actions == {
        "brands.application_create",
        "brands.application_submit",
        "brands.application_unit_pass",
        "brands.application_recognise",
    }
    assert Application.objects.get().prerequisites[0]["fact_code"] == "meetings.compliance"


def test_a_call_may_leave_the_checklist_out_of_its_prerequisites(call, users, tree, records):
    records.checklist[tree.branch.pk] = 0
    four_strong.call_update(actor=users.committee_admin, call=call, require_checklist=False)
    assert [p.fact_code for p in prerequisites(call, tree.branch)] == [
        "meetings.compliance",
        "assessment.vetoes",
    ]
    four_strong.application_submit(
        actor=users.secretary, application=draft(call, users.secretary, tree.branch)
    )


def test_a_self_evaluation_too_long_is_refused_with_its_criterion(call, users, tree):
    with pytest.raises(ApplicationError, match="“队伍建设强”最多 3000 字"):
        draft(call, users.secretary, tree.branch, self_evaluation={"队伍建设强": "长" * 3001})


def test_no_submission_after_the_deadline(call, users, tree):
    four_strong.call_update(actor=users.committee_admin, call=call, deadline=date(YEAR, 9, 30))
    application = draft(call, users.secretary, tree.branch)
    with pytest.raises(ApplicationError, match="申报已截止（2026-09-30）"):
        four_strong.application_submit(actor=users.secretary, application=application)
    four_strong.application_submit(
        actor=users.secretary, application=application, on=date(YEAR, 9, 30)
    )
