"""Org health checks: data-driven rules (HealthRule rows) evaluated over a whole sub-tree.

The cost is a fixed handful of queries (orgs, committee sizes, member counts, rules) whatever
the size of the sub-tree; the rules themselves run in Python. Orgs are read as plain rows
(`OrgRow`), not model instances: a 5,000-org tree is checked in tens of milliseconds.
"""

import operator
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import reduce
from typing import NamedTuple

from django.db.models import Count, Q
from django.utils import timezone

from mofan.core.errors import ApplicationError
from mofan.orgs.counts import MemberCount, member_counts
from mofan.orgs.models import CommitteeSeat, HealthRule, Org, OrgType
from mofan.orgs.selectors import org_subtree, roll_up_counts

METRICS = {
    "members": "党员人数",
    "full_members": "正式党员人数",
    "subtree_members": "含下级组织的党员人数",
    "committee_size": "班子成员人数",
    "days_to_term_end": "距任期届满天数",
    "has_term": "已录入任期（1 是 0 否）",
}
# Each comparison with the word the rule form and the rule list show for it.
OPERATORS = {
    "lt": (operator.lt, "小于"),
    "lte": (operator.le, "不超过"),
    "gt": (operator.gt, "大于"),
    "gte": (operator.ge, "不少于"),
    "eq": (operator.eq, "等于"),
}


@dataclass(frozen=True)
class Finding:
    org_id: int
    org_name: str
    org_path: str
    rule_code: str
    rule_name: str
    severity: str
    message: str


def validate_conditions(conditions) -> None:
    if not isinstance(conditions, list) or not conditions:
        raise ApplicationError("规则至少需要一个条件", field="conditions")
    for condition in conditions:
        if not (isinstance(condition, list | tuple) and len(condition) == 3):
            raise ApplicationError("每个条件须为 [指标, 比较, 数值]", field="conditions")
        metric, op, value = condition
        if metric not in METRICS:
            raise ApplicationError(f"未知指标“{metric}”", field="conditions")
        if op not in OPERATORS:
            raise ApplicationError(f"未知比较方式“{op}”", field="conditions")
        if not isinstance(value, int) or isinstance(value, bool):
            raise ApplicationError(f"条件数值须为整数：{value}", field="conditions")


def describe_conditions(conditions) -> str:
    return "，且".join(
        f"{METRICS.get(metric, metric)} {OPERATORS.get(op, (None, op))[1]} {value}"
        for metric, op, value in conditions
    )


class OrgRow(NamedTuple):
    """The fields of an org that the rules and findings read."""

    id: int
    name: str
    path: str
    org_type: str
    term_end: date | None


class _Facts(dict):
    """Metric values of one org; also the placeholders a rule message may use."""

    def __missing__(self, key):
        return "？"


def org_facts(
    org: Org | OrgRow, counts: MemberCount, subtree: MemberCount, committee_size: int, today
):
    days = (org.term_end - today).days if org.term_end else None
    return _Facts(
        name=org.name,
        members=counts.members,
        full_members=counts.full_members,
        subtree_members=subtree.members,
        committee_size=committee_size,
        days_to_term_end=days,
        days_overdue=-days if days is not None and days < 0 else 0,
        has_term=1 if org.term_end else 0,
        term_end=org.term_end.isoformat() if org.term_end else "",
    )


def rule_fires(rule: HealthRule, facts: _Facts) -> bool:
    for metric, op, threshold in rule.conditions:
        value = facts.get(metric)
        if value is None or not OPERATORS[op][0](value, threshold):
            return False
    return True


def evaluate(rules: list[HealthRule], org: Org | OrgRow, facts: _Facts) -> list[Finding]:
    return [
        Finding(
            org.id,
            org.name,
            org.path,
            rule.code,
            rule.name,
            rule.severity,
            rule.message.format_map(facts),
        )
        for rule in rules
        if (not rule.org_types or org.org_type in rule.org_types) and rule_fires(rule, facts)
    ]


def subtree_health(root: Org, *, today=None) -> list[Finding]:
    """Every finding for the active orgs of `root`'s sub-tree, in tree order."""
    today = today or timezone.localdate()
    orgs = list(map(OrgRow._make, org_subtree(root).order_by("path").values_list(*OrgRow._fields)))
    return _findings(orgs, [(o.id, o.path) for o in orgs], org_subtree(root), today)


def health_of(org_ids: Iterable[int], *, today: date) -> list[Finding]:
    """The findings of the given active orgs, in tree order; the members of the orgs below
    them count toward their sub-tree metrics. A fixed number of queries."""
    asked = Org.objects.filter(pk__in=list(org_ids), dissolved_on__isnull=True).order_by("path")
    orgs = list(map(OrgRow._make, asked.values_list(*OrgRow._fields)))
    if not orgs:
        return []
    tops = top_paths([o.path for o in orgs])
    below = Org.objects.filter(
        reduce(operator.or_, (Q(path__startswith=path) for path in tops)),
        dissolved_on__isnull=True,
    )
    return _findings(orgs, list(below.values_list("id", "path")), below, today)


def top_paths(paths: list[str]) -> list[str]:
    """The paths that have no ancestor among `paths` (sorted paths put ancestors first)."""
    tops: list[str] = []
    for path in sorted(paths):
        if not tops or not path.startswith(tops[-1]):
            tops.append(path)
    return tops


def _findings(orgs: list[OrgRow], tree_rows, tree_query, today: date) -> list[Finding]:
    """Evaluate the rules on `orgs`; `tree_rows` / `tree_query` are every active org at or
    below them (for the committee sizes and the sub-tree member counts)."""
    rules = list(HealthRule.objects.filter(enabled=True))
    rules_by_type = {
        org_type: [rule for rule in rules if not rule.org_types or org_type in rule.org_types]
        for org_type in OrgType.values
    }
    committee_sizes = dict(
        CommitteeSeat.objects.filter(org__in=tree_query)
        .values("org_id")
        .annotate(n=Count("id"))
        .values_list("org_id", "n")
    )
    direct = member_counts(tree_query.values_list("id", flat=True))
    subtree = roll_up_counts(tree_rows, direct, {o.path: o.id for o in orgs}) if direct else {}
    no_members = MemberCount()
    findings: list[Finding] = []
    for org in orgs:
        org_rules = rules_by_type.get(org.org_type, rules)
        if not org_rules:
            continue
        facts = org_facts(
            org,
            direct.get(org.id, no_members),
            subtree.get(org.id, no_members),
            committee_sizes.get(org.id, 0),
            today,
        )
        findings.extend(evaluate(org_rules, org, facts))
    return findings


TERM_ORG_TYPES = [
    OrgType.ORGAN_COMMITTEE,
    OrgType.BASIC_COMMITTEE,
    OrgType.GENERAL_BRANCH,
    OrgType.BRANCH,
    OrgType.JOINT_BRANCH,
]
BRANCHES = [OrgType.BRANCH, OrgType.JOINT_BRANCH]

DEFAULT_RULES = [
    {
        "code": "branch-too-large",
        "name": "支部人数超过上限",
        "org_types": BRANCHES,
        "conditions": [["members", "gt", 50]],
        "message": "{name} 有 {members} 名党员，超过一般上限 50 名，应考虑分设支部",
        "severity": "warning",
    },
    {
        "code": "branch-too-small",
        "name": "支部正式党员不足 3 名",
        "org_types": [OrgType.BRANCH],
        "conditions": [["full_members", "lt", 3]],
        "message": "{name} 正式党员 {full_members} 名，不足 3 名，应与邻近单位组成联合支部",
        "severity": "warning",
    },
    {
        "code": "committee-required",
        "name": "正式党员 7 名以上须设支部委员会",
        "org_types": BRANCHES,
        "conditions": [["full_members", "gte", 7], ["committee_size", "lt", 3]],
        "message": "{name} 有 {full_members} 名正式党员，应设立 3–5 人的支部委员会，目前班子成员 {committee_size} 人",
        "severity": "error",
    },
    {
        "code": "committee-too-large",
        "name": "支部委员会超过 7 人",
        "org_types": BRANCHES,
        "conditions": [["committee_size", "gt", 7]],
        "message": "{name} 班子成员 {committee_size} 人，支部委员会一般不超过 7 人",
        "severity": "warning",
    },
    {
        "code": "general-branch-too-large",
        "name": "党员 100 名以上应设基层党委",
        "org_types": [OrgType.GENERAL_BRANCH],
        "conditions": [["subtree_members", "gte", 100]],
        "message": "{name} 共有 {subtree_members} 名党员（100 名以上），按规定应设立基层党委",
        "severity": "warning",
    },
    {
        "code": "term-expiring",
        "name": "任期 90 天内届满",
        "org_types": TERM_ORG_TYPES,
        "conditions": [["days_to_term_end", "gte", 0], ["days_to_term_end", "lte", 90]],
        "message": "{name} 本届任期将于 {term_end} 届满（还有 {days_to_term_end} 天），请提前做好换届准备",
        "severity": "warning",
    },
    {
        "code": "term-overdue",
        "name": "任期届满未换届",
        "org_types": TERM_ORG_TYPES,
        "conditions": [["days_to_term_end", "lt", 0]],
        "message": "{name} 任期已于 {term_end} 届满，已逾期 {days_overdue} 天未换届",
        "severity": "error",
    },
    {
        "code": "term-missing",
        "name": "未录入任期",
        "org_types": TERM_ORG_TYPES,
        "conditions": [["has_term", "eq", 0]],
        "message": "{name} 未录入本届任期起止日期",
        "severity": "warning",
    },
]
