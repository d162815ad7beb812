"""Demo assessment: unit categories, the annual scheme of each of the last three years with its
closed round, their 三年一总评 naming 模范机关, this year's annual scheme, this year's 日常监督
(the quarters over closed, one unit having missed a report, the current one in
self-assessment) and the branch checklist of the demo unit. Written through the services, like a committee would."""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from mofan.assessment import naming, rounds, services, submissions
from mofan.assessment.defaults import (
    branch_checklist_scheme,
    daily_supervision_scheme,
    model_organs_scheme,
)
from mofan.assessment.models import Category, Indicator, RoundKind
from mofan.assessment.scoring import BONUS, REVIEWED, VETO
from mofan.core.access import DEMO
from mofan.core.periods import Span
from mofan.orgs.models import Org

CATEGORIES = ["综合管理类", "执法监管类", "服务保障类"]
PAPER = "系统启用前的考核，按当年纸质台账核定"
REVIEW_REASONS = ["材料齐全，成效明显", "基本完成，个别记录不全", "措施具体，台账规范"]


def build_demo_assessment(today: date) -> int:
    """The number of rounds built (0 when the demo has them already)."""
    if Category.objects.exists():
        return 0
    root = Org.objects.get(depth=1)
    units = list(Org.objects.filter(depth=2, dissolved_on__isnull=True).order_by("path"))
    rng = random.Random("assessment")
    _place(root, units)
    built = 0
    for year in range(today.year - 3, today.year):
        scheme = model_organs_scheme(actor=DEMO, org=root, year=year)
        services.scheme_publish(actor=DEMO, scheme=scheme)
        _closed_round(scheme, year, rng)
        built += 1
    _triennial_naming(scheme, today)
    current = model_organs_scheme(actor=DEMO, org=root, year=today.year)
    services.scheme_publish(actor=DEMO, scheme=current)
    built += _daily_supervision(root, today, rng)
    demo_unit = Org.objects.get(code="SZJG-001")
    checklist = branch_checklist_scheme(actor=DEMO, org=demo_unit, year=today.year)
    services.scheme_publish(actor=DEMO, scheme=checklist)
    return built + 1


def _daily_supervision(root: Org, today: date, rng: random.Random) -> int:
    """This year's quarterly rounds: the quarters already over closed, one unit having missed
    its report in the last of them, and the current quarter in self-assessment."""
    scheme = daily_supervision_scheme(actor=DEMO, org=root, year=today.year)
    services.scheme_publish(actor=DEMO, scheme=scheme)
    current = Span.quarter_of(today)
    over = [Span.quarter(today.year, q) for q in range(1, (current.start.month - 1) // 3 + 1)]
    for span in over:
        _closed_quarter(scheme, span, rng, missing=span == over[-1])
    _quarter_in_self_assessment(scheme, today)
    return len(over) + 1


def _report_deadline(span: Span) -> date:
    return span.end + timedelta(days=9)  # the 10th of the month after the quarter


def _closed_quarter(scheme, span: Span, rng: random.Random, *, missing: bool) -> None:
    deadline = _report_deadline(span)
    round_ = rounds.round_create(
        actor=DEMO,
        scheme=scheme,
        name=f"{span.label}日常监督",
        kind=RoundKind.QUARTERLY,
        starts_on=span.start,
        ends_on=span.last,
        self_deadline=deadline,
    )
    rounds.round_open(actor=DEMO, round_=round_)
    participants = list(round_.participants.order_by("org__path"))
    submitted_at = timezone.make_aware(datetime.combine(deadline - timedelta(days=2), time(16)))
    for participant in participants[1:] if missing else participants:
        submissions.self_submit(actor=DEMO, round_=round_, org=participant.org, at=submitted_at)
    rounds.round_advance(actor=DEMO, round_=round_)  # → review
    org_ids = [p.org_id for p in participants]
    for indicator in Indicator.objects.filter(scheme=scheme, rule=REVIEWED):
        rounds.review_scores(
            actor=DEMO,
            round_=round_,
            indicator=indicator,
            scores={org_id: _demo_review(indicator, org_id, rng) for org_id in org_ids},
        )
    rounds.round_advance(actor=DEMO, round_=round_)  # → preliminary
    rounds.round_advance(actor=DEMO, round_=round_)  # → final


def _place(root: Org, units: list[Org]) -> None:
    categories = [
        services.category_create(actor=DEMO, org=root, name=name, sort_order=order)
        for order, name in enumerate(CATEGORIES)
    ]
    for index, category in enumerate(categories):
        services.units_place(actor=DEMO, category=category, units=units[index :: len(categories)])


def _closed_round(scheme, year: int, rng: random.Random) -> None:
    round_ = rounds.round_create(
        actor=DEMO,
        scheme=scheme,
        name=f"{year}年度模范机关创建考评",
        kind=RoundKind.ANNUAL,
        starts_on=date(year, 1, 1),
        ends_on=date(year, 12, 31),
        self_deadline=date(year, 12, 20),
    )
    rounds.round_open(actor=DEMO, round_=round_)
    rounds.round_advance(actor=DEMO, round_=round_)  # → review
    org_ids = list(round_.participants.values_list("org_id", flat=True))
    for indicator in Indicator.objects.filter(scheme=scheme, rule__in=[REVIEWED, BONUS]):
        rounds.review_scores(
            actor=DEMO,
            round_=round_,
            indicator=indicator,
            scores={org_id: _demo_review(indicator, org_id, rng) for org_id in org_ids},
        )
    _paper_results(round_, scheme, org_ids, rng)
    rounds.round_advance(actor=DEMO, round_=round_)  # → preliminary
    rounds.round_advance(actor=DEMO, round_=round_)  # → final, values frozen
    proposed = [r.org_id for results in naming.proposal(round_).values() for r in results]
    naming.advanced_name(
        actor=DEMO,
        round_=round_,
        org_ids=proposed,
        decision=f"市直机关工委〔{year + 1}〕{3 + year % 10} 号",
    )


def _triennial_naming(scheme, today: date) -> None:
    """The 三年一总评 of the last three years, on the last year's scheme and grades. Daily
    supervision began with the platform this year, so the three years carry the whole weight."""
    first, last = today.year - 3, today.year - 1
    round_ = rounds.round_create(
        actor=DEMO,
        scheme=scheme,
        name=f"{first}—{last}年模范机关创建三年一总评",
        kind=RoundKind.TRIENNIAL,
        starts_on=date(first, 1, 1),
        ends_on=date(last, 12, 31),
        annual_weight=100,
        supervision_weight=0,
    )
    rounds.round_open(actor=DEMO, round_=round_)
    for _ in range(3):  # → review → preliminary → final
        rounds.round_advance(actor=DEMO, round_=round_)
    candidates = naming.model_organ_candidates(round_)
    if candidates:
        naming.model_organ_name(
            actor=DEMO,
            round_=round_,
            org_ids=[r.org_id for r in candidates],
            decision=f"市直机关工委〔{today.year}〕12 号",
        )


def _quarter_in_self_assessment(scheme, today: date) -> None:
    span = Span.quarter_of(today)
    round_ = rounds.round_create(
        actor=DEMO,
        scheme=scheme,
        name=f"{span.label}日常监督",
        kind=RoundKind.QUARTERLY,
        starts_on=span.start,
        ends_on=span.last,
        self_deadline=_report_deadline(span),
    )
    rounds.round_open(actor=DEMO, round_=round_)


def _quality(org_id: int) -> float:
    """A unit's standing, the same every year, so that some units lead year after year."""
    return random.Random(f"assessment:{org_id}").uniform(0.85, 1.0)


def _share(org_id: int, rng: random.Random) -> float:
    return min(1.0, _quality(org_id) * rng.uniform(0.75, 1.0))


def _demo_review(indicator, org_id: int, rng: random.Random) -> tuple[str, str]:
    if indicator.rule == BONUS:
        return ("1" if rng.random() < 0.25 else "0"), ""
    points = round(float(indicator.max_points) * _share(org_id, rng), 1)
    return str(points), rng.choice(REVIEW_REASONS)


def _paper_results(round_, scheme, org_ids, rng: random.Random) -> None:
    """The demo's records begin this year: earlier years' record-based points are the ones
    the committee confirmed from paper ledgers, entered as adjustments with that reason."""
    for indicator in Indicator.objects.filter(scheme=scheme).exclude(fact_code=""):
        if indicator.rule == VETO:
            continue
        rounds.adjust_scores(
            actor=DEMO,
            round_=round_,
            indicator=indicator,
            scores={
                o: str(round(float(indicator.max_points) * _share(o, rng), 1)) for o in org_ids
            },
            reason=PAPER,
        )
