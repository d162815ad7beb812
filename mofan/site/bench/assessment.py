"""Assessment section (issue 11 §6): a scheme of 40 items, 30 of them scored from the records,
over the units of the bench tree; computing an open round, the results page of a closed one
and a unit's score sheet."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from mofan.assessment import compute, rounds, services
from mofan.assessment.models import Round, Scheme, Target
from mofan.core.access import SYSTEM
from mofan.site.bench.measure import Operation, client_for, get
from mofan.site.bench.tree import BenchTree

COMPUTE_TARGET_MS = 2000
AREAS = 8
ITEMS_PER_AREA = 5
# Record-based rules cycling over facts of every module.
RECORD_RULES = [
    ("ratio", "meetings.compliance", {}),
    ("thresholds", "meetings.attendance", {"bands": [["90", "100"], ["80", "80"]]}),
    ("ratio", "plans.tasks.on_time_rate", {}),
    ("deduction", "plans.tasks.overdue", {"each": "0.5"}),
    ("ratio", "plans.supervision.on_time_rate", {}),
    ("thresholds", "members.dues.on_time_rate", {"bands": [["95", "100"], ["80", "60"]]}),
    ("per_occurrence", "members.admitted", {"each": "1"}),
    ("ratio", "meetings.compliance.committee", {}),
    ("ratio", "meetings.compliance.branch_general", {}),
    ("deduction", "orgs.terms.overdue", {"each": "1"}),
    ("per_occurrence", "meetings.held.lecture", {"each": "1"}),
    ("ratio", "meetings.compliance.theme_day", {}),
    ("thresholds", "meetings.compliance.life_meeting", {"bands": [["100", "100"]]}),
    ("deduction", "orgs.health.problems", {"each": "1"}),
    ("ratio", "meetings.compliance.group", {}),
]
RECORD_ITEMS = 30


@dataclass
class BuiltAssessment:
    tree: BenchTree
    open_round: Round
    closed_round: Round
    units: int


def _scheme(tree: BenchTree, year: int) -> Scheme:
    scheme = services.scheme_create(
        actor=SYSTEM, org=tree.root, name=f"{year}年度考核（基准）", year=year, target=Target.UNITS
    )
    number = 0
    for area_number in range(1, AREAS + 1):
        area = services.indicator_add(
            actor=SYSTEM, scheme=scheme, name=f"领域{area_number}", max_points=0
        )
        for _ in range(ITEMS_PER_AREA):
            number += 1
            if number <= RECORD_ITEMS:
                rule, code, params = RECORD_RULES[(number - 1) % len(RECORD_RULES)]
            else:
                rule, code, params = "reviewed", "", {}
            services.indicator_add(
                actor=SYSTEM,
                scheme=scheme,
                parent=area,
                name=f"指标{number}",
                max_points=2.5,
                rule=rule,
                fact_code=code,
                params=params,
            )
    services.grades_set(
        actor=SYSTEM, scheme=scheme, grades=[("好", 90), ("较好", 80), ("一般", 60), ("差", 0)]
    )
    services.scheme_publish(actor=SYSTEM, scheme=scheme)
    return scheme


def _round(scheme: Scheme, year: int, name: str) -> Round:
    round_ = rounds.round_create(
        actor=SYSTEM,
        scheme=scheme,
        name=name,
        kind="annual",
        starts_on=date(year, 1, 1),
        ends_on=date(year, 12, 31),
    )
    rounds.round_open(actor=SYSTEM, round_=round_)
    return round_


def build_assessment(tree: BenchTree) -> BuiltAssessment:
    year = timezone.localdate().year
    scheme = _scheme(tree, year)
    open_round = _round(scheme, year, f"{year}年度考核（进行中）")
    closed_round = _round(scheme, year, f"{year}年度考核（已定档）")
    for _ in range(3):
        rounds.round_advance(actor=SYSTEM, round_=closed_round)
    return BuiltAssessment(tree, open_round, closed_round, open_round.participants.count())


def describe(built: BuiltAssessment) -> str:
    return (
        f"{built.units} 个参评单位 × {AREAS * ITEMS_PER_AREA} 项指标（{RECORD_ITEMS} 项按记录计分）"
    )


def operations(built: BuiltAssessment) -> list[Operation]:
    admin = client_for(built.tree.committee_admin)
    unit = built.tree.unit.id
    return [
        Operation(
            f"计算考核得分 compute.results（{built.units} 个单位）",
            lambda: compute.results(built.open_round),
            target_ms=COMPUTE_TARGET_MS,
            runs=3,
        ),
        Operation(
            "已定档考核结果页 /assessment/rounds/定档/",
            get(admin, f"/assessment/rounds/{built.closed_round.id}/"),
        ),
        Operation(
            "单位考核表（进行中）/assessment/rounds/进行中/?org=单位",
            get(admin, f"/assessment/rounds/{built.open_round.id}/?org={unit}"),
        ),
    ]
