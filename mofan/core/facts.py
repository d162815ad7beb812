"""Facts: read-only numbers per org over a period, named by a code.

A fact has no actor: `compute(*, org_ids, span, as_of=None) -> {org_id: value}` answers for
every org asked about (0 when there is nothing to count, None when a rate has nothing to
divide); the caller has already checked scope. Each app registers its facts in its own
facts.py at start-up, so assessment indicators and statistics name a fact by code without
importing the app that owns it.

A rate is registered by its parts, `{org_id: (numerator, denominator)}`: a sub-tree's rate is
the sum of the numerators over the sum of the denominators, never an average of averages.
"""

from collections.abc import Callable, Hashable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from mofan.core.periods import Span

UNITS = ("次", "人", "%", "元", "学时", "个", "项")
SUM, RATE = "sum", "rate"
PERCENT_PLACES = Decimal("0.1")

Number = int | Decimal
Value = Number | None
Compute = Callable[..., dict[int, Value]]
Parts = Callable[..., dict[int, tuple[Number, Number]]]
Records = Callable[[int, Span], str]  # (org id, span) → the list page of what was counted


@dataclass(frozen=True)
class Fact:
    code: str
    label: str
    unit: str
    module: str
    compute: Compute
    parts: Parts | None = None  # rates only
    numerator: str = ""  # rates only: what is counted above the line (出席人次)
    denominator: str = ""  # … and below it (应到人次)
    records: Records | None = None

    @property
    def is_rate(self) -> bool:
        return self.parts is not None

    def __call__(self, *, org_ids: Iterable[int], span: Span, as_of: date | None = None):
        return self.compute(org_ids=list(org_ids), span=span, as_of=as_of)


_registry: dict[str, Fact] = {}


def _module_of(function) -> str:
    """`mofan.meetings.facts` → `meetings`."""
    parts = function.__module__.split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "mofan" else function.__module__


def _add(new: Fact) -> None:
    if new.unit not in UNITS:
        raise ValueError(f"fact {new.code}: unit {new.unit!r} is not one of {UNITS}")
    old = _registry.get(new.code)
    same = old is not None and (old.label, old.unit, old.module) == (
        new.label,
        new.unit,
        new.module,
    )
    if old is not None and not same:
        raise ValueError(f"fact {new.code} registered twice with different definitions")
    _registry[new.code] = new


def register_fact(
    code: str, label: str, unit: str, *, module: str | None = None, records: Records | None = None
):
    """Decorator: register `compute` under `code` with its Chinese label and unit; `records`
    gives the address of the list page that shows what it counts for an org and a span."""

    def decorate(compute: Compute) -> Compute:
        _add(Fact(code, label, unit, module or _module_of(compute), compute, records=records))
        return compute

    return decorate


def register_rate(
    code: str,
    label: str,
    *,
    numerator: str,
    denominator: str,
    module: str | None = None,
    records: Records | None = None,
):
    """Decorator: register a percentage by its parts function, which returns
    `{org_id: (numerator, denominator)}`."""

    def decorate(parts: Parts) -> Parts:
        def compute(*, org_ids, span, as_of=None):
            answers = parts(org_ids=org_ids, span=span, as_of=as_of)
            return {org_id: percent(*answers[org_id]) for org_id in answers}

        _add(
            Fact(
                code,
                label,
                "%",
                module or _module_of(parts),
                compute,
                parts=parts,
                numerator=numerator,
                denominator=denominator,
                records=records,
            )
        )
        return parts

    return decorate


_shared: ContextVar[dict | None] = ContextVar("facts_shared_work", default=None)


@contextmanager
def shared_work():
    """Within the block, facts that rest on the same costly computation (the compliance
    rates of each kind of meeting over the same orgs and span) do it once. Outside a block
    nothing is kept, so a fact never answers from records older than its call."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def reuse(key: Hashable, work: Callable):
    """`work()`, or inside `shared_work()` the answer it already gave for `key`."""
    memo = _shared.get()
    if memo is None:
        return work()
    if key not in memo:
        memo[key] = work()
    return memo[key]


def facts() -> list[Fact]:
    """Every registered fact, by module then code."""
    return sorted(_registry.values(), key=lambda f: (f.module, f.code))


def fact(code: str) -> Fact:
    try:
        return _registry[code]
    except KeyError:
        raise LookupError(f"没有编码为“{code}”的统计指标") from None


def records_url(code: str, *, org_id: int, span: Span) -> str:
    """The list page of the records a fact counts for the org's sub-tree, or "" if it has none."""
    found = _registry.get(code)
    return found.records(org_id, span) if found and found.records else ""


def percent(numerator: Number, denominator: Number) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(100) * numerator / denominator).quantize(PERCENT_PLACES, ROUND_HALF_UP)


def reference_day(span: Span, as_of: date | None) -> date:
    """The day a state (overdue, unanswered, on the roll) is read on: `as_of` if given, else
    the span's last day, or today while the span is still running."""
    return as_of or min(span.last, timezone.localdate())


def for_each(org_ids: Iterable[int], found: dict[int, Value], default: Value = 0):
    """One answer per org asked about: the orgs the query found nothing for get `default`."""
    return {org_id: found.get(org_id, default) for org_id in org_ids}


def rollup(
    code: str,
    *,
    orgs: Iterable[tuple[int, str]],
    span: Span,
    as_of: date | None = None,
    roots: Iterable[int] | None = None,
    how: str | None = None,
) -> dict[int, Value]:
    """A fact summed over sub-trees: for each root, the org and everything below it.

    `orgs` are (id, materialised path) rows covering every org of the sub-trees; the fact is
    computed once for all of them, then each value is added to every root whose path is a
    prefix of its org's path. `how` is "sum" for counts and "rate" for rates (the default
    follows the fact)."""
    the_fact = fact(code)
    how = how or (RATE if the_fact.is_rate else SUM)
    if how not in (SUM, RATE) or (how == RATE) != the_fact.is_rate:
        raise ValueError(f"fact {code} cannot be rolled up as {how!r}")
    rows = list(orgs)
    path_of = dict(rows)
    wanted = {path_of[root]: root for root in (path_of if roots is None else roots)}
    ids = [org_id for org_id, _ in rows]
    if how == RATE:
        parts = the_fact.parts(org_ids=ids, span=span, as_of=as_of)
        numerators = _sum_up(rows, {k: v[0] for k, v in parts.items()}, wanted)
        denominators = _sum_up(rows, {k: v[1] for k, v in parts.items()}, wanted)
        return {
            root: percent(numerators.get(root, 0), denominators.get(root, 0))
            for root in wanted.values()
        }
    totals = _sum_up(rows, the_fact(org_ids=ids, span=span, as_of=as_of), wanted)
    return {root: totals.get(root, 0) for root in wanted.values()}


def _sum_up(rows, values: dict[int, Value], wanted: dict[str, int]) -> dict[int, Number]:
    """Each org's value added to every wanted ancestor-or-self; any path prefix can be a
    wanted path, so this works whatever the tree's step length."""
    totals: dict[int, Number] = {}
    for org_id, path in rows:
        value = values.get(org_id)
        if not value:
            continue
        for end in range(1, len(path) + 1):
            root = wanted.get(path[:end])
            if root is not None:
                totals[root] = totals.get(root, 0) + value
    return totals
