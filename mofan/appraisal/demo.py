"""Demo 述职评议: last year's round closed with its results, 点评 and 整改清单, and this year's
round in its voting stage with most codes used. The reporters are the secretaries of the demo
units' 党组织 (about 70) and of the demo branch (whose secretary has the shuji account); the
ballots are cast through the service, with a spread that differs by unit and by panel."""

import random
from datetime import date, timedelta
from decimal import Decimal

from mofan.appraisal import ballots, services
from mofan.appraisal.models import Grade, Identity, Round
from mofan.core.access import DEMO
from mofan.core.dates import add_months
from mofan.orgs.models import Org

# Raters per panel: 20 + 35 + 30 + 60 = 145, as the seed's 述职评议 had.
RATERS = {
    Identity.SECRETARIES: 20,
    Identity.PARTY_STAFF: 35,
    Identity.DEPUTIES: 30,
    Identity.MEMBERS: 60,
}
DEMO_BRANCH = "SZJG-001-01"
COMMENTS = [
    "履行第一责任人职责到位，创建工作有特色、有成效",
    "抓基层党建思路清晰，但支部标准化建设推进不够平衡",
    "理论武装扎实，党建与业务融合还需加强",
    "组织生活制度落实有差距，“三会一课”记录不够规范",
]
PROBLEMS = [
    ("党建与业务融合不够紧密", "每季度召开一次党建业务融合推进会，形成问题清单"),
    ("支部组织生活记录不规范", "统一使用平台记录会议，支委会每月检查"),
    ("党员教育培训学时不足", "制定年度培训计划，书记带头讲党课"),
    ("青年党员作用发挥不明显", "组建青年党员先锋岗，结对参与重点任务"),
]


def build_demo_appraisal(today: date) -> int:
    """The number of rounds built (0 when the demo has them already)."""
    root = Org.objects.get(depth=1)
    if Round.objects.filter(org=root).exists():
        return 0
    orgs = list(Org.objects.filter(depth=2, dissolved_on__isnull=True).order_by("path")) + list(
        Org.objects.filter(code=DEMO_BRANCH)
    )
    last = _round(root, orgs, today.year - 1, date(today.year - 1, 12, 18))
    _cast(last, share_used=1.0, day=last.meeting_on, rng=random.Random("appraisal-last"))
    services.round_step(actor=DEMO, round_=last, today=last.meeting_on)
    _review(last, today)
    current = _round(root, orgs, today.year, today)
    _cast(current, share_used=0.9, day=today, rng=random.Random("appraisal-current"))
    return 2


def _round(root: Org, orgs: list[Org], year: int, meeting_on: date) -> Round:
    round_ = services.round_create(
        actor=DEMO,
        org=root,
        year=year,
        title=f"{year} 年度基层党组织书记抓党建述职评议考核",
        meeting_on=meeting_on,
    )
    services.reporters_add(actor=DEMO, round_=round_, orgs=orgs)
    for panel in round_.panels.all():
        services.panel_update(
            actor=DEMO, panel=panel, weight=panel.weight, raters=RATERS[panel.identity]
        )
    services.round_step(actor=DEMO, round_=round_)  # reporters notified
    for reporter in round_.reporters.all():
        services.reporter_review(actor=DEMO, reporter=reporter, presented=True, comment="")
    round_.codes_by_panel = {
        panel: ballots.codes_issue(actor=DEMO, panel=panel, count=panel.raters)
        for panel in round_.panels.all()
    }
    services.round_step(actor=DEMO, round_=round_)  # voting
    return round_


def _cast(round_: Round, *, share_used: float, day: date, rng: random.Random) -> None:
    reporters = ballots.ballot_reporters(round_)
    # Each unit's standing, and each panel's strictness (members and masses rate hardest).
    standing = {r.pk: rng.uniform(0.55, 0.95) for r in reporters}
    strictness = {
        Identity.SECRETARIES: 0.0,
        Identity.PARTY_STAFF: 0.03,
        Identity.DEPUTIES: 0.05,
        Identity.MEMBERS: 0.1,
    }
    for panel, codes in round_.codes_by_panel.items():
        for code in codes[: round(len(codes) * share_used)]:
            grades = {
                r.pk: _grade(rng, standing[r.pk] - strictness[panel.identity]) for r in reporters
            }
            ballots.ballot_cast(code=code, grades=grades, today=day)


def _grade(rng: random.Random, standing: float) -> str:
    draw = rng.random()
    if draw < standing:
        return Grade.GOOD
    if draw < standing + (1 - standing) * 0.75:
        return Grade.FAIR
    if draw < standing + (1 - standing) * 0.97:
        return Grade.AVERAGE
    return Grade.POOR


def _review(round_: Round, today: date) -> None:
    """点评 for every reporter; the ten lowest scores get a 整改清单, half of it done."""
    reporters = list(round_.reporters.select_related("result", "org"))
    reporters.sort(key=lambda r: r.result.score)
    for index, reporter in enumerate(reporters):
        comment = COMMENTS[0] if reporter.result.score >= Decimal(90) else COMMENTS[1 + index % 3]
        services.reporter_review(actor=DEMO, reporter=reporter, presented=True, comment=comment)
    for index, reporter in enumerate(reporters[:10]):
        for number in range(2):
            problem, measure = PROBLEMS[(index + number) % len(PROBLEMS)]
            item = services.rectification_add(
                actor=DEMO,
                reporter=reporter,
                problem=problem,
                measure=measure,
                deadline=add_months(round_.meeting_on, 3 * (number + 1)),
            )
            if number == 0:
                services.rectification_done(
                    actor=DEMO, item=item, done=True, today=item.deadline - timedelta(days=10)
                )
