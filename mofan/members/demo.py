"""Demo members: plausible Chinese names, valid (fictional) ID numbers, consistent dates."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from mofan.accounts.services import NewMemberLogin, member_users_create
from mofan.core.access import DEMO
from mofan.core.dates import add_months, add_years
from mofan.members import crypto, idcard
from mofan.members.logins import username_for
from mofan.members.models import (
    Candidate,
    Category,
    DuesCategory,
    Education,
    LoginRule,
    Member,
)
from mofan.members.services import member_create
from mofan.orgs.models import BRANCH_TYPES, CommitteePost, Org, OrgType
from mofan.orgs.services import committee_seat_add

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志文斌海燕晨宇婷欣浩然子涵思雨梓萱一诺博文嘉怡俊杰佳琪雅婷振华丹凤鹏飞晓东春梅立新德明卫东红梅国华"
REGIONS = [
    "110101",
    "110105",
    "120101",
    "130102",
    "320102",
    "330106",
    "370102",
    "410105",
    "420106",
    "440106",
    "510104",
    "610103",
]
POSTS = [
    "科员",
    "副主任科员",
    "主任科员",
    "副处长",
    "处长",
    "一级主任科员",
    "四级调研员",
    "办事员",
    "副局长",
]
EDUCATION_WEIGHTS = [
    (Education.POSTGRADUATE, 30),
    (Education.BACHELOR, 55),
    (Education.COLLEGE, 10),
    (Education.HIGH_SCHOOL, 5),
]
BASES = [Decimal(v) for v in ("2800", "3600", "4500", "5400", "6800", "8200", "10500", "12800")]


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2])))


def branch_size(rng: random.Random, index: int) -> int:
    if index == 5:
        return 56  # one branch over the general limit of 50
    if index % 41 == 7:
        return 2  # a few too small for a branch of their own
    return rng.randint(7, 19)


def build_demo_members(today: date) -> int:
    """Add members to every demo branch that has none yet (idempotent)."""
    branches = list(
        Org.objects.filter(
            org_type__in=BRANCH_TYPES, dissolved_on__isnull=True, members__isnull=True
        )
        .order_by("path")
        .distinct()
    )
    groups = {}
    for group in Org.objects.filter(org_type=OrgType.PARTY_GROUP).order_by("path"):
        groups.setdefault(group.path[: -Org.steplen], []).append(group)
    created = 0
    for index, branch in enumerate(branches):
        rng = random.Random(branch.code)
        people = [
            member_create(actor=DEMO, **_person(rng, branch, groups.get(branch.path, []), n, today))
            for n in range(branch_size(rng, index))
        ]
        _elect_committee(branch, [p for p in people if p.category == Category.FULL])
        created += len(people)
    _as_if_entered_years_ago(today)
    return created


DEMO_RECORDS_KEPT_YEARS = 3


def _as_if_entered_years_ago(today: date) -> None:
    """The demo roster stands for records kept for years (arrears and inactivity count only
    from a record's entry); members who joined since then were entered when they joined."""
    since = add_years(today, -DEMO_RECORDS_KEPT_YEARS)
    Member.objects.filter(joined_on__lt=since).update(
        created_at=timezone.make_aware(datetime.combine(since, time(9)))
    )


COMMITTEE_POSTS = [
    CommitteePost.SECRETARY,
    CommitteePost.ORGANISATION,
    CommitteePost.PUBLICITY,
    CommitteePost.DISCIPLINE,
    CommitteePost.DEPUTY_SECRETARY,
]


def _elect_committee(branch: Org, full_members: list[Member]) -> None:
    """A committee of 3–5 from 7 full members on, otherwise a secretary only (DOMAIN.md)."""
    if branch.committee.exists():
        return
    seats = 5 if len(full_members) >= 15 else 3 if len(full_members) >= 7 else 1
    for order, (post, member) in enumerate(
        zip(COMMITTEE_POSTS[:seats], full_members, strict=False)
    ):
        committee_seat_add(
            actor=DEMO, org=branch, name="", post=post, sort_order=order, member_id=member.id
        )


def build_demo_member_accounts(password_hash: str) -> int:
    """A linked account for every demo member who has none, all with the same password and no
    forced change; one hash serves them all, and users, grants and links go in bulk."""
    rule = LoginRule()  # generated codes (dy000123), whatever rule the admin has set since
    members = list(Member.objects.filter(user__isnull=True).select_related("org").order_by("id"))
    users = member_users_create(
        actor=DEMO,
        logins=[
            NewMemberLogin(
                username=username_for(member, rule),
                name=member.name,
                password_hash=password_hash,
                branch=member.org,
                must_change_password=False,
            )
            for member in members
        ],
    )
    for member, user in zip(members, users, strict=True):
        member.user = user
    Member.objects.bulk_update(members, ["user"], batch_size=500)
    return len(users)


def _person(rng: random.Random, branch: Org, groups: list[Org], n: int, today: date) -> dict:
    sex = rng.choice(["male", "male", "female"])
    born = date(rng.randint(1962, 2001), rng.randint(1, 12), rng.randint(1, 28))
    probationary = n % 13 == 4
    if probationary:
        joined = today - timedelta(days=rng.randint(30, 330))
    else:
        joined = min(add_years(born, rng.randint(19, 35)), today - timedelta(days=800)) + timedelta(
            days=rng.randint(0, 200)
        )
    number = _unique_number(rng, born, sex)
    return {
        "name": person_name(rng),
        "id_number": number,
        "sex": sex,
        "birth_date": born,
        "native_place": rng.choice(
            [
                "北京",
                "河北保定",
                "山东济南",
                "河南郑州",
                "湖北武汉",
                "四川成都",
                "江苏南京",
                "浙江杭州",
                "陕西西安",
            ]
        ),
        "education": rng.choices(
            [e for e, _ in EDUCATION_WEIGHTS], [w for _, w in EDUCATION_WEIGHTS]
        )[0],
        "category": Category.PROBATIONARY if probationary else Category.FULL,
        "org": branch,
        "party_group": rng.choice(groups) if groups else None,
        "joined_on": joined,
        "full_member_on": None if probationary else add_years(joined, 1),
        "work_unit": branch.unit,
        "post": rng.choice(POSTS),
        "phone": f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
        "dues_category": DuesCategory.RETIRED if born.year < 1965 else DuesCategory.EMPLOYED,
        "dues_base": rng.choice(BASES),
    }


def _unique_number(rng: random.Random, born: date, sex: str) -> str:
    while True:
        number = idcard.make(rng.choice(REGIONS), born, rng.randint(0, 999), sex)
        if not Member.objects.filter(id_number_hash=crypto.keyed_hash(number)).exists():
            return number


# Day offsets from the application (step 1) at which the demo records each step; they respect
# the default timing rules (12 months as activist, probation of one year, approval in 3 months).
STEP_DAYS = {
    1: 0,
    2: 20,
    3: 90,
    4: 100,
    5: 100,
    6: 280,
    7: 470,
    8: 475,
    9: 480,
    10: 500,
    11: 520,
    12: 540,
    13: 550,
    14: 555,
    15: 560,
    16: 570,
    17: 600,
    18: 610,
    19: 615,
    20: 620,
    21: 700,
    22: 915,
    23: 930,
    24: 945,
    25: 955,
}
# (last step reached, extra days since it) for the demo's 30 candidates; some are overdue.
CANDIDATE_PLAN = [
    (1, 5),
    (1, 12),
    (1, 60),
    (2, 30),
    (2, 100),
    (3, 40),
    (5, 60),
    (6, 30),
    (6, 90),
    (6, 230),
    (7, 20),
    (9, 10),
    (11, 15),
    (12, 5),
    (14, 3),
    (15, 30),
    (15, 120),
    (17, 40),
    (18, 20),
    (19, 30),
    (20, 60),
    (21, 100),
    (21, 250),
    (22, 5),
    (24, 3),
    (6, 150),
    (3, 10),
    (2, 200),
    (11, 40),
    (1, 2),
]


def build_demo_candidates(today: date) -> int:
    from mofan.members.development import candidate_apply, candidate_record_step

    if Candidate.objects.exists():
        return 0
    branches = list(
        Org.objects.filter(org_type__in=BRANCH_TYPES, dissolved_on__isnull=True).order_by("path")[
            :30
        ]
    )
    for index, (last, extra) in enumerate(CANDIDATE_PLAN):
        rng = random.Random(f"candidate-{index}")
        branch = branches[index % len(branches)]
        applied = today - timedelta(days=STEP_DAYS[last] + extra)
        sex = rng.choice(["male", "female"])
        born = date(rng.randint(1990, 2002), rng.randint(1, 12), rng.randint(1, 28))
        candidate = candidate_apply(
            actor=DEMO,
            org=branch,
            name=person_name(rng),
            id_number=_unique_number(rng, born, sex),
            sex=sex,
            birth_date=born,
            applied_on=applied,
            work_unit=branch.unit,
            post="科员",
        )
        for number in range(2, last + 1):
            candidate_record_step(
                actor=DEMO,
                candidate=candidate,
                number=number,
                on=applied + timedelta(days=STEP_DAYS[number]),
                handled_by=f"{person_name(rng)}、{person_name(rng)}"
                if number == 9
                else person_name(rng),
                document=f"〔{applied.year}〕{number}号" if number in (4, 8, 13, 17, 24) else "",
                hours=Decimal("32") if number == 11 else None,
            )
    return len(CANDIDATE_PLAN)


def build_demo_dues(today: date) -> int:
    """Twelve months of dues for every demo branch; a few members fall behind."""
    from mofan.members.dues import dues_record_all_at_standard, month_start
    from mofan.members.models import DuesPayment, PaymentMethod

    if DuesPayment.objects.exists():
        return 0
    current = month_start(today)
    by_branch: dict[int, list[Member]] = {}
    for member in Member.objects.filter(
        category__in=[Category.FULL, Category.PROBATIONARY]
    ).select_related("org"):
        by_branch.setdefault(member.org_id, []).append(member)
    recorded = 0
    for members in by_branch.values():
        for back in range(12, 0, -1):
            month = add_months(current, -back)
            # Every 37th member stops paying a few months ago (3–7 months of arrears).
            paying = [m for m in members if not (m.id % 37 == 0 and back <= 3 + m.id % 5)]
            paid_on = month + timedelta(days=9)
            recorded += dues_record_all_at_standard(
                actor=DEMO,
                members=paying,
                month=month,
                paid_on=paid_on,
                method=PaymentMethod.TRANSFER,
            )
    return recorded
