"""The load script's driver (`mofan loadtest`): logged-in clients that request the main pages of
their role as fast as the server answers (no think time), with a share of writes, for a bounded
time; then requests/s, latency percentiles and errors.

Each client is a thread with its own session (it logs in through the login form like a
browser) and a plain HTTP/1.1 connection from the standard library (http.client), reopened
when the server closes it (gunicorn's sync workers close after every response). The driver
does not know how the server was started: the command starts gunicorn, a test points it at
pytest-django's live_server.
"""

import http.client
import random
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

# The main pages of each demo role, as its menu and workbench lead to them.
ROLE_PAGES = {
    "admin": [
        "/",
        "/members/",
        "/meetings/",
        "/meetings/compliance/",
        "/orgs/list/",
        "/plans/tasks/",
        "/plans/supervision/",
        "/accounts/users/",
        "/notifications/",
    ],
    "danwei": [
        "/",
        "/members/",
        "/meetings/",
        "/plans/tasks/",
        "/plans/supervision/",
        "/orgs/",
        "/notifications/",
    ],
    "shuji": ["/", "/members/", "/meetings/", "/plans/tasks/", "/notifications/"],
    "dangyuan": ["/mine/", "/notifications/"],
    "lingdao": ["/", "/members/", "/meetings/", "/plans/tasks/", "/meetings/compliance/"],
}
WRITE_SHARE = 0.05
TASK_LINK = re.compile(r'href="/plans/tasks/(\d+)/"')
REPORT_FORM = re.compile(r'action="/plans/tasks/(\d+)/report/"')
PROGRESS = re.compile(r'id="task-progress">(\d+)%')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Report:
    seconds: float = 0.0
    clients: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    writes: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    @property
    def median(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0

    def summary(self) -> str:
        return (
            f"{self.clients} 个客户端 · {self.seconds:.1f} 秒 · 请求 {self.requests} 次"
            f"（写 {self.writes} 次）· {self.rate:.1f} 次/秒 · "
            f"p50 {self.median:.0f} ms · p95 {self.percentile(95):.0f} ms · "
            f"p99 {self.percentile(99):.0f} ms · 错误 {self.errors}"
        )


class LoadError(Exception):
    pass


class Session:
    """One logged-in client: cookies, a kept-alive connection, the pages of its role."""

    def __init__(
        self, base_url: str, username: str, pages: list[str], seed: int, writes=WRITE_SHARE
    ):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.username = username
        self.pages = pages
        self.cookies: dict[str, str] = {}
        self.random = random.Random(seed)
        self.connection: http.client.HTTPConnection | None = None
        self.tasks: list[int] = []  # tasks this client may report progress on
        self.write_share = writes

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
            except (ConnectionError, http.client.HTTPException, OSError):
                self.close()
                if attempt == 2:
                    raise
                continue
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return response.status, text
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def csrf(self) -> str:
        return self.cookies.get("csrftoken", "")

    def login(self, password: str) -> None:
        status, page = self.request("GET", "/accounts/login/")
        token = CSRF_INPUT.search(page)
        if status != 200 or token is None:
            raise LoadError(f"{self.username}：登录页返回 {status}")
        form = {"username": self.username, "password": password}
        status, _ = self.request(
            "POST", "/accounts/login/", {**form, "csrfmiddlewaretoken": token[1]}
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise LoadError(f"{self.username}：登录失败（{status}）")

    def find_tasks(self) -> None:
        """The tasks whose pages offer this user the progress report form (at most 5)."""
        status, page = self.request("GET", "/plans/tasks/")
        if status != 200:
            return
        for task_id in list(dict.fromkeys(TASK_LINK.findall(page)))[:20]:
            status, detail = self.request("GET", f"/plans/tasks/{task_id}/")
            if status == 200 and REPORT_FORM.search(detail) and PROGRESS.search(detail):
                self.tasks.append(int(task_id))
            if len(self.tasks) >= 5:
                return

    def step(self, report: Report, lock: threading.Lock) -> None:
        """One request: a page of the role, or (WRITE_SHARE of the time) a write."""
        write = self.random.random() < self.write_share
        started = time.perf_counter()
        if write and self.tasks:
            status, expected = self._report_progress(), 302
        elif write:
            body = {"csrfmiddlewaretoken": self.csrf(), "next": "/notifications/"}
            status, expected = self.request("POST", "/notifications/read/", body)[0], 302
        else:
            path = self.random.choice(self.pages)
            status, expected = self.request("GET", path)[0], 200
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            report.latencies_ms.append(elapsed)
            report.statuses[status] = report.statuses.get(status, 0) + 1
            report.writes += write
            if status != expected:
                report.errors += 1
                if len(report.error_samples) < 10:
                    report.error_samples.append(
                        f"{self.username} {'写' if write else '读'} → {status}"
                    )

    def _report_progress(self) -> int:
        """Reports progress on one of its tasks at the percentage it already has (the service
        refuses a lower one; 100 would submit it for acceptance): a real write with its audit
        row and timeline event. The task page read for the percentage is not counted."""
        task_id = self.random.choice(self.tasks)
        _, page = self.request("GET", f"/plans/tasks/{task_id}/")
        progress = PROGRESS.search(page)
        percent = min(int(progress[1]) if progress else 0, 99)
        body = {
            "csrfmiddlewaretoken": self.csrf(),
            "text": "负载测试：按计划推进",
            "percent": percent,
        }
        return self.request("POST", f"/plans/tasks/{task_id}/report/", body)[0]


def run_load(
    base_url: str,
    users: list[str],
    password: str,
    *,
    seconds: float,
    clients: int,
    pages: dict[str, list[str]] | None = None,
    writes: float = WRITE_SHARE,
    log=print,
) -> Report:
    """Logs in `clients` sessions (the users in turn), then drives them for `seconds`."""
    pages = pages or ROLE_PAGES
    sessions = [
        Session(base_url, name, pages.get(name, ["/"]), seed=i, writes=writes)
        for i, name in ((i, users[i % len(users)]) for i in range(clients))
    ]
    failures: list[str] = []

    def prepare(session: Session) -> None:
        try:
            session.login(password)
            session.find_tasks()
        except (LoadError, OSError, http.client.HTTPException) as error:
            failures.append(str(error))

    # A few at a time: each login hashes a password (about a CPU second on a busy machine),
    # and 50 at once would outlast the connection timeout.
    _in_threads(sessions, prepare, at_once=4)
    if failures:
        raise LoadError("；".join(failures[:5]))
    log(f"已登录 {len(sessions)} 个客户端，开始 {seconds:g} 秒的负载 …")
    report = Report(clients=clients)
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def drive(session: Session) -> None:
        while time.perf_counter() < deadline:
            try:
                session.step(report, lock)
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    report.errors += 1
                    if len(report.error_samples) < 10:
                        report.error_samples.append(f"{session.username}：{error!r}")
        session.close()

    started = time.perf_counter()
    _in_threads(sessions, drive)
    report.seconds = time.perf_counter() - started
    return report


def _in_threads(sessions: list[Session], work, at_once: int | None = None) -> None:
    gate = threading.Semaphore(at_once or len(sessions))

    def gated(session: Session) -> None:
        with gate:
            work(session)

    threads = [threading.Thread(target=gated, args=(s,), daemon=True) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
