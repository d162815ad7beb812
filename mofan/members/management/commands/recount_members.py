from django.core.management.base import BaseCommand
from django.db import transaction

from mofan.members.counts import members_recount_all


class Command(BaseCommand):
    help = "按党员记录重新统计各组织的党员数（修复组织树和组织列表显示的人数）"

    @transaction.atomic
    def handle(self, *args, **options):
        wrong = members_recount_all()
        if wrong:
            self.stdout.write(f"已修正 {wrong} 个组织的党员数")
        else:
            self.stdout.write("各组织的党员数均正确，无需修正")
