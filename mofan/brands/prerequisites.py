"""The prerequisites of a 四强党支部 application, each read from a fact for the branch in the
call's year: organisational life on schedule, no veto event, the standardisation checklist
passed. A fact another module has not registered (yet) is shown as 未能核验, never an error."""

from dataclasses import asdict, dataclass
from decimal import Decimal

from mofan.brands.models import Call
from mofan.core.facts import fact
from mofan.core.periods import Span
from mofan.orgs.facts import rollup_under
from mofan.orgs.models import Org

COMPLIANCE = "meetings.compliance"
VETOES = "assessment.vetoes"
CHECKLIST = "assessment.checklist_passed"
UNVERIFIED = "未能核验"


@dataclass(frozen=True)
class Prerequisite:
    label: str
    fact_code: str
    value: str  # as shown: "92.5%", "0 项", "已通过", 未能核验
    met: bool | None  # None: could not be verified from the records

    @property
    def verdict(self) -> str:
        return {True: "符合", False: "不符合", None: UNVERIFIED}[self.met]

    def as_dict(self) -> dict:
        return asdict(self)


def _value(code: str, org: Org, span: Span):
    """The fact for the branch (with its party groups), or LookupError when not registered."""
    the_fact = fact(code)
    if the_fact.is_rate:
        return rollup_under(code, root_ids=[org.pk], span=span).get(org.pk)
    return the_fact(org_ids=[org.pk], span=span).get(org.pk)


def _read(code: str, org: Org, span: Span):
    try:
        return _value(code, org, span), True
    except LookupError:
        return None, False


def prerequisites(call: Call, org: Org) -> list[Prerequisite]:
    span = Span.year(call.year)
    found = []
    rate, known = _read(COMPLIANCE, org, span)
    threshold = call.min_compliance
    label = f"{call.year}年组织生活按期完成率不低于 {threshold.normalize():f}%"
    if not known or rate is None:
        found.append(
            Prerequisite(label, COMPLIANCE, "无应开展的组织生活" if known else UNVERIFIED, None)
        )
    else:
        found.append(Prerequisite(label, COMPLIANCE, f"{rate}%", Decimal(rate) >= threshold))
    vetoes, known = _read(VETOES, org, span)
    label = f"{call.year}年无一票否决事项"
    if not known or vetoes is None:
        found.append(Prerequisite(label, VETOES, UNVERIFIED, None))
    else:
        found.append(Prerequisite(label, VETOES, f"{vetoes} 项", not vetoes))
    if not call.require_checklist:
        return found
    passed, known = _read(CHECKLIST, org, span)
    label = f"{call.year}年党支部标准化规范化建设达标"
    if not known or passed is None:
        found.append(Prerequisite(label, CHECKLIST, UNVERIFIED, None))
    else:
        found.append(Prerequisite(label, CHECKLIST, "已通过" if passed else "未通过", bool(passed)))
    return found


def failed(found: list[Prerequisite]) -> list[Prerequisite]:
    """The prerequisites the records show as not met (an unverifiable one does not bar)."""
    return [p for p in found if p.met is False]


def from_stored(rows: list[dict]) -> list[Prerequisite]:
    return [Prerequisite(**row) for row in rows]
