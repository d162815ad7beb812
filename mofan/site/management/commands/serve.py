import os

from django.conf import settings
from django.core.management.base import BaseCommand

from mofan.site.management.commands.demo import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "用 waitress 启动网站（演示与小规模使用；生产环境请用 gunicorn，见 docs/deploy.md）"

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host, port, threads, **options):
        from waitress import serve

        from mofan.wsgi import application

        self.stdout.write(f"模范机关创建管理平台 已启动：http://{host}:{port}/")
        if not settings.PRODUCTION:
            self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
            for username, label, _, _ in DEMO_USERS:
                self.stdout.write(f"  {username:<10} {label}")
        self.stdout.write("按 Ctrl+C 停止。")
        self.stdout.flush()
        serve(application, host=host, port=port, threads=threads, ident="mofan")
