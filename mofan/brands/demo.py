"""Demo 四强党支部 and 党建品牌, written through the services as a committee would: last
year's call with its recognised branches (one revoked since, one re-checked), this year's call
with applications in every state, and brands in every state with two recognised batches."""

from datetime import date

from mofan.brands.models import CRITERIA, Call
from mofan.brands.prerequisites import CHECKLIST, failed, prerequisites
from mofan.brands.services import brands as brand_services
from mofan.brands.services import four_strong
from mofan.core.access import DEMO
from mofan.core.facts import fact
from mofan.core.periods import Span
from mofan.orgs.models import BRANCH_TYPES, Org

DEMO_BRANCH = "SZJG-001-01"  # shuji's branch: its application is a draft
CRITERIA_TEXTS = {
    "政治建设强": "落实“第一议题”制度，理论学习有计划、有记录、有成效",
    "队伍建设强": "支部班子健全，书记履职有力，党员发挥先锋模范作用",
    "组织生活强": "严格落实“三会一课”、主题党日、组织生活会等制度",
    "作用发挥强": "围绕中心工作建功立业，攻坚任务中有支部身影",
    "群众工作强": "联系服务群众有机制，群众满意度高",
}
NEGATIVE = "\n".join(
    [
        "支部班子成员受到党纪政务处分",
        "发生重大安全生产、意识形态责任事故",
        "组织生活连续 3 个月未开展",
        "上级巡察、检查发现问题未按期整改",
    ]
)
SELF = "对照标准逐项自查：{name}方面制度健全、台账完整，全年开展专题活动 {n} 次。"
BRANDS = [
    ("红色引擎", "党建引领 发展先行"),
    ("先锋港湾", "服务零距离 群众满意度"),
    ("清风护航", "守正创新 廉洁奉公"),
    ("初心驿站", "不忘初心 牢记使命"),
    ("民生直通车", "民有所呼 我有所应"),
    ("数据先锋", "让数据多跑路 让群众少跑腿"),
    ("法治红盾", "依法行政 护航发展"),
    ("绿色先锋", "守护绿水青山"),
    ("匠心党建", "精益求精 追求卓越"),
    ("连心桥", "党群同心 共建共享"),
    ("红色账本", "精打细算 服务大局"),
    ("阳光政务", "公开透明 便民高效"),
    ("金色名片", "擦亮窗口 服务为民"),
    ("铸魂工程", "理论武装 铸魂育人"),
    ("向阳花", "扎根基层 向阳而生"),
    ("攻坚尖兵", "急难险重 冲锋在前"),
    ("智慧党建", "数字赋能 提质增效"),
    ("暖心工程", "关爱党员 凝聚人心"),
]


def build_demo_brands(today: date) -> int:
    """The number of applications written (0 when the demo has them already)."""
    if Call.objects.exists():
        return 0
    root = Org.objects.get(depth=1)
    branches = list(
        Org.objects.filter(org_type__in=BRANCH_TYPES, dissolved_on__isnull=True).order_by("path")
    )
    written = _last_year(root, branches, today) + _this_year(root, branches, today)
    return written + _brands(root, today)


def _checklist_ran(year: int, branches: list[Org]) -> bool:
    """Whether any branch passed the year's standardisation checklist: a call requires it
    only then, as a committee would not ask for a check that has not taken place."""
    try:
        passed = fact(CHECKLIST)(org_ids=[b.pk for b in branches], span=Span.year(year))
    except LookupError:
        return True  # shown as 未能核验, which bars no one
    return any(passed.values())


def _call(root: Org, year: int, branches: list[Org], *, paper: bool = False) -> Call:
    """`paper`: a call of the year before the system held the records; the branches' paper
    ledgers were checked instead, so no completion rate is asked of the (empty) records."""
    return four_strong.call_create(
        actor=DEMO,
        org=root,
        year=year,
        title=f"{year}年度“四强”党支部创建（系统启用前，按纸质台账核定）" if paper else "",
        criteria=CRITERIA_TEXTS,
        min_compliance=0 if paper else 80,
        require_checklist=_checklist_ran(year, branches),
        negative_list=NEGATIVE,
        deadline=date(year, 12, 31),
    )


def _eligible(call: Call, branches: list[Org], wanted: int, skip: set[int]) -> list[Org]:
    """The first branches whose records meet every prerequisite of the call."""
    found = []
    for branch in branches:
        if branch.pk in skip or failed(prerequisites(call, branch)):
            continue
        found.append(branch)
        if len(found) == wanted:
            break
    return found


def _apply(call: Call, branch: Org, *, on: date | None = None, submit: bool = True):
    application = four_strong.application_create(
        actor=DEMO,
        call=call,
        org=branch,
        self_evaluation={name: SELF.format(name=name, n=4 + i) for i, name in enumerate(CRITERIA)},
        negative_confirmed=True,
    )
    if submit:
        four_strong.application_submit(actor=DEMO, application=application, on=on)
    return application


def _last_year(root: Org, branches: list[Org], today: date) -> int:
    year = today.year - 1
    call = _call(root, year, branches, paper=True)
    chosen = _eligible(call, branches, 4, skip=set())
    for index, branch in enumerate(chosen):
        application = _apply(call, branch, on=date(year, 6, 10))
        four_strong.application_unit_pass(actor=DEMO, application=application, note="同意推荐")
        if index == len(chosen) - 1:
            four_strong.application_reject(
                actor=DEMO, application=application, reason="作用发挥方面特色不够鲜明"
            )
            continue
        four_strong.application_recognise(actor=DEMO, application=application, on=date(year, 7, 1))
        if index == 0:
            four_strong.recognition_revoke(
                actor=DEMO,
                application=application,
                reason="年度复核发现组织生活连续 3 个月未开展",
                on=date(today.year, 3, 15),
            )
        elif index == 1:
            four_strong.recognition_recheck(
                actor=DEMO,
                application=application,
                year=today.year,
                note="复核保持：各项标准持续达标",
            )
    four_strong.call_close(actor=DEMO, call=call)
    return len(chosen)


def _this_year(root: Org, branches: list[Org], today: date) -> int:
    call = _call(root, today.year, branches)
    demo_branch = next((b for b in branches if b.code == DEMO_BRANCH), None)
    written = 0
    if demo_branch is not None:
        _apply(call, demo_branch, submit=False)
        written += 1
    skip = {demo_branch.pk} if demo_branch else set()
    chosen = _eligible(call, branches, 9, skip=skip)
    # submitted ×2, returned, unit-passed ×2, recognised ×3, rejected
    plan = ["submitted", "submitted", "returned", "unit_passed", "unit_passed"]
    plan += ["recognised"] * 3 + ["rejected"]
    for branch, state in zip(chosen, plan, strict=False):
        application = _apply(call, branch)
        written += 1
        if state == "submitted":
            continue
        if state == "returned":
            four_strong.application_return(
                actor=DEMO, application=application, reason="佐证材料不全，请补充组织生活记录"
            )
            continue
        four_strong.application_unit_pass(actor=DEMO, application=application, note="同意推荐")
        if state == "recognised":
            four_strong.application_recognise(actor=DEMO, application=application)
        elif state == "rejected":
            four_strong.application_reject(
                actor=DEMO, application=application, reason="群众工作方面成效不够突出"
            )
    return written


def _brands(root: Org, today: date) -> int:
    """Brands of units and branches: two batches recognised (one brand revoked since), two
    declined, and some at every step before."""
    orgs = list(
        Org.objects.filter(depth__in=[2, 3], dissolved_on__isnull=True)
        .exclude(org_type="party_group")
        .order_by("path")[: len(BRANDS)]
    )
    plan = ["first"] * 6 + ["second"] * 5 + ["rejected"] * 2
    plan += ["unit_passed"] * 2 + ["submitted", "returned", "draft"]
    first, second = [], []
    for org, (name, slogan), state in zip(orgs, BRANDS, plan, strict=False):
        brand = brand_services.brand_create(
            actor=DEMO,
            org=org,
            name=name,
            slogan=slogan,
            description=f"“{name}”立足{org.display_name}职能，把党建工作融入业务全过程。",
            measures="建立党员先锋岗、责任区；开展结对共建；每季度一次品牌活动。",
            results="形成可复制的工作法，服务对象满意度持续提升。",
        )
        if state == "draft":
            continue
        on = date(today.year - 1, 4, 20) if state == "first" else None
        brand_services.brand_submit(actor=DEMO, brand=brand, on=on)
        if state == "submitted":
            continue
        if state == "returned":
            brand_services.brand_return(actor=DEMO, brand=brand, reason="工作成效请补充具体数据")
            continue
        brand_services.brand_unit_pass(actor=DEMO, brand=brand, note="同意推荐")
        if state == "rejected":
            brand_services.brand_reject(actor=DEMO, brand=brand, reason="品牌特色不够鲜明")
        elif state == "first":
            first.append(brand)
        elif state == "second":
            second.append(brand)
    year = today.year
    batch = brand_services.batch_create(
        actor=DEMO,
        org=root,
        brands=first,
        decided_on=date(year - 1, 6, 28),
        note=f"市直机关工委〔{year - 1}〕21 号",
    )
    brand_services.batch_create(
        actor=DEMO, org=root, brands=second, decided_on=today, note=f"市直机关工委〔{year}〕9 号"
    )
    brand_services.brand_revoke(
        actor=DEMO,
        brand=batch.brands.order_by("org__path").first(),
        reason="品牌活动停止开展，不再符合认定条件",
        on=date(year, 2, 20),
    )
    return len(plan)
