"""`mofan demo`: a city organ working committee with about 70 units, idempotent."""

import random
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from mofan.accounts.models import User
from mofan.accounts.services import grant_create
from mofan.appraisal.demo import build_demo_appraisal
from mofan.assessment.demo import build_demo_assessment
from mofan.brands.demo import build_demo_brands
from mofan.core.access import DEMO, Role
from mofan.core.dates import add_years
from mofan.core.housekeeping import refresh_query_statistics
from mofan.meetings.demo import build_demo_meetings
from mofan.members.demo import (
    build_demo_candidates,
    build_demo_dues,
    build_demo_member_accounts,
    build_demo_members,
)
from mofan.members.logins import member_user_link
from mofan.members.models import Member
from mofan.orgs.models import BRANCH_TYPES, CommitteePost, CommitteeSeat, Org, OrgType
from mofan.orgs.services import committee_seat_add, org_create
from mofan.plans.demo import build_demo_plans

DEMO_PASSWORD = "Mofan@2026"
ROOT_CODE = "SZJG"
# (username, description, role, code of the org the grant covers)
DEMO_USERS = [
    ("admin", "工委管理员（市直机关工委）", Role.COMMITTEE_ADMIN, ROOT_CODE),
    ("danwei", "单位管理员（市发改委机关党委）", Role.UNIT_ADMIN, "SZJG-001"),
    ("shuji", "支部书记（市发改委机关第一党支部）", Role.SECRETARY, "SZJG-001-01"),
    ("dangyuan", "党员（市发改委机关第一党支部）", Role.MEMBER, "SZJG-001-01"),
    ("lingdao", "领导，只读（市直机关工委）", Role.LEADER, ROOT_CODE),
]
DEMO_NAMES = {
    "admin": "王建华",
    "danwei": "李晓梅",
    "shuji": "张伟",
    "dangyuan": "刘洋",
    "lingdao": "陈国强",
}

UNITS = [
    "市发改委",
    "市教育局",
    "市科技局",
    "市工信局",
    "市公安局",
    "市民政局",
    "市司法局",
    "市财政局",
    "市人社局",
    "市自然资源局",
    "市生态环境局",
    "市住建局",
    "市交通运输局",
    "市水务局",
    "市农业农村局",
    "市商务局",
    "市文旅局",
    "市卫健委",
    "市退役军人局",
    "市应急管理局",
    "市审计局",
    "市国资委",
    "市市场监管局",
    "市体育局",
    "市统计局",
    "市医保局",
    "市林业局",
    "市城管局",
    "市信访局",
    "市机关事务局",
    "市金融办",
    "市数据局",
    "市粮食和储备局",
    "市人防办",
    "市政府办公室",
    "市委办公室",
    "市纪委监委机关",
    "市委组织部",
    "市委宣传部",
    "市委统战部",
    "市委政法委",
    "市委政研室",
    "市委网信办",
    "市委编办",
    "市委老干部局",
    "市人大常委会机关",
    "市政协机关",
    "市中级人民法院",
    "市人民检察院",
    "市总工会",
    "团市委",
    "市妇联",
    "市科协",
    "市文联",
    "市侨联",
    "市残联",
    "市红十字会",
    "市社科联",
    "市档案馆",
    "市委党校",
    "市供销社",
    "市气象局",
    "市税务局",
    "市公积金中心",
    "市行政审批局",
    "市住房保障中心",
    "市投资促进局",
    "市外办",
    "市地方志办",
    "市民宗委",
]
BRANCH_NAMES = ["办公室", "综合", "业务一处", "业务二处", "规划", "法规", "离退休干部"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志文斌海燕晨宇婷欣"


class Command(BaseCommand):
    help = "载入演示数据：市直机关工委及约 70 个单位的党组织、班子、任期和演示账号（可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="数据库中已有组织时什么也不做")

    def handle(self, *args, if_empty=False, **options):
        if if_empty and Org.objects.exists():
            self.stdout.write("数据库中已有数据，跳过演示数据。")
            return
        with transaction.atomic():
            created = build_demo_tree(timezone.localdate())
            members = build_demo_members(timezone.localdate())
            create_demo_users()
            build_demo_candidates(timezone.localdate())  # admits a few members too
            accounts = build_demo_member_accounts(make_password(DEMO_PASSWORD))
            build_demo_dues(timezone.localdate())
            meetings = build_demo_meetings(timezone.localdate())
            tasks = build_demo_plans(timezone.localdate())
            assessments = build_demo_assessment(timezone.localdate())
            appraisals = build_demo_appraisal(timezone.localdate())
            brands = build_demo_brands(timezone.localdate())
        refresh_query_statistics()
        self.stdout.write(
            f"演示数据已就绪：新建组织 {created} 个，共 {Org.objects.count()} 个；新增党员 {members} 名（开通账号 {accounts} 个）；组织生活记录 {meetings} 条；任务 {tasks} 项；考核 {assessments} 次；述职评议 {appraisals} 次；四强党支部和党建品牌申报 {brands} 项。"
        )
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, label, _, _ in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {label}")
        self.stdout.write("  每名演示党员另有账号 dy + 6 位记录号（如 dy000001），密码相同。")


COMMITTEE_POSTS = [
    CommitteePost.SECRETARY,
    CommitteePost.ORGANISATION,
    CommitteePost.PUBLICITY,
    CommitteePost.DISCIPLINE,
    CommitteePost.DEPUTY_SECRETARY,
]
SHORT_SUFFIX = {
    OrgType.WORKING_COMMITTEE: "",
    OrgType.ORGAN_COMMITTEE: "机关党委",
    OrgType.GENERAL_BRANCH: "机关党总支",
}


def short_name_of(name: str, org_type: str, unit: str) -> str:
    if org_type in SHORT_SUFFIX:
        return unit + SHORT_SUFFIX[org_type]
    return name.replace(unit, "", 1)


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))


def demo_term(today: date, rng: random.Random, years: int, index: int) -> tuple[date, date]:
    """Most terms are mid-way; a few end within 90 days; one (index 7) is overdue."""
    if index == 7:
        end = today - timedelta(days=45)
    elif index % 17 == 3:
        end = today + timedelta(days=20 + index % 60)
    else:
        end = today + timedelta(days=200 + rng.randint(0, 700))
    return add_years(end, -years), end


class TreeBuilder:
    """Creates orgs through the service, skipping codes that already exist."""

    def __init__(self, today: date):
        self.today = today
        self.existing = {o.code: o for o in Org.objects.all()}
        self.created = 0

    def term(self, rng: random.Random, years: int, index: int) -> tuple[date, date]:
        return demo_term(self.today, rng, years, index)

    def org(self, parent, code, name, org_type, unit, index, years=3, committee=0):
        if code in self.existing:
            return self.existing[code]
        rng = random.Random(code)  # the same org gets the same data on every run
        start, end = (
            self.term(rng, years, index) if org_type != OrgType.PARTY_GROUP else (None, None)
        )
        org = org_create(
            actor=DEMO,
            parent=parent,
            code=code,
            name=name,
            short_name=short_name_of(name, org_type, unit),
            org_type=org_type,
            unit=unit,
            established_on=date(2000 + index % 20, 1 + index % 12, 1),
            sort_order=index,
            term_start=start,
            term_end=end,
        )
        # Branch committees are chosen from the branch's members once they exist (members demo).
        seats = 0 if org_type in BRANCH_TYPES else committee
        for order, post in enumerate(COMMITTEE_POSTS[:seats]):
            committee_seat_add(
                actor=DEMO, org=org, name=person_name(rng), post=post, sort_order=order
            )
        self.existing[code] = org
        self.created += 1
        return org


def build_demo_tree(today: date) -> int:
    builder = TreeBuilder(today)
    root = builder.org(
        None,
        ROOT_CODE,
        "中共XX市直属机关工作委员会",
        OrgType.WORKING_COMMITTEE,
        "市直机关工委",
        0,
        5,
        5,
    )
    for number, unit in enumerate(UNITS, start=1):
        code = f"{ROOT_CODE}-{number:03d}"
        big = number <= 20
        rng = random.Random(code)
        if big:
            top = builder.org(
                root, code, f"中共{unit}机关委员会", OrgType.ORGAN_COMMITTEE, unit, number, 5, 5
            )
        else:
            top = builder.org(
                root,
                code,
                f"中共{unit}机关总支部委员会",
                OrgType.GENERAL_BRANCH,
                unit,
                number,
                3,
                3,
            )
        branch_count = rng.randint(4, 6) if big else rng.randint(2, 3)
        for b in range(1, branch_count + 1):
            label = BRANCH_NAMES[(b - 1) % len(BRANCH_NAMES)]
            name = (
                f"{unit}机关第{'一二三四五六七'[b - 1]}党支部" if b == 1 else f"{unit}{label}党支部"
            )
            branch = builder.org(
                top,
                f"{code}-{b:02d}",
                name,
                OrgType.BRANCH,
                unit,
                number * 10 + b,
                3,
                rng.choice([1, 3, 5]),
            )
            if big and b <= 2:
                for g in range(1, 3):
                    builder.org(
                        branch,
                        f"{code}-{b:02d}-G{g}",
                        f"{name}第{'一二'[g - 1]}党小组",
                        OrgType.PARTY_GROUP,
                        unit,
                        g,
                    )
    return builder.created


def create_demo_users() -> None:
    orgs = {o.code: o for o in Org.objects.filter(code__in=[code for *_, code in DEMO_USERS])}
    records = demo_user_records(orgs[DEMO_USERS[2][3]])
    for username, _, role, code in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        record = records.get(username)
        user = User(username=username, name=record.name if record else DEMO_NAMES[username])
        user.set_password(DEMO_PASSWORD)
        user.save()
        grant_create(actor=DEMO, user=user, role=role, org=orgs[code])
        if record is not None:
            member_user_link(actor=DEMO, member=record, user=user)


def demo_user_records(branch: Org) -> dict[str, Member]:
    """shuji holds the secretary's seat of the demo branch and dangyuan is a plain member of
    it: each is that member record's account and bears its name."""
    seats = CommitteeSeat.objects.filter(org=branch, member__isnull=False).select_related("member")
    secretary = next((s.member for s in seats if s.post == CommitteePost.SECRETARY), None)
    plain = (
        Member.objects.filter(org=branch, category="full", user__isnull=True)
        .exclude(pk__in=[s.member_id for s in seats])
        .order_by("id")
        .first()
    )
    found = {"shuji": secretary, "dangyuan": plain}
    return {name: m for name, m in found.items() if m is not None and m.user_id is None}
