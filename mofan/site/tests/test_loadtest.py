"""The load script's driver against a live server: logged-in clients, reads and writes, no
errors (`mofan loadtest` runs the same driver against gunicorn on a demo database)."""

from datetime import timedelta

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import WSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler
from django.utils import timezone

from mofan.plans import services
from mofan.plans.models import Plan, TaskEvent
from mofan.site.bench.load import run_load
from mofan.site.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


class SerialServerThread(LiveServerThread):
    """A live server answering one request at a time: the test database is SQLite in memory,
    one connection shared with the server thread, which concurrent requests would lock."""

    def _create_server(self, connections_override=None):
        return WSGIServer(
            (self.host, self.port), QuietWSGIRequestHandler, allow_reuse_address=False
        )


@pytest.fixture
def serial_server(transactional_db):
    shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    for connection in shared.values():
        connection.inc_thread_sharing()
    thread = SerialServerThread("127.0.0.1", StaticFilesHandler, connections_override=shared)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()
    for connection in shared.values():
        connection.dec_thread_sharing()


@pytest.fixture
def branch_task(tree, users):
    today = timezone.localdate()
    plan = services.plan_create(
        actor=users.committee_admin,
        org=tree.committee,
        year=today.year,
        kind=Plan.Kind.MASTER,
        title=f"{today.year}年创建模范机关实施方案",
    )
    return services.task_create(
        actor=users.committee_admin,
        plan=plan,
        owner_org=tree.branch,
        title="建立健全理论学习制度",
        start_on=today - timedelta(days=30),
        deadline=today + timedelta(days=30),
    )


def test_two_clients_read_and_write_for_two_seconds_without_errors(
    serial_server, users, branch_task
):
    pages = {
        "secretary": ["/members/", "/plans/tasks/", "/meetings/", "/notifications/"],
        "unitadmin": ["/members/", "/orgs/list/", "/plans/supervision/"],
    }
    lines = []
    report = run_load(
        serial_server,
        ["secretary", "unitadmin"],
        PASSWORD,
        seconds=2,
        clients=2,
        pages=pages,
        writes=0.3,
        log=lines.append,
    )
    assert report.errors == 0, report.error_samples
    assert report.requests >= 4
    assert report.writes >= 1
    assert "次/秒" in report.summary() and "错误 0" in report.summary()
    assert lines == ["已登录 2 个客户端，开始 2 秒的负载 …"]
    # the secretary's writes are progress reports on its branch's task, in the task's timeline
    assert TaskEvent.objects.filter(task=branch_task, kind=TaskEvent.Kind.PROGRESS).exists()
