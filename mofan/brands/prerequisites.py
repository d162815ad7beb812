"""The prerequisites of a 四强党支部 application, each read from a fact for the branch in a
year (the call's, or a later one at the yearly re-check): organisational life on schedule, no
veto event, the standardisation checklist passed (when the call asks for it). A fact another
module has not registered (yet) is shown as 未能核验, never an error. Each fact is read once
for all the branches asked about."""

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


def _read(code: str, org_ids: list[int], span: Span) -> dict | None:
    """The fact for each branch (a rate with its party groups); None when not registered."""
    try:
        the_fact = fact(code)
    except LookupError:
        return None
    if the_fact.is_rate:
        return rollup_under(code, root_ids=org_ids, span=span)
    return the_fact(org_ids=org_ids, span=span)


def _compliance(call: Call, year: int, value) -> Prerequisite:
    label = f"{year}年组织生活按期完成率不低于 {call.min_compliance.normalize():f}%"
    if value is None:
        return Prerequisite(label, COMPLIANCE, "无应开展的组织生活", None)
    return Prerequisite(label, COMPLIANCE, f"{value}%", Decimal(value) >= call.min_compliance)


def _vetoes(year: int, value) -> Prerequisite:
    label = f"{year}年无一票否决事项"
    return Prerequisite(label, VETOES, f"{value} 项", not value)


def _checklist(year: int, value) -> Prerequisite:
    label = f"{year}年党支部标准化规范化建设达标"
    return Prerequisite(label, CHECKLIST, "已通过" if value else "未通过", bool(value))


def prerequisites_of(call: Call, orgs: list[Org], year: int | None = None) -> dict[int, list]:
    """{branch id: [Prerequisite]} in `year` (the call's by default)."""
    year = year or call.year
    span = Span.year(year)
    ids = [org.pk for org in orgs]
    rules = [
        (COMPLIANCE, lambda v: _compliance(call, year, v)),
        (VETOES, lambda v: _vetoes(year, v)),
    ]
    if call.require_checklist:
        rules.append((CHECKLIST, lambda v: _checklist(year, v)))
    found: dict[int, list] = {org_id: [] for org_id in ids}
    for code, make in rules:
        values = _read(code, ids, span)
        for org_id in ids:
            # A rate of None has nothing due (said so); any other None could not be read.
            unread = values is None or (code != COMPLIANCE and values.get(org_id) is None)
            if unread:
                found[org_id].append(Prerequisite(make(0).label, code, UNVERIFIED, None))
            else:
                found[org_id].append(make(values.get(org_id)))
    return found


def prerequisites(call: Call, org: Org, year: int | None = None) -> list[Prerequisite]:
    return prerequisites_of(call, [org], year)[org.pk]


def failed(found: list[Prerequisite]) -> list[Prerequisite]:
    """The prerequisites the records show as not met (an unverifiable one does not bar)."""
    return [p for p in found if p.met is False]


def from_stored(rows: list[dict]) -> list[Prerequisite]:
    return [Prerequisite(**row) for row in rows]
