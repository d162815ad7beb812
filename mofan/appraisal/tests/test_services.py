"""Opening a round, listing its reporters from the 书记 seats, the stages and who may act."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from mofan.appraisal import ballots, services
from mofan.appraisal.models import Grade, RoundStatus
from mofan.appraisal.tests.conftest import MEETING, all_good, panel
from mofan.core.errors import ApplicationError
from mofan.core.models import AuditLog
from mofan.notifications.models import Notification
from mofan.site.tests.factories import PDF


def test_it_opens_a_round_with_four_panels_summing_to_100(round_):
    panels = list(round_.panels.all())
    assert [str(p) for p in panels] == [
        "党组（党委）书记",
        "党务干部",
        "党代表、人大代表、政协委员",
        "党员和群众代表",
    ]
    assert services.weights_total(round_) == 100
    assert AuditLog.objects.filter(action="appraisal.round_create").count() == 1


def test_it_refuses_a_second_round_of_the_same_year(round_, users, tree):
    with pytest.raises(ApplicationError, match="已有 2026 年度"):
        services.round_create(
            actor=users.committee_admin,
            org=tree.committee,
            year=2026,
            title="再来",
            meeting_on=MEETING,
        )


@pytest.mark.parametrize("who", ["secretary", "leader", "outsider", "member"])
def test_only_admins_open_rounds(users, tree, who):
    with pytest.raises(PermissionDenied):
        services.round_create(
            actor=getattr(users, who), org=tree.committee, year=2026, title="x", meeting_on=MEETING
        )


def test_reporters_carry_the_secretarys_name_and_account(round_, users):
    reporters = {r.org.name: r for r in round_.reporters.select_related("org")}
    assert reporters["市发改委机关党委"].name == "李明"
    assert reporters["市发改委机关党委"].user is None
    assert reporters["发改委第一党支部"].user == users.secretary


def test_it_says_why_an_org_cannot_report(round_, users, tree):
    added, skipped = services.reporters_add(
        actor=users.committee_admin,
        round_=round_,
        orgs=[tree.branch, tree.other_branch, tree.group, tree.far_branch],
    )
    assert [r.org for r in added] == [tree.far_branch]
    reasons = {org.name: reason for org, reason in skipped}
    assert reasons["发改委第一党支部"] == "已在述职名单中"
    assert "没有登记书记" in reasons["发改委第二党支部"]
    assert "党委、党总支和党支部" in reasons["第一党小组"]


def test_opening_reports_notifies_the_reporters_with_an_account(round_, users):
    services.round_step(actor=users.committee_admin, round_=round_)
    assert round_.status == RoundStatus.REPORTS
    notes = Notification.objects.filter(user=users.secretary)
    assert [n.title for n in notes] == ["请提交述职报告：2026 年度书记述职评议"]
    assert notes[0].link.startswith("/appraisal/reporters/")


def test_voting_needs_weights_of_100_and_codes(round_, users):
    admin = users.committee_admin
    services.round_step(actor=admin, round_=round_)
    services.panel_update(actor=admin, panel=panel(round_), weight=50, raters=60)
    with pytest.raises(ApplicationError, match="合计应为 100%，现为 120%"):
        services.round_step(actor=admin, round_=round_)
    services.panel_update(actor=admin, panel=panel(round_), weight=30, raters=60)
    with pytest.raises(ApplicationError, match="请先为评议人发放评议码"):
        services.round_step(actor=admin, round_=round_)
    ballots.codes_issue(actor=admin, panel=panel(round_), count=2)
    assert services.round_step(actor=admin, round_=round_).status == RoundStatus.VOTING
    with pytest.raises(ApplicationError, match="投票开始后不能再增加述职人"):
        services.reporters_add(actor=admin, round_=round_, orgs=[])


def test_closing_counts_the_ballots(voting, users):
    round_, codes = voting
    with pytest.raises(ApplicationError, match="还没有人投票"):
        services.round_step(actor=users.committee_admin, round_=round_)
    ballots.ballot_cast(code=codes[0], grades=all_good(round_))
    ballots.ballot_cast(code=codes[1], grades=all_good(round_, Grade.AVERAGE))
    services.round_step(actor=users.committee_admin, round_=round_, today=date(2026, 12, 11))
    assert round_.status == RoundStatus.CLOSED and round_.closed_on == date(2026, 12, 11)
    result = round_.reporters.first().result
    assert (result.good, result.fair, result.average, result.poor) == (1, 0, 1, 0)
    assert result.good_share == 50 and result.score == 80
    with pytest.raises(ApplicationError, match="已结束"):
        ballots.ballot_cast(code=codes[2], grades=all_good(round_))


def test_the_secretary_uploads_their_report(round_, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.round_step(actor=users.committee_admin, round_=round_)
    mine = round_.reporters.get(user=users.secretary)
    upload = SimpleUploadedFile("述职报告.pdf", PDF, content_type="application/pdf")
    services.report_upload(actor=users.secretary, reporter=mine, upload=upload)
    assert mine.report_name == "述职报告.pdf" and mine.report_on is not None
    other = round_.reporters.exclude(pk=mine.pk).get()
    with pytest.raises(PermissionDenied):
        services.report_upload(actor=users.secretary, reporter=other, upload=upload)
    bad = SimpleUploadedFile("述职报告.pdf", b"MZ not a pdf")
    with pytest.raises(ApplicationError, match="文件内容与扩展名不符"):
        services.report_upload(actor=users.secretary, reporter=mine, upload=bad)


def test_comments_and_rectification_items(round_, users):
    admin = users.committee_admin
    reporter = round_.reporters.get(user=users.secretary)
    with pytest.raises(ApplicationError, match="通知述职人后"):
        services.reporter_review(actor=admin, reporter=reporter, presented=True, comment="好")
    services.round_step(actor=admin, round_=round_)
    services.reporter_review(actor=admin, reporter=reporter, presented=True, comment="抓得实")
    item = services.rectification_add(
        actor=admin,
        reporter=reporter,
        problem="台账不全",
        measure="补齐",
        deadline=date(2027, 3, 1),
    )
    with pytest.raises(PermissionDenied):
        services.rectification_add(
            actor=users.secretary, reporter=reporter, problem="x", measure="y", deadline=MEETING
        )
    done = services.rectification_done(
        actor=users.secretary, item=item, done=True, today=date(2027, 2, 1)
    )
    assert done.status == "done" and done.done_on == date(2027, 2, 1)
    with pytest.raises(PermissionDenied):
        services.rectification_done(actor=users.outsider, item=item, done=False)


def test_reporters_added_while_reports_are_due_are_notified(round_, users, tree, seats):
    from mofan.appraisal.tests.conftest import seat

    admin = users.committee_admin
    services.round_step(actor=admin, round_=round_)
    seat(tree.other_branch, "赵强", users.outsider)
    services.reporters_add(actor=admin, round_=round_, orgs=[tree.other_branch])
    assert Notification.objects.filter(
        user=users.outsider, title__startswith="请提交述职报告"
    ).exists()


def test_grade_values_stay_in_order(round_, users):
    with pytest.raises(ApplicationError, match="好 ≥ 较好 ≥ 一般 ≥ 差"):
        services.round_update(
            actor=users.committee_admin, round_=round_, value_fair=100, value_good=90
        )
    services.round_update(actor=users.committee_admin, round_=round_, value_average=50)
    assert round_.grade_values["average"] == 50
