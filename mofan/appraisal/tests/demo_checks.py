"""What a user sees of the demo 述职评议 (called by the site demo test after `mofan demo`):
last year's round closed with counted results, 点评 and 整改清单; this year's round in voting
with most of its codes used; the secretary shuji reports in both and sees last year's result."""

from django.test import Client

from mofan.accounts.models import User
from mofan.appraisal.models import Rectification, Result, Round, RoundStatus


def check_demo_appraisal() -> None:
    closed, voting = Round.objects.order_by("year")
    assert closed.status == RoundStatus.CLOSED and voting.status == RoundStatus.VOTING
    assert 60 <= closed.reporters.count() <= 80
    assert closed.codes.count() == 145 and closed.ballots.count() == 145
    assert Result.objects.filter(reporter__round=closed).count() == closed.reporters.count()
    assert Result.objects.filter(reporter__round=closed, rank=1).exists()
    assert Rectification.objects.filter(reporter__round=closed).count() >= 10
    assert 100 < voting.ballots.count() < voting.codes.count()

    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    page = admin.get(f"/appraisal/{closed.id}/results/").content.decode()
    assert f"评议 {closed.ballots.count()} 人" in page and "综合得分" in page
    live = admin.get(f"/appraisal/{voting.id}/").content.decode()
    assert "结束投票并计票" in live and "已投票" in live

    shuji = Client()
    shuji.force_login(User.objects.get(username="shuji"))
    assert "评议投票" in shuji.get("/appraisal/").content.decode()
    mine = shuji.get(f"/appraisal/{closed.id}/results/").content.decode()
    assert mine.count('href="/appraisal/reporters/') == 1  # only their own org's line
