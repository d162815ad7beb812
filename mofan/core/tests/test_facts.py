"""The facts registry and the sub-tree roll-up, on made-up facts (no database): counts are
summed up the tree by path prefix, rates by their numerators and denominators."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from mofan.core import facts as registry
from mofan.core.facts import (
    fact,
    facts,
    for_each,
    percent,
    reference_day,
    register_fact,
    register_rate,
    rollup,
)
from mofan.core.periods import Span

# root ── a ── a1
#      │    └─ a2
#      └─ b
TREE = [(1, "0001"), (2, "00010001"), (3, "000100010001"), (4, "000100010002"), (5, "00010002")]
SPAN = Span.year(2026)


@pytest.fixture(autouse=True)
def empty_registry(monkeypatch):
    monkeypatch.setattr(registry, "_registry", {})


@pytest.fixture
def meetings_held():
    held = {1: 1, 2: 2, 3: 3, 4: 0, 5: 4}

    @register_fact("test.held", "召开会议", "次", module="meetings")
    def compute(*, org_ids, span, as_of=None):
        return for_each(org_ids, held)

    return compute


@pytest.fixture
def attendance():
    present_expected = {1: (0, 0), 2: (1, 2), 3: (9, 10), 4: (0, 0), 5: (3, 4)}

    @register_rate("test.attendance", "出席率", numerator="出席人次", denominator="应到人次")
    def parts(*, org_ids, span, as_of=None):
        return {org_id: present_expected[org_id] for org_id in org_ids}

    return parts


def test_it_lists_and_finds_registered_facts(meetings_held, attendance):
    assert [f.code for f in facts()] == ["test.attendance", "test.held"]  # by module, then code
    held = fact("test.held")
    assert (held.label, held.unit, held.module, held.is_rate) == (
        "召开会议",
        "次",
        "meetings",
        False,
    )
    rate = fact("test.attendance")
    assert (rate.unit, rate.is_rate, rate.numerator, rate.denominator) == (
        "%",
        True,
        "出席人次",
        "应到人次",
    )
    assert rate.module == "core"  # taken from the module that defines it


def test_it_answers_a_lookup_of_an_unknown_code_in_chinese():
    with pytest.raises(LookupError, match="没有编码为“nope”的统计指标"):
        fact("nope")


def test_it_refuses_a_unit_outside_the_list():
    with pytest.raises(ValueError, match="unit"):
        register_fact("test.bad", "坏指标", "kg")(lambda **_: {})


def test_it_refuses_one_code_for_two_different_facts(meetings_held):
    with pytest.raises(ValueError, match="twice"):
        register_fact("test.held", "另一个指标", "次")(lambda **_: {})


def test_a_fact_answers_for_every_org_asked_about(meetings_held, attendance):
    assert fact("test.held")(org_ids=[4, 5], span=SPAN) == {4: 0, 5: 4}
    rates = fact("test.attendance")(org_ids=[1, 3, 5], span=SPAN)
    assert rates == {1: None, 3: Decimal("90.0"), 5: Decimal("75.0")}


def test_it_sums_a_count_over_each_sub_tree(meetings_held):
    assert rollup("test.held", orgs=TREE, span=SPAN) == {1: 10, 2: 5, 3: 3, 4: 0, 5: 4}
    assert rollup("test.held", orgs=TREE, span=SPAN, roots=[2]) == {2: 5}


def test_it_rolls_a_rate_up_by_its_parts_not_by_averaging_rates(attendance):
    rates = rollup("test.attendance", orgs=TREE, span=SPAN)
    # a: (1 + 9 + 0) / (2 + 10 + 0), not the mean of 50 % and 90 %
    assert rates[2] == Decimal("83.3")
    assert rates[1] == Decimal("81.3")  # 13 / 16
    assert rates[4] is None  # nothing expected anywhere below
    assert rollup("test.attendance", orgs=TREE, span=SPAN, roots=[5]) == {5: Decimal("75.0")}


def test_it_refuses_to_roll_a_count_up_as_a_rate_or_a_rate_as_a_sum(meetings_held, attendance):
    with pytest.raises(ValueError):
        rollup("test.held", orgs=TREE, span=SPAN, how="rate")
    with pytest.raises(ValueError):
        rollup("test.attendance", orgs=TREE, span=SPAN, how="sum")


def test_it_sums_amounts_as_decimals():
    @register_fact("test.paid", "实缴", "元")
    def paid(*, org_ids, span, as_of=None):
        return for_each(org_ids, {3: Decimal("10.50"), 4: Decimal("0.25")}, Decimal("0.00"))

    assert rollup("test.paid", orgs=TREE, span=SPAN, roots=[1, 2, 5]) == {
        1: Decimal("10.75"),
        2: Decimal("10.75"),
        5: 0,
    }


def test_a_percent_rounds_half_up_to_one_place_and_is_none_without_a_denominator():
    assert percent(1, 3) == Decimal("33.3")
    assert percent(2, 3) == Decimal("66.7")
    assert percent(1, 8) == Decimal("12.5")
    assert percent(0, 0) is None


@time_machine.travel(date(2026, 5, 20), tick=False)
def test_states_are_read_on_the_span_end_or_today_while_it_runs():
    assert reference_day(Span.year(2025), None) == date(2025, 12, 31)
    assert reference_day(Span.year(2026), None) == date(2026, 5, 20)
    assert reference_day(Span.year(2026), date(2026, 3, 1)) == date(2026, 3, 1)


def test_inside_shared_work_a_costly_step_runs_once_per_key_and_outside_every_time():
    runs = []

    def work(key):
        runs.append(key)
        return len(runs)

    assert registry.reuse("a", lambda: work("a")) == 1
    assert registry.reuse("a", lambda: work("a")) == 2  # nothing kept outside a block
    with registry.shared_work():
        first = registry.reuse("a", lambda: work("a"))
        assert registry.reuse("a", lambda: work("a")) == first
        assert registry.reuse("b", lambda: work("b")) == first + 1
    assert registry.reuse("a", lambda: work("a")) == first + 2
    assert runs == ["a", "a", "a", "b", "a"]
