"""Objections in the 公示 window: a unit objects to one of its items, the committee is told
and answers, the unit is told; the round cannot be closed while one is unanswered."""

import re

import pytest
from django.core.exceptions import PermissionDenied

from mofan.assessment import objections, rounds
from mofan.assessment.models import Objection, RoundStatus
from mofan.assessment.tests.rounds.test_services import item
from mofan.core.errors import ApplicationError
from mofan.notifications.models import Notification


@pytest.fixture
def published(users, round_):
    rounds.round_open(actor=users.committee_admin, round_=round_)
    rounds.round_advance(actor=users.committee_admin, round_=round_)
    rounds.round_advance(actor=users.committee_admin, round_=round_)
    assert round_.status == RoundStatus.PRELIMINARY
    return round_


def flash(response) -> list[str]:
    return re.findall(r'<div class="flash [^"]*">([^<]*)</div>', response.content.decode())


def test_an_objection_reaches_the_committee_and_its_answer_the_unit(users, tree, scheme, published):
    life = item(scheme, "组织生活")
    objection = objections.objection_raise(
        actor=users.unit_admin,
        round_=published,
        org=tree.unit,
        indicator=life,
        reason="10 月支部党员大会已召开，记录补录在案",
    )
    told = Notification.objects.get(
        user=users.committee_admin, key__startswith="assessment:objection:"
    )
    assert "市发改委机关党委" in told.title and "组织生活" in told.body
    with pytest.raises(ApplicationError, match="已有尚未答复的异议"):
        objections.objection_raise(
            actor=users.unit_admin, round_=published, org=tree.unit, indicator=life, reason="再次"
        )
    with pytest.raises(ApplicationError, match="还有 1 条异议尚未答复"):
        rounds.round_advance(actor=users.committee_admin, round_=published)
    with pytest.raises(PermissionDenied):
        objections.objection_answer(actor=users.unit_admin, objection=objection, answer="自己答复")
    objections.objection_answer(
        actor=users.committee_admin, objection=objection, answer="经核实，记录已补录，维持原分"
    )
    assert Notification.objects.filter(
        user=users.unit_admin, key__startswith="assessment:objection.answered:"
    ).exists()
    rounds.round_advance(actor=users.committee_admin, round_=published)
    assert published.status == RoundStatus.FINAL


def test_objections_are_the_units_own_and_only_in_the_window(users, tree, scheme, round_):
    rounds.round_open(actor=users.committee_admin, round_=round_)
    with pytest.raises(ApplicationError, match="“初步结果公示”阶段"):
        objections.objection_raise(
            actor=users.unit_admin,
            round_=round_,
            org=tree.unit,
            indicator=item(scheme, "组织生活"),
            reason="x",
        )
    with pytest.raises(PermissionDenied):
        objections.objection_raise(
            actor=users.outsider,
            round_=round_,
            org=tree.unit,
            indicator=item(scheme, "组织生活"),
            reason="x",
        )


def test_the_sheet_takes_an_objection_and_the_committee_answers_it(
    users, tree, scheme, published, login
):
    life = item(scheme, "组织生活")
    sheet = f"/assessment/rounds/{published.id}/?org={tree.unit.id}"
    assert "对本项提出异议" in login(users.unit_admin).get(sheet).content.decode()
    response = login(users.unit_admin).post(
        f"/assessment/rounds/{published.id}/{life.id}/objection/",
        {"org": tree.unit.id, "reason": "记录已补录"},
        follow=True,
    )
    assert "已保存“组织生活”" in " ".join(flash(response))
    page = login(users.committee_admin).get(f"/assessment/rounds/{published.id}/").content.decode()
    assert "尚未答复的异议 1 条" in page
    objection = Objection.objects.get()
    assert (
        login(users.outsider)
        .post(
            f"/assessment/rounds/{published.id}/objections/{objection.id}/answer/", {"answer": "x"}
        )
        .status_code
        == 404
    )
    assert (
        login(users.unit_admin)
        .post(
            f"/assessment/rounds/{published.id}/objections/{objection.id}/answer/", {"answer": "x"}
        )
        .status_code
        == 403
    )
    response = login(users.committee_admin).post(
        f"/assessment/rounds/{published.id}/objections/{objection.id}/answer/",
        {"answer": "维持原分"},
        follow=True,
    )
    assert "已答复“组织生活”的异议" in " ".join(flash(response))
    assert "答复（" in login(users.unit_admin).get(sheet).content.decode()
