from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mofan.accounts.models import ApiToken, User
from mofan.accounts.services import token_create, token_revoke
from mofan.core.access import COMMAND_LINE
from mofan.core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "API 令牌：mofan token create 用户名 [--name 用途] [--days 天数]；mofan token revoke 前缀"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="为用户创建令牌（令牌在最后一行输出，只显示一次）")
        create.add_argument("username")
        create.add_argument("--name", default="命令行创建")
        create.add_argument(
            "--days", type=int, default=None, help="有效天数（1–3650，默认取 MOFAN_TOKEN_DAYS）"
        )
        revoke = sub.add_parser("revoke", help="按前缀吊销令牌")
        revoke.add_argument("prefix")

    def handle(self, *args, action, **options):
        if action == "create":
            self._create(options["username"], options["name"], options["days"])
        else:
            self._revoke(options["prefix"])

    def _create(self, username, name, days):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户“{username}”不存在或已停用")
        try:
            token, plain = token_create(actor=COMMAND_LINE, user=user, name=name, days=days)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        expires = timezone.localtime(token.expires_at).strftime("%Y-%m-%d")
        self.stdout.write(
            f"已为 {user.username} 创建令牌“{token.name}”（有效期至 {expires}），"
            "请妥善保存，它不会再次显示："
        )
        self.stdout.write(plain)

    def _revoke(self, prefix):
        tokens = list(ApiToken.objects.filter(prefix__startswith=prefix, revoked_at__isnull=True))
        if len(tokens) != 1:
            raise CommandError(f"前缀“{prefix}”对应 {len(tokens)} 个有效令牌，需恰好 1 个")
        token_revoke(actor=COMMAND_LINE, token=tokens[0])
        self.stdout.write(f"已吊销令牌 {tokens[0]}")
