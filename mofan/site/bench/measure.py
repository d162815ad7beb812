"""Timing of the bench operations: wall-clock and process CPU time per run, and query counts."""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client

from mofan.accounts.models import User
from mofan.accounts.services import token_create

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


@dataclass
class Result:
    name: str
    times_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    queries: int = 0
    target_ms: float = TARGET_MS
    note: str = ""
    limits_met: bool = True  # limits other than time (the import's memory)

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
        _, plain = token_create(actor=None, user=user, name="bench")
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


def measure(operation: Operation, runs: int) -> Result:
    for _ in range(operation.warmup):
        operation.call()
    result = Result(
        operation.name, queries=count_queries(operation.call), target_ms=operation.target_ms
    )
    for _ in range(min(runs, operation.runs or runs)):
        start, cpu = time.perf_counter(), time.process_time()
        operation.call()
        result.times_ms.append((time.perf_counter() - start) * 1000)
        result.cpu_ms.append((time.process_time() - cpu) * 1000)
    return result
