import secrets

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mofan.accounts.models import User
from mofan.accounts.services import grant_create
from mofan.core.access import SETUP, Role
from mofan.core.errors import ApplicationError
from mofan.orgs.models import Org, OrgType
from mofan.orgs.services import org_create


class Command(BaseCommand):
    help = "新系统初始化：建立顶层机关工委，并指定第一位工委管理员"

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="机关工委的组织编码")
        parser.add_argument("--name", required=True, help="机关工委全称")
        parser.add_argument("--admin", required=True, help="工委管理员的用户名（不存在则新建）")

    @transaction.atomic
    def handle(self, *args, code, name, admin, **options):
        if Org.objects.filter(depth=1).exists():
            raise CommandError("系统中已有顶层组织，无需再初始化")
        try:
            root = org_create(
                actor=SETUP, parent=None, code=code, name=name, org_type=OrgType.WORKING_COMMITTEE
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        user = User.objects.filter(username=admin).first()
        temporary = None
        if user is None:
            temporary = "Mf-" + secrets.token_urlsafe(9)
            user = User(username=admin, must_change_password=True)
            user.set_password(temporary)
            user.save()
        grant_create(actor=SETUP, user=user, role=Role.COMMITTEE_ADMIN, org=root)
        self.stdout.write(f"已建立“{root.name}”，{user.username} 为工委管理员。")
        if temporary:
            self.stdout.write(f"临时密码（首次登录须修改）：{temporary}")
