import operator
from datetime import date, timedelta

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from mofan.core.access import SYSTEM
from mofan.core.models import AuditLog
from mofan.orgs.counts import MemberCount
from mofan.orgs.health import METRICS, OPERATORS, org_facts, rule_fires, subtree_health
from mofan.orgs.models import CommitteePost, HealthRule, Org, OrgType
from mofan.orgs.services import committee_seat_add, health_rule_update, org_dissolve, org_update
from mofan.site.tests.factories import make_org

TODAY = date(2026, 3, 1)


def messages(root, today=TODAY):
    return [f.message for f in subtree_health(root, today=today)]


def codes_for(org, root=None, today=TODAY):
    findings = subtree_health(root or org, today=today)
    return {f.rule_code for f in findings if f.org_id == org.id}


def give_term(org, end, start=None):
    org_update(
        actor=SYSTEM, org=org, term_start=start or end - timedelta(days=3 * 365), term_end=end
    )


def seat(org, n):
    posts = [CommitteePost.SECRETARY, CommitteePost.ORGANISATION, CommitteePost.PUBLICITY]
    for i in range(n):
        committee_seat_add(actor=SYSTEM, org=org, name=f"委员{i}", post=posts[i % len(posts)])


def rule(code):
    return HealthRule.objects.get(code=code)


# --- the default rules -------------------------------------------------------------------


def test_it_seeds_the_default_rules(db):
    assert set(HealthRule.objects.values_list("code", flat=True)) >= {
        "branch-too-large",
        "committee-required",
        "term-expiring",
        "term-overdue",
        "term-missing",
    }


def test_it_reports_a_missing_term_for_committees_and_branches_only(tree):
    found = messages(tree.committee)
    assert "发改委第一党支部 未录入本届任期起止日期" in found
    assert "市发改委机关党委 未录入本届任期起止日期" in found
    assert "市民政局机关党总支 未录入本届任期起止日期" in found
    assert not any(m.startswith("市直机关工委 未录入") for m in found)
    assert not any(m.startswith("第一党小组") for m in found)


def test_it_warns_of_a_term_ending_within_90_days(tree):
    give_term(tree.branch, TODAY + timedelta(days=30))
    assert (
        "发改委第一党支部 本届任期将于 2026-03-31 届满（还有 30 天），请提前做好换届准备"
        in messages(tree.branch)
    )
    assert "term-missing" not in codes_for(tree.branch)


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (91, set()),
        (90, {"term-expiring"}),
        (0, {"term-expiring"}),
        (-1, {"term-overdue"}),
        (-400, {"term-overdue"}),
    ],
)
def test_it_sorts_term_ends_at_the_boundaries(tree, days, expected):
    give_term(tree.other_branch, TODAY + timedelta(days=days))
    term_codes = {"term-expiring", "term-overdue", "term-missing"}
    assert codes_for(tree.other_branch) & term_codes == expected


def test_it_reports_an_overdue_term_with_its_date_and_days(tree):
    give_term(tree.far_unit, date(2026, 2, 19))
    assert "市民政局机关党总支 任期已于 2026-02-19 届满，已逾期 10 天未换届" in messages(
        tree.far_unit
    )


def test_it_requires_a_committee_at_seven_full_members(tree, members):
    members(tree.branch, 9, full=7)
    seat(tree.branch, 2)
    assert (
        "发改委第一党支部 有 7 名正式党员，应设立 3–5 人的支部委员会，目前班子成员 2 人"
        in messages(tree.branch)
    )


@pytest.mark.parametrize(
    ("full", "committee", "fires"),
    [(7, 0, True), (7, 2, True), (7, 3, False), (6, 0, False), (30, 5, False)],
)
def test_it_fires_the_committee_rule_only_at_seven_full_members_and_under_three_seats(
    tree, members, full, committee, fires
):
    members(tree.branch, full + 2, full=full)
    seat(tree.branch, committee)
    assert ("committee-required" in codes_for(tree.branch)) is fires


def test_it_counts_only_full_members_for_the_committee_rule(tree, members):
    members(tree.branch, 10, full=6)  # 4 probationary members do not count
    assert "committee-required" not in codes_for(tree.branch)


def test_it_warns_of_a_branch_over_50_members(tree, members):
    members(tree.branch, 51)
    members(tree.other_branch, 50)
    found = messages(tree.unit)
    assert "发改委第一党支部 有 51 名党员，超过一般上限 50 名，应考虑分设支部" in found
    assert not any(m.startswith("发改委第二党支部") and "超过一般上限" in m for m in found)


def test_it_counts_party_group_members_towards_a_general_branch_total(tree, members):
    members(tree.far_branch, 100)
    assert "市民政局机关党总支 共有 100 名党员（100 名以上），按规定应设立基层党委" in messages(
        tree.committee
    )


def test_it_runs_on_zero_counts_until_members_exist(tree):
    # Without a member counter every count is zero: a branch has too few full members.
    assert "发改委第一党支部 正式党员 0 名，不足 3 名，应与邻近单位组成联合支部" in messages(
        tree.unit
    )


def test_it_checks_only_the_sub_tree_asked_for(tree):
    found = subtree_health(tree.unit, today=TODAY)
    unit_paths = {o.path for o in Org.objects.filter(path__startswith=tree.unit.path)}
    assert found
    assert {f.org_path for f in found} <= unit_paths


def test_it_skips_dissolved_orgs(tree):
    org_dissolve(actor=SYSTEM, org=tree.other_branch, reason="合并")
    assert not any("发改委第二党支部" in m for m in messages(tree.unit))


def test_it_lists_findings_in_tree_order(tree):
    paths = [f.org_path for f in subtree_health(tree.committee, today=TODAY)]
    assert paths == sorted(paths)


# --- rules are data ----------------------------------------------------------------------


def test_it_stops_reporting_a_disabled_rule(tree):
    assert "term-missing" in codes_for(tree.branch)
    health_rule_update(actor=SYSTEM, rule=rule("term-missing"), enabled=False)
    assert "term-missing" not in codes_for(tree.branch)


def test_it_uses_a_changed_threshold(tree, members):
    members(tree.branch, 45)
    assert "branch-too-large" not in codes_for(tree.branch)
    health_rule_update(
        actor=SYSTEM, rule=rule("branch-too-large"), conditions=[["members", "gt", 40]]
    )
    assert "发改委第一党支部 有 45 名党员，超过一般上限 50 名，应考虑分设支部" in messages(
        tree.branch
    )


def test_it_uses_a_changed_message_and_shows_unknown_placeholders_as_a_question_mark(tree):
    health_rule_update(
        actor=SYSTEM, rule=rule("term-missing"), message="请为{name}录入任期（{nonsense}）"
    )
    assert "请为发改委第一党支部录入任期（？）" in messages(tree.branch)


def test_it_applies_a_rule_only_to_its_org_types(tree):
    term_missing = rule("term-missing")
    term_missing.org_types = ["party_group"]
    term_missing.save()
    assert messages(tree.branch) == [
        "发改委第一党支部 正式党员 0 名，不足 3 名，应与邻近单位组成联合支部",
        "第一党小组 未录入本届任期起止日期",
    ]


# --- rule engine (hypothesis) ------------------------------------------------------------

COMPARE = {"lt": operator.lt, "lte": operator.le, "gt": operator.gt, "gte": operator.ge}
COMPARE["eq"] = operator.eq
values = st.integers(min_value=-10_000, max_value=10_000)
conditions = st.lists(
    st.tuples(st.sampled_from(sorted(METRICS)), st.sampled_from(sorted(OPERATORS)), values),
    min_size=1,
    max_size=4,
)


@given(conditions=conditions, facts=st.dictionaries(st.sampled_from(sorted(METRICS)), values))
def test_it_fires_a_rule_exactly_when_every_condition_holds(conditions, facts):
    engine_rule = HealthRule(conditions=[list(c) for c in conditions])
    expected = all(
        metric in facts and COMPARE[op](facts[metric], threshold)
        for metric, op, threshold in conditions
    )
    assert rule_fires(engine_rule, facts) is expected


@given(
    threshold=st.integers(min_value=0, max_value=200),
    count=st.integers(min_value=0, max_value=200),
)
def test_it_fires_a_size_limit_rule_above_any_threshold(threshold, count):
    limit = HealthRule(conditions=[["members", "gt", threshold]])
    facts = org_facts(
        Org(name="支部", org_type=OrgType.BRANCH),
        MemberCount(count, count),
        MemberCount(count, count),
        0,
        TODAY,
    )
    assert rule_fires(limit, facts) is (count > threshold)


def test_it_sorts_every_term_end_into_exactly_one_term_rule(db):
    term_rules = list(HealthRule.objects.filter(code__in=["term-expiring", "term-overdue"]))

    @given(days=st.integers(min_value=-5000, max_value=5000))
    def check(days):
        org = Org(name="支部", org_type=OrgType.BRANCH, term_end=TODAY + timedelta(days=days))
        facts = org_facts(org, MemberCount(), MemberCount(), 0, TODAY)
        fired = {r.code for r in term_rules if rule_fires(r, facts)}
        if days < 0:
            assert fired == {"term-overdue"}
            assert facts["days_overdue"] == -days
        elif days <= 90:
            assert fired == {"term-expiring"}
        else:
            assert fired == set()

    check()


def test_it_never_fires_a_term_rule_on_an_org_without_a_term(db):
    org = Org(name="支部", org_type=OrgType.BRANCH)
    facts = org_facts(org, MemberCount(), MemberCount(), 0, TODAY)
    assert not rule_fires(rule("term-expiring"), facts)
    assert not rule_fires(rule("term-overdue"), facts)
    assert rule_fires(rule("term-missing"), facts)


# --- health page and rule pages ----------------------------------------------------------


def test_it_shows_each_finding_as_a_sentence_on_the_health_page(tree, users, login):
    give_term(tree.branch, timezone.localdate() - timedelta(days=5))
    response = login(users.unit_admin).get(f"/orgs/{tree.unit.id}/health/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "已逾期 5 天未换届" in page
    assert "市发改委机关党委 未录入本届任期起止日期" in page
    assert "任期届满未换届（1）" in page
    assert "市民政局" not in page


def test_it_filters_the_health_page_by_rule(tree, users, login):
    give_term(tree.branch, timezone.localdate() - timedelta(days=5))
    page = login(users.unit_admin).get(f"/orgs/{tree.unit.id}/health/?rule=term-overdue")
    text = page.content.decode()
    assert "已逾期 5 天未换届" in text
    assert "未录入本届任期起止日期</a>" not in text


def test_it_shows_findings_on_the_org_page(tree, users, login, members):
    members(tree.branch, 62)
    page = login(users.secretary).get(f"/orgs/{tree.branch.id}/").content.decode()
    assert "发改委第一党支部 有 62 名党员，超过一般上限 50 名，应考虑分设支部" in page


def test_it_lists_the_rules_with_edit_links_for_the_committee_admin_only(tree, users, login):
    admin_page = login(users.committee_admin).get("/orgs/rules/").content.decode()
    assert "正式党员人数 不少于 7，且班子成员人数 小于 3" in admin_page
    assert f"/orgs/rules/{rule('term-missing').id}/edit/" in admin_page

    leader_page = login(users.leader).get("/orgs/rules/").content.decode()
    assert "任期届满未换届" in leader_page
    assert "/edit/" not in leader_page


def rule_form(found, conditions=None, **changes):
    """What the rule page posts: the rule's fields and one row per condition, plus the three
    empty rows the page always offers."""
    data = {
        "name": found.name,
        "message": found.message,
        "severity": found.severity,
    }
    if found.enabled:
        data["enabled"] = "on"
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not None}
    rows = found.conditions if conditions is None else conditions
    return {**data, **condition_rows(rows, initial=len(found.conditions))}


def condition_rows(rows, *, initial, empty=3) -> dict:
    data = {
        "conditions-TOTAL_FORMS": str(len(rows) + empty),
        "conditions-INITIAL_FORMS": str(initial),
    }
    for i, (metric, op, value) in enumerate([*rows, *[("", "lt", "")] * empty]):
        data.update({f"conditions-{i}-metric": metric, f"conditions-{i}-op": op})
        data[f"conditions-{i}-value"] = str(value)
    return data


def test_it_turns_a_rule_off_on_the_rule_page(tree, users, login):
    client = login(users.committee_admin)
    health_url = f"/orgs/{tree.unit.id}/health/"
    assert "未录入本届任期起止日期" in client.get(health_url).content.decode()

    response = client.post(
        f"/orgs/rules/{rule('term-missing').id}/edit/",
        rule_form(rule("term-missing"), enabled=None),
    )

    assert response.status_code == 302
    assert "未录入本届任期起止日期" not in client.get(health_url).content.decode()
    assert AuditLog.objects.get(action="health_rule.update").changes == {"enabled": [True, False]}


def test_it_changes_a_threshold_on_the_rule_page(tree, users, login, members):
    members(tree.branch, 45)
    client = login(users.committee_admin)
    health_url = f"/orgs/{tree.branch.id}/health/"
    assert "超过一般上限" not in client.get(health_url).content.decode()

    found = rule("branch-too-large")
    client.post(
        f"/orgs/rules/{found.id}/edit/",
        rule_form(
            found,
            conditions=[["members", "gt", 40]],
            message="{name} 有 {members} 名党员，超过 40 名",
        ),
    )

    assert "发改委第一党支部 有 45 名党员，超过 40 名" in client.get(health_url).content.decode()


def test_it_shows_a_chinese_error_for_a_bad_metric_and_keeps_the_typed_conditions(
    tree, users, login
):
    found = rule("branch-too-large")
    response = login(users.committee_admin).post(
        f"/orgs/rules/{found.id}/edit/",
        rule_form(found, [["renshu", "gt", 40]], message="改过的提示语 {name}"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "未知指标“renshu”" in page
    assert 'name="conditions-0-value" value="40"' in page  # the rest of the row stays
    assert "改过的提示语 {name}" in page
    assert rule("branch-too-large").conditions == [["members", "gt", 50]]


def test_it_shows_a_chinese_error_for_a_value_that_is_not_a_number(tree, users, login):
    found = rule("branch-too-large")
    response = login(users.committee_admin).post(
        f"/orgs/rules/{found.id}/edit/", rule_form(found, [["members", "gt", "四十"]])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "数值须为整数" in page
    assert 'value="四十"' in page
    assert rule("branch-too-large").conditions == [["members", "gt", 50]]


@pytest.mark.parametrize("who", ["unit_admin", "leader", "secretary", "member", "outsider"])
def test_it_lets_only_the_committee_admin_open_the_rule_edit_page(tree, users, login, who):
    found = rule("branch-too-large")
    client = login(getattr(users, who))
    assert client.get(f"/orgs/rules/{found.id}/edit/").status_code == 403
    response = client.post(f"/orgs/rules/{found.id}/edit/", rule_form(found, enabled=None))
    assert response.status_code == 403
    assert rule("branch-too-large").enabled


def test_it_shows_the_rule_edit_form_with_the_current_values(tree, users, login):
    found = rule("committee-required")
    page = login(users.committee_admin).get(f"/orgs/rules/{found.id}/edit/").content.decode()
    assert "正式党员 7 名以上须设支部委员会" in page
    assert "full_members" in page and "committee_size" in page


def test_it_answers_404_for_an_unknown_rule(tree, users, login):
    assert login(users.committee_admin).get("/orgs/rules/999999/edit/").status_code == 404


def test_it_checks_a_new_org_of_a_larger_tree(tree, members):
    branch = make_org(tree.far_unit, OrgType.JOINT_BRANCH, "民政局联合支部")
    members(branch, 55)
    assert "民政局联合支部 有 55 名党员，超过一般上限 50 名，应考虑分设支部" in messages(
        tree.committee
    )
