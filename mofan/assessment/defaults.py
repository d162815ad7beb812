"""The schemes a committee starts from, as data: the annual 模范机关创建 assessment of
units (five areas, most items scored from the records), the quarterly 日常监督 and the
党支部标准化规范化建设 checklist of branches. `scheme_from_template` writes one through the services, so a template
obeys the same rules as a scheme typed in by hand."""

from decimal import Decimal

from mofan.assessment import services
from mofan.assessment.models import Scheme, Target

BANDS_95_80_60 = {"bands": [["95", "100"], ["80", "80"], ["60", "50"]]}
GRADES_UNITS = [("好", 90), ("较好", 80), ("一般", 60), ("差", 0)]
GRADES_BRANCHES = [("优秀", 90), ("良好", 80), ("合格", 60), ("不合格", 0)]

# (area, points, [(item, points, rule, fact code, params, guidance)])
MODEL_ORGANS = [
    (
        "政治建设",
        20,
        [
            (
                "理论学习中心组学习按期开展",
                6,
                "thresholds",
                "meetings.compliance.center_group",
                BANDS_95_80_60,
                "全年不少于 12 次，按期完成率计分",
            ),
            (
                "落实“第一议题”制度",
                4,
                "reviewed",
                "",
                {},
                "查阅会议记录，传达学习及时、研究落实具体",
            ),
            ("意识形态工作责任制落实", 4, "reviewed", "", {}, "专题研究、阵地管理、舆情处置"),
            (
                "督办事项按时反馈",
                6,
                "ratio",
                "plans.supervision.on_time_rate",
                {},
                "按时反馈率 × 分值",
            ),
        ],
    ),
    (
        "理论武装",
        15,
        [
            (
                "党课按期讲授",
                4,
                "thresholds",
                "meetings.compliance.lecture",
                BANDS_95_80_60,
                "书记每年至少讲 1 次党课",
            ),
            (
                "主题党日按月开展",
                5,
                "ratio",
                "meetings.compliance.theme_day",
                {},
                "按期完成率 × 分值",
            ),
            (
                "党员参加组织生活出席率",
                6,
                "thresholds",
                "meetings.attendance",
                {"bands": [["90", "100"], ["80", "80"], ["70", "60"]]},
                "出席率 90% 以上得满分",
            ),
        ],
    ),
    (
        "服务人民",
        20,
        [
            ("创建任务按时完成", 8, "ratio", "plans.tasks.on_time_rate", {}, "按时完成率 × 分值"),
            (
                "逾期未完成任务",
                4,
                "deduction",
                "plans.tasks.overdue",
                {"each": "1"},
                "每项逾期扣 1 分，扣完为止",
            ),
            ("联系服务群众、志愿服务", 8, "reviewed", "", {}, "查阅活动记录和群众评价"),
        ],
    ),
    (
        "基层组织",
        30,
        [
            (
                "支部党员大会按期召开",
                4,
                "thresholds",
                "meetings.compliance.branch_general",
                BANDS_95_80_60,
                "每季度至少 1 次",
            ),
            (
                "支部委员会会议按期召开",
                4,
                "thresholds",
                "meetings.compliance.committee",
                BANDS_95_80_60,
                "每月至少 1 次",
            ),
            ("党小组会按期召开", 3, "ratio", "meetings.compliance.group", {}, "按期完成率 × 分值"),
            (
                "组织生活会和民主评议党员",
                4,
                "thresholds",
                "meetings.compliance.life_meeting",
                BANDS_95_80_60,
                "每年至少 1 次",
            ),
            ("谈心谈话", 2, "ratio", "meetings.compliance.talk", {}, "按期完成率 × 分值"),
            (
                "按期换届",
                4,
                "deduction",
                "orgs.terms.overdue",
                {"each": "2"},
                "任期届满未换届的组织每个扣 2 分",
            ),
            (
                "组织设置规范",
                3,
                "deduction",
                "orgs.health.problems",
                {"each": "1"},
                "组织设置检查每发现 1 个问题扣 1 分",
            ),
            (
                "党费按时足额缴纳",
                4,
                "thresholds",
                "members.dues.on_time_rate",
                BANDS_95_80_60,
                "按时缴纳率 95% 以上得满分",
            ),
            (
                "发展党员工作",
                2,
                "per_occurrence",
                "members.admitted",
                {"each": "1"},
                "每发展 1 名党员加 1 分，加满为止",
            ),
        ],
    ),
    (
        "正风肃纪",
        15,
        [
            ("落实全面从严治党主体责任", 8, "reviewed", "", {}, "查阅责任清单、履责记实"),
            ("警示教育和廉政风险防控", 7, "reviewed", "", {}, "开展警示教育、排查廉政风险点"),
            ("发生严重违纪违法案件", 0, "veto", "", {"above": "0"}, "发生即一票否决"),
        ],
    ),
    (
        "加分项",
        0,
        [
            (
                "工作经验被上级推广或获表彰",
                3,
                "bonus",
                "",
                {"each": "1"},
                "每项加 1 分，本项最多 3 分",
            ),
            ("党建品牌获认定", 2, "bonus", "", {"each": "2"}, "获认定加 2 分"),
        ],
    ),
]

BRANCH_CHECKLIST = [
    (
        "党支部设置",
        10,
        [
            (
                "支部设置和换届规范",
                6,
                "deduction",
                "orgs.terms.overdue",
                {"each": "6"},
                "任期届满未换届扣 6 分",
            ),
            ("党小组划分合理", 4, "reviewed", "", {}, ""),
        ],
    ),
    ("阵地建设", 10, [("党员活动室和宣传阵地", 10, "reviewed", "", {}, "有场所、有标识、有制度")]),
    (
        "组织生活制度",
        30,
        [
            ("“三会一课”按期开展", 20, "ratio", "meetings.compliance", {}, "按期完成率 × 分值"),
            ("主题党日", 5, "ratio", "meetings.compliance.theme_day", {}, ""),
            (
                "组织生活会和民主评议",
                5,
                "thresholds",
                "meetings.compliance.life_meeting",
                BANDS_95_80_60,
                "",
            ),
        ],
    ),
    ("发展党员", 10, [("发展党员程序规范", 10, "reviewed", "", {}, "查阅发展党员档案")]),
    (
        "党员教育管理",
        20,
        [
            ("党员出席组织生活", 10, "ratio", "meetings.attendance", {}, ""),
            ("党费按时缴纳", 10, "ratio", "members.dues.on_time_rate", {}, ""),
        ],
    ),
    ("党员监督和处置", 10, [("党员监督、不合格党员处置", 10, "reviewed", "", {}, "")]),
    ("工作台账和基础保障", 10, [("工作台账齐全", 10, "reviewed", "", {}, "各类台账按年归档")]),
]

# 日常监督 each quarter: organisational life from the records, the unit's quarterly report
# reviewed, and points lost when the report is not submitted by the round's deadline.
DAILY_SUPERVISION = [
    (
        "组织生活",
        60,
        [
            ("组织生活按期开展", 35, "ratio", "meetings.compliance", {}, "按期完成率计分"),
            ("党员参加组织生活", 25, "ratio", "meetings.attendance", {}, "出席率计分"),
        ],
    ),
    (
        "季度工作报送",
        40,
        [
            (
                "季度工作情况",
                30,
                "reviewed",
                "",
                {},
                "重点任务推进、问题整改、下季度打算，内容具体、佐证齐全",
            ),
            (
                "按期报送",
                10,
                "deduction",
                "",
                {"each": "10", "missing_report": True},
                "自评截止日前未提交季度自评的扣 10 分",
            ),
        ],
    ),
]


def scheme_from_template(
    *, actor, org, year: int, name: str, template, target, grades, bonus_cap=Decimal(0)
) -> Scheme:
    scheme = services.scheme_create(
        actor=actor, org=org, name=name, year=year, target=target, bonus_cap=bonus_cap
    )
    for area_name, area_points, items in template:
        area = services.indicator_add(
            actor=actor, scheme=scheme, name=area_name, max_points=area_points
        )
        for item_name, points, rule, code, params, guidance in items:
            services.indicator_add(
                actor=actor,
                scheme=scheme,
                parent=area,
                name=item_name,
                max_points=points,
                rule=rule,
                fact_code=code,
                params=params,
                guidance=guidance,
            )
    services.grades_set(actor=actor, scheme=scheme, grades=grades)
    return scheme


def model_organs_scheme(*, actor, org, year: int) -> Scheme:
    return scheme_from_template(
        actor=actor,
        org=org,
        year=year,
        name=f"{year}年度模范机关创建考核方案",
        template=MODEL_ORGANS,
        target=Target.UNITS,
        grades=GRADES_UNITS,
        bonus_cap=Decimal(5),
    )


def branch_checklist_scheme(*, actor, org, year: int) -> Scheme:
    return scheme_from_template(
        actor=actor,
        org=org,
        year=year,
        name=f"{year}年度党支部标准化规范化建设考评",
        template=BRANCH_CHECKLIST,
        target=Target.BRANCHES,
        grades=GRADES_BRANCHES,
    )


def daily_supervision_scheme(*, actor, org, year: int) -> Scheme:
    return scheme_from_template(
        actor=actor,
        org=org,
        year=year,
        name=f"{year}年度日常监督（季度）考核方案",
        template=DAILY_SUPERVISION,
        target=Target.UNITS,
        grades=GRADES_UNITS,
    )
