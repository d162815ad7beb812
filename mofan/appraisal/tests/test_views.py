"""The pages: who sees what (outsiders 404, read-only 403), the vote page without login, the
printable slips, the results and their export, and fixed query counts of the lists."""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mofan.appraisal import ballots, services
from mofan.appraisal.models import BallotCode, Grade, Round
from mofan.appraisal.tests.conftest import MEETING, all_good, panel
from mofan.core.access import Role
from mofan.core.models import AuditLog
from mofan.notifications.models import Notification
from mofan.site.tests.factories import PDF, make_user


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def far_round(users, tree, seats):
    """A round run by the far unit, which the committee sees and the unit does not."""
    admin = make_user(Role.UNIT_ADMIN, tree.far_unit, "faradmin")
    round_ = services.round_create(
        actor=admin, org=tree.far_unit, year=2026, title="民政局书记述职", meeting_on=MEETING
    )
    services.reporters_add(actor=admin, round_=round_, orgs=[tree.far_branch])
    return round_


def pages(round_):
    reporter = round_.reporters.first()
    return [
        f"/appraisal/{round_.id}/",
        f"/appraisal/{round_.id}/edit/",
        f"/appraisal/reporters/{reporter.id}/",
    ]


def test_the_list_shows_what_each_user_reaches(round_, far_round, users, login):
    assert "民政局书记述职" in text(login(users.committee_admin).get("/appraisal/"))
    mine = text(login(users.secretary).get("/appraisal/"))
    assert "2026 年度书记述职评议" in mine and "民政局书记述职" not in mine
    assert "2026 年度书记述职评议" not in text(login(users.outsider).get("/appraisal/"))


@pytest.mark.parametrize("index", [0, 1, 2])
def test_outsiders_get_404(round_, users, login, index):
    assert login(users.outsider).get(pages(round_)[index]).status_code == 404


def test_the_read_only_leader_sees_but_cannot_change(round_, users, login):
    client = login(users.leader)
    assert client.get(f"/appraisal/{round_.id}/").status_code == 200
    assert client.get(f"/appraisal/{round_.id}/edit/").status_code == 403
    assert client.post(f"/appraisal/{round_.id}/step/").status_code == 403
    round_.refresh_from_db()
    assert round_.status == "draft"
    assert login(users.leader).get("/appraisal/new/").status_code == 403


def test_creating_a_round_keeps_the_input_on_error(users, tree, login, seats):
    client = login(users.committee_admin)
    data = {"org": tree.committee.id, "year": 2026, "title": "年度述职", "meeting_on": "2030-12-01"}
    page = text(client.post("/appraisal/new/", data))
    assert "述职评议会日期应在 2026 年或次年年初" in page and 'value="年度述职"' in page
    response = client.post("/appraisal/new/", {**data, "meeting_on": "2026-12-10"})
    created = Round.objects.get()
    assert response["Location"] == f"/appraisal/{created.id}/"


def test_the_admin_adds_reporters_and_steps_with_the_confirm_dialog(round_, users, tree, login):
    client = login(users.committee_admin)
    page = text(client.get(f"/appraisal/{round_.id}/"))
    assert 'data-confirm="确定通知述职人提交述职报告？"' in page
    assert "发改委第一党支部" in page and "张伟" in page
    response = client.post(
        f"/appraisal/{round_.id}/reporters/", {"orgs": [tree.other_branch.id]}, follow=True
    )
    assert "发改委第二党支部：没有登记书记" in text(response)
    client.post(f"/appraisal/{round_.id}/step/")
    assert Notification.objects.filter(user=users.secretary).exists()


def test_issued_codes_show_once_on_printable_slips_and_export(round_, users, login):
    client = login(users.committee_admin)
    p = panel(round_)
    page = text(client.post(f"/appraisal/{round_.id}/panels/{p.id}/codes/", {"count": 3}))
    printed = re.findall(r'<div class="slip-code">([A-Z0-9-]{14})</div>', page)
    assert len(printed) == 3 and "只在本页显示这一次" in page and "slips.css" in page
    assert all(BallotCode.objects.filter(digest=ballots.digest(c)).exists() for c in printed)
    export = client.post(f"/appraisal/{round_.id}/codes/export/", {"code": printed})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    forged = client.post(
        f"/appraisal/{round_.id}/codes/export/", {"code": ["ABCDEFGHJKMN"]}, follow=True
    )
    assert "评议码不属于本次述职评议" in text(forged)
    assert (
        login(users.secretary)
        .post(f"/appraisal/{round_.id}/panels/{p.id}/codes/", {"count": 3})
        .status_code
        == 403
    )


def test_the_secretary_uploads_the_report_on_their_page(round_, users, login):
    services.round_step(actor=users.committee_admin, round_=round_)
    mine = round_.reporters.get(user=users.secretary)
    client = login(users.secretary)
    upload = SimpleUploadedFile("述职报告.pdf", PDF, content_type="application/pdf")
    client.post(f"/appraisal/reporters/{mine.id}/report/", {"report": upload})
    assert "述职报告.pdf" in text(client.get(f"/appraisal/reporters/{mine.id}/"))
    assert client.get(f"/appraisal/reporters/{mine.id}/file/").status_code == 200
    assert login(users.outsider).get(f"/appraisal/reporters/{mine.id}/file/").status_code == 404


def test_the_vote_page_needs_no_login_and_keeps_choices(voting, client):
    round_, codes = voting
    reporters = list(round_.reporters.all())
    wrong = text(client.post("/appraisal/vote/", {"code": "ABCD-EFGH-JKMN"}))
    assert "评议码不正确" in wrong
    ballot = text(client.post("/appraisal/vote/", {"code": codes[0]}))
    assert "发改委第一党支部" in ballot and "较好" in ballot
    partial = {"code": codes[0], "cast": "1", f"grade-{reporters[0].id}": "fair"}
    refused = text(client.post("/appraisal/vote/", partial))
    assert "还有 1 位述职人未评价" in refused
    assert f'name="grade-{reporters[0].id}" value="fair" checked' in refused
    done = {**partial, f"grade-{reporters[1].id}": "good", f"comment-{reporters[1].id}": "扎实"}
    assert "投票成功" in text(client.post("/appraisal/vote/", done, REMOTE_ADDR="10.1.2.3"))
    vote = AuditLog.objects.get(action="appraisal.vote")
    assert vote.ip in ("", None) and codes[0] not in vote.detail
    assert "已经使用过" in text(client.post("/appraisal/vote/", done))


def test_results_live_for_the_admin_and_final_for_all_once_closed(voting, users, login):
    round_, codes = voting
    ballots.ballot_cast(code=codes[0], grades=all_good(round_, Grade.FAIR))
    assert login(users.secretary).get(f"/appraisal/{round_.id}/results/").status_code == 403
    live = text(login(users.committee_admin).get(f"/appraisal/{round_.id}/results/"))
    assert "当前计票（未定稿）" in live and "80.00" in live
    services.round_step(actor=users.committee_admin, round_=round_)
    mine = text(login(users.secretary).get(f"/appraisal/{round_.id}/results/"))
    assert "发改委第一党支部" in mine and "市发改委机关党委" not in mine
    export = login(users.leader).get(f"/appraisal/{round_.id}/results/?export=1")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert login(users.outsider).get(f"/appraisal/{round_.id}/results/").status_code == 404


def test_the_list_pages_cost_a_fixed_number_of_queries(
    users, tree, login, seats, django_assert_max_num_queries
):
    client = login(users.committee_admin)

    def add_rounds(years):
        for year in years:
            round_ = services.round_create(
                actor=users.committee_admin,
                org=tree.committee,
                year=year,
                title=f"{year} 年度述职",
                meeting_on=date(year, 12, 10),
            )
            services.reporters_add(
                actor=users.committee_admin,
                round_=round_,
                orgs=[tree.unit, tree.branch, tree.far_branch],
            )
        return round_

    add_rounds([2020])
    with django_assert_max_num_queries(12) as few:
        client.get("/appraisal/")
    last = add_rounds(range(2021, 2026))
    with django_assert_max_num_queries(len(few)):
        client.get("/appraisal/")
    with django_assert_max_num_queries(25):
        client.get(f"/appraisal/{last.id}/")
