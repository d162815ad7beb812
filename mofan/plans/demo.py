"""Demo plans: the 1+9 plan set of the seed report, about 300 tasks across the demo units with
realistic progress (some overdue), and 20 supervision items in every status."""

import random
from datetime import date, timedelta

from mofan.core.access import DEMO
from mofan.orgs.models import BRANCH_TYPES, Org, OrgType
from mofan.plans.models import Instruction, Plan
from mofan.plans.services import (
    plan_create,
    plan_item_add,
    task_accept,
    task_create,
    task_report,
    task_split,
)
from mofan.plans.supervision import (
    assignment_answer,
    assignment_close,
    assignment_remind,
    instruction_register,
)

SUB_PLANS = [
    "党建工作计划",
    "纪检工作计划",
    "理论学习计划",
    "主题党日活动方案",
    "青年小组学习计划",
    "落实党组决策部署和有关批示工作流程",
    "党支部规范化标准化建设清单",
    "作风治理活动方案",
    "“灯下黑”问题专项整治工作方案",
]
ITEMS = [
    (
        "一",
        "提升政治站位，深化理论武装",
        [
            "落实“第一议题”制度",
            "开展专题读书班",
            "组织理论学习中心组学习",
            "开展青年理论学习小组活动",
        ],
    ),
    (
        "二",
        "夯实基层基础，建强战斗堡垒",
        [
            "推进党支部标准化规范化建设",
            "规范“三会一课”记录",
            "开展“四强”党支部创建",
            "完成党支部按期换届",
        ],
    ),
    (
        "三",
        "转变工作作风，服务中心大局",
        ["开展调查研究", "建立联系服务群众机制", "组织志愿服务活动", "开展作风建设专项整治"],
    ),
    ("四", "推进正风肃纪，筑牢廉洁防线", ["排查廉政风险点", "开展警示教育", "落实谈心谈话制度"]),
]


def build_demo_plans(today: date) -> int:
    if Plan.objects.exists():
        return 0
    root = Org.objects.get(depth=1)
    units = list(
        Org.objects.filter(depth=2, dissolved_on__isnull=True)
        .exclude(org_type__in=[OrgType.PARTY_GROUP])
        .order_by("path")
    )
    rng = random.Random("plans")
    year = today.year
    master = plan_create(
        actor=DEMO,
        org=root,
        year=year,
        kind=Plan.Kind.MASTER,
        title=f"{year}年市直机关创建模范机关实施方案",
        summary="以实施方案牵头管总、9个分方案统筹落实，实行项目式推进、目标化管理，一事一方案，件件有安排，每项工作都责任到人。",
    )
    for order, title in enumerate(SUB_PLANS):
        plan_create(
            actor=DEMO,
            org=root,
            year=year,
            kind=Plan.Kind.SUB,
            master=master,
            title=f"{year}年{title}",
            sort_order=order,
        )
    count = 0
    start = date(year, 1, 15)
    for number, item_title, tasks in ITEMS:
        item = plan_item_add(actor=DEMO, plan=master, number=number, title=item_title)
        for task_title in tasks:
            for unit in rng.sample(units, k=min(len(units), 18)):
                deadline = start + timedelta(days=rng.randint(60, 340))
                task = task_create(
                    actor=DEMO,
                    plan=master,
                    item=item,
                    owner_org=unit,
                    title=task_title,
                    target=f"{task_title}，形成台账，按期完成",
                    owner_people=f"{unit.unit}机关党委",
                    leader="分管副书记",
                    start_on=start,
                    deadline=deadline,
                    needs_evidence=rng.random() < 0.4,
                )
                count += 1 + _progress(task, rng, today)
    build_demo_supervision(root, units, today, rng)
    return count


def _progress(task, rng: random.Random, today: date) -> int:
    """Move a task along as its unit would: some split to branches, some done, some late."""
    roll = rng.random()
    if task.deadline < today and roll < 0.75:
        task_report(
            actor=DEMO,
            task=task,
            text="已按要求完成，材料已归档",
            percent=100,
            files=[] if not task.needs_evidence else [_evidence()],
            on=min(task.deadline, today),
        )
        task_accept(actor=DEMO, task=task, on=min(task.deadline, today))
        return 0
    if roll < 0.2:
        branches = list(
            Org.objects.filter(
                path__startswith=task.owner_org.path,
                org_type__in=BRANCH_TYPES,
                dissolved_on__isnull=True,
            )[:2]
        )
        for branch in branches:
            sub = task_split(
                actor=DEMO,
                parent=task,
                owner_org=branch,
                title=task.title,
                start_on=task.start_on,
                deadline=task.deadline,
                weight=1,
            )
            task_report(actor=DEMO, task=sub, text="正在推进", percent=rng.choice([20, 50, 80]))
        return len(branches)
    if roll < 0.85 and task.start_on <= today:
        task_report(
            actor=DEMO, task=task, text="按节点推进中", percent=rng.choice([10, 30, 60, 90])
        )
    return 0


# A one-page PDF with the structure the upload check asks for (objects, xref, trailer).
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R/Size 4>>\nstartxref\n0\n%%EOF\n"
)


def _evidence():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("完成情况说明.pdf", DEMO_PDF, content_type="application/pdf")


def build_demo_supervision(root: Org, units: list[Org], today: date, rng: random.Random) -> None:
    titles = [
        "落实上级关于机关党建工作的批示",
        "整改巡察反馈问题",
        "推进“我为群众办实事”项目",
        "报送创建模范机关工作进展",
        "落实意识形态工作责任制",
    ]
    for n in range(20):
        received = today - timedelta(days=rng.randint(5, 200))
        chosen = rng.sample(units, k=rng.randint(1, 3))
        instruction = instruction_register(
            actor=DEMO,
            org=root,
            source=rng.choice(list(Instruction.Source.values)),
            level=rng.choice(list(Instruction.Level.values)),
            title=f"{titles[n % len(titles)]}（第{n + 1}号）",
            content="请认真研究落实，按时限反馈办理情况。",
            received_on=received,
            assignments=[(u, received + timedelta(days=rng.randint(7, 40))) for u in chosen],
        )
        for assignment in instruction.assignments.all():
            stage = (n + assignment.org_id) % 4
            answer_on = min(today, assignment.deadline + timedelta(days=rng.randint(-5, 8)))
            if stage >= 1 and answer_on >= received:
                assignment_answer(
                    actor=DEMO,
                    assignment=assignment,
                    text="已研究部署，正在落实，现将进展报告如下。",
                    on=answer_on,
                )
            if stage == 2:
                assignment_close(
                    actor=DEMO, assignment=assignment, text="办理到位，予以办结", on=today
                )
            if stage == 0 and assignment.deadline < today:
                assignment_remind(
                    actor=DEMO, assignment=assignment, text="已超过反馈时限，请尽快反馈", on=today
                )
