"""`mofan loadtest`: gunicorn with 2 workers on a demo database, 50 logged-in clients driving
the main pages of the demo roles with 5% writes and no think time, for a bounded time; prints
requests/s, p50/p95/p99 and the errors.

The database is the configured one: SQLite by default (a throw-away demo database in a
temporary folder, or `--data-dir` to keep and reuse one), PostgreSQL with DATABASE_URL (the
demo data is loaded there if it has no orgs yet: point it at a database made for the test,
never at real data). The clients run in this process (threads, mofan.site.bench.load), so
they share the machine's cores with the server: on a small machine part of the CPU goes to
them.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mofan.site.bench.load import ROLE_PAGES, LoadError, run_load
from mofan.site.management.commands.demo import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "负载测试：用 gunicorn（2 个进程）在演示数据库上运行，50 个已登录客户端无间隔访问各角色主要页面（5% 写操作），打印每秒请求数、p50/p95/p99 和错误数"

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=60, help="持续秒数（默认 60）")
        parser.add_argument("--clients", type=int, default=50, help="客户端数（默认 50）")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn 进程数（默认 2）")
        parser.add_argument(
            "--data-dir",
            help="SQLite 演示数据库所在目录（默认临时目录，结束后删除；给出时保留并复用）",
        )
        parser.add_argument("--port", type=int, default=0, help="端口（默认任选一个空闲端口）")

    def handle(self, *args, seconds, clients, workers, data_dir, port, **options):
        if seconds <= 0 or clients < 1 or workers < 1:
            raise CommandError("--seconds 须大于 0，--clients、--workers 至少为 1")
        workdir = Path(data_dir) if data_dir else Path(tempfile.mkdtemp(prefix="mofan-load-"))
        workdir.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "MOFAN_DATA_DIR": str(workdir),
            "DJANGO_SETTINGS_MODULE": "mofan.settings",
        }
        env.pop("MOFAN_ENV", None)  # the demo accounts and plain http (no HTTPS redirect)
        database = "PostgreSQL" if env.get("DATABASE_URL") else f"SQLite（{workdir}）"
        try:
            self.stdout.write(f"准备演示数据库：{database} …")
            self.manage(env, "migrate", "--noinput")
            self.manage(env, "demo", "--if-empty")
            port = port or free_port()
            server = self.start_gunicorn(env, port, workers)
            try:
                report = run_load(
                    f"http://127.0.0.1:{port}",
                    [username for username, *_ in DEMO_USERS if username in ROLE_PAGES],
                    DEMO_PASSWORD,
                    seconds=seconds,
                    clients=clients,
                    log=self.stdout.write,
                )
            except LoadError as error:
                raise CommandError(f"负载测试未能开始：{error}") from error
            finally:
                stop(server)
        finally:
            if not data_dir:
                shutil.rmtree(workdir, ignore_errors=True)
        self.stdout.write(f"gunicorn {workers} 个进程 · {database}")
        self.stdout.write(report.summary())
        codes = "，".join(f"{code}: {n}" for code, n in sorted(report.statuses.items()))
        self.stdout.write(f"状态码：{codes}")
        for sample in report.error_samples:
            self.stdout.write(self.style.WARNING(f"  {sample}"))
        if report.errors:
            raise CommandError(f"有 {report.errors} 个错误")

    def manage(self, env: dict, *arguments: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "mofan.cli", *arguments],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise CommandError(f"mofan {' '.join(arguments)} 失败：{done.stderr[-2000:]}")

    def start_gunicorn(self, env: dict, port: int, workers: int) -> subprocess.Popen:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "mofan.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--backlog",
            "2048",
            # Imported once before the workers fork, and a generous worker timeout: on a busy
            # machine a worker's first request (imports, template engine) outlasted 30 s.
            "--preload",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ]
        server = subprocess.Popen(command, env=env)
        wait_for_port(port, server)
        self.stdout.write(f"gunicorn 已启动：http://127.0.0.1:{port}/（{workers} 个进程）")
        return server


def stop(server: subprocess.Popen) -> None:
    """Ends gunicorn: gracefully, or killed when its workers are still busy after 30 s with
    requests queued at the end of the run."""
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError(f"gunicorn 启动失败（退出码 {server.returncode}）")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise CommandError("gunicorn 未能在 30 秒内启动")
