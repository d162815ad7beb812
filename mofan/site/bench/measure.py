"""Timing of the bench operations: wall-clock and process CPU time per run, and query counts."""

import statistics
import time
from collections.abc import Callable, Sized
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection
from django.template import Template
from django.test import Client
from django.test.utils import instrumented_test_render

from mofan.accounts.models import User
from mofan.accounts.services import token_create
from mofan.core.access import SYSTEM

TARGET_MS = 100


@dataclass
class Operation:
    """A measured read. Heavy ones (exports, whole-tree scans) set fewer `runs` and no warm-up:
    the run that counts the queries warms them up."""

    name: str
    call: Callable[[], object]
    target_ms: float = TARGET_MS
    runs: int | None = None  # at most this many timed runs (None: the command's --runs)
    warmup: int = 2
    # The floor (`mofan bench --floor`): the minimal SQL (a raw cursor, or the thinnest
    # values() query) that returns the same rows, in the same order, with the same counts as
    # the page or API shows, assembled into plain tuples; it returns the rows shown.
    floor: Callable[[], Sized] | None = None
    # How many rows the operation shows, from what `call` returns (a page's context, an API's
    # JSON, a list); compared with len(floor()).
    shown: Callable[[object], int] | None = None


@dataclass
class Result:
    name: str
    times_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    queries: int = 0
    target_ms: float = TARGET_MS
    note: str = ""
    limits_met: bool = True  # limits other than time (the import's memory)
    floor_ms: list[float] = field(default_factory=list)
    floor_queries: int = 0
    rows: int | None = None  # rows the operation shows
    floor_rows: int | None = None  # rows its floor returns

    @property
    def floor_median(self) -> float | None:
        return statistics.median(self.floor_ms) if self.floor_ms else None

    @property
    def ratio(self) -> float | None:
        floor = self.floor_median
        return self.median / floor if floor else None

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu_ms)

    @property
    def p90(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]

    @property
    def met(self) -> bool:
        return self.median < self.target_ms and self.limits_met


def client_for(user: User, *, token: bool = False) -> Client:
    if token:
        _, plain = token_create(actor=SYSTEM, user=user, name="bench")
        return Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    client = Client()
    client.force_login(user)
    return client


def get(client: Client, url: str, expect: int = 200):
    def call():
        response = client.get(url)
        if response.status_code != expect:
            raise AssertionError(f"GET {url} → {response.status_code}, expected {expect}")
        return response

    return call


class QueryCounter:
    """Counts the statements sent to the database (an execute wrapper: no cap, no SQL kept)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def count_queries(call: Callable[[], object]) -> int:
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        call()
    return counter.count


@contextmanager
def rendered_contexts():
    """Template contexts on the test client's responses (`response.context`), as under the
    test runner, for the calls inside the block only (the timed runs render uninstrumented)."""
    if Template._render is instrumented_test_render:
        yield
        return
    original = Template._render
    Template._render = instrumented_test_render
    try:
        yield
    finally:
        Template._render = original


def shown_rows(operation: Operation) -> int | None:
    """The number of rows the operation shows (one extra, untimed call)."""
    if operation.shown is None:
        return None
    with rendered_contexts():
        return operation.shown(operation.call())


def measure(operation: Operation, runs: int, *, floor: bool = False) -> Result:
    for _ in range(operation.warmup):
        operation.call()
    result = Result(
        operation.name, queries=count_queries(operation.call), target_ms=operation.target_ms
    )
    count = min(runs, operation.runs or runs)
    result.times_ms, result.cpu_ms = _timed(operation.call, count)
    if floor and operation.floor is not None:
        for _ in range(operation.warmup):
            operation.floor()
        result.floor_queries = count_queries(operation.floor)
        result.floor_ms, _ = _timed(operation.floor, count)
        result.rows = shown_rows(operation)
        result.floor_rows = len(operation.floor())
    return result


def _timed(call: Callable[[], object], runs: int) -> tuple[list[float], list[float]]:
    wall, cpu = [], []
    for _ in range(runs):
        start, started_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu
