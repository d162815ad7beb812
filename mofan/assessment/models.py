"""考核方案: the committee's indicator schemes, its unit categories (分类考核) and grade bands.

A scheme belongs to the org that runs it (the 机关工委, or a unit's 机关党委 for its branches)
and to a year. Its indicators form a tree: the areas (政治建设 …) and, under them, the items
that carry points and one scoring rule (see `scoring.py`). A published scheme is never edited:
a new version is a copy that points back to the one it replaces.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models

from mofan.assessment.scoring import RULE_LABELS


class Category(models.Model):
    """A unit category of 分类考核 (综合管理类, 执法监管类 …), defined by the committee."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("类别名称", max_length=40)
    sort_order = models.IntegerField("排序号", default=0)

    class Meta:
        verbose_name = "考核类别"
        verbose_name_plural = "考核类别"
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="assessment_category_unique_name")
        ]

    def __str__(self):
        return self.name


class Placement(models.Model):
    """A unit placed in one category of the committee that assesses it."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="placements")
    unit = models.OneToOneField(
        "orgs.Org", on_delete=models.CASCADE, related_name="assessment_placement"
    )

    class Meta:
        verbose_name = "单位考核类别"
        verbose_name_plural = "单位考核类别"

    def __str__(self):
        return f"{self.unit}：{self.category}"


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    REPLACED = "replaced", "已被新版本替代"


class Target(models.TextChoices):
    UNITS = "units", "单位"
    BRANCHES = "branches", "党支部"


class Scheme(models.Model):
    org = models.ForeignKey(
        "orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="制定组织"
    )
    name = models.CharField("方案名称", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    target = models.CharField("考核对象", max_length=16, choices=Target.choices)
    status = models.CharField(
        "状态", max_length=16, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT
    )
    version = models.PositiveSmallIntegerField("版本", default=1)
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
        verbose_name="上一版本",
    )
    categories = models.ManyToManyField(
        Category, blank=True, related_name="schemes", verbose_name="适用类别"
    )
    bonus_cap = models.DecimalField(
        "加分上限", max_digits=6, decimal_places=2, default=Decimal("0")
    )
    description = models.TextField("说明", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = ["-year", "name", "-version"]

    def __str__(self):
        return f"{self.name}（第 {self.version} 版）" if self.version > 1 else self.name

    @property
    def is_draft(self) -> bool:
        return self.status == SchemeStatus.DRAFT


class Indicator(models.Model):
    """An area (no rule) or an item (a rule and its points) of a scheme."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="所属领域",
    )
    sort_order = models.IntegerField("排序号", default=0)
    name = models.CharField("指标名称", max_length=200)
    max_points = models.DecimalField("分值", max_digits=6, decimal_places=2)
    rule = models.CharField(
        "计分方式", max_length=20, choices=list(RULE_LABELS.items()), blank=True
    )
    fact_code = models.CharField("数据来源（统计指标）", max_length=80, blank=True)
    params = models.JSONField("计分参数", default=dict, blank=True)
    guidance = models.TextField("评分标准", blank=True)
    evidence = models.TextField("佐证材料", blank=True)

    class Meta:
        verbose_name = "考核指标"
        verbose_name_plural = "考核指标"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name

    @property
    def is_area(self) -> bool:
        return self.parent_id is None


class GradeBand(models.Model):
    """考核等次: a total of at least `at_least` earns `label` (好 / 较好 / 一般 / 差 …)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="grades")
    label = models.CharField("等次", max_length=20)
    at_least = models.DecimalField("最低分", max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = "考核等次"
        verbose_name_plural = "考核等次"
        ordering = ["-at_least"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "label"], name="assessment_grade_unique_label"
            )
        ]

    def __str__(self):
        return self.label


class RoundKind(models.TextChoices):
    QUARTERLY = "quarterly", "日常监督（季度）"
    ANNUAL = "annual", "年度考评"
    TRIENNIAL = "triennial", "三年总评"


class RoundStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SELF = "self", "单位自评"
    REVIEW = "review", "评审打分"
    PRELIMINARY = "preliminary", "初步结果公示"
    FINAL = "final", "已定档"


class Round(models.Model):
    """One assessment run of a scheme over a period: the units it assesses, their self
    assessment, the review and the results, frozen when final."""

    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="rounds", verbose_name="考核方案"
    )
    name = models.CharField("考核名称", max_length=100)
    kind = models.CharField("考核类型", max_length=16, choices=RoundKind.choices)
    starts_on = models.DateField("考核期开始")
    ends_on = models.DateField("考核期结束")
    status = models.CharField(
        "状态", max_length=16, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    self_deadline = models.DateField("自评截止", null=True, blank=True)
    as_of = models.DateField("数据截至", null=True, blank=True)
    # 三年总评 only: the three annual results together, split equally, and daily supervision.
    annual_weight = models.DecimalField(
        "三年年度考评合计权重（%）", max_digits=5, decimal_places=2, default=70
    )
    supervision_weight = models.DecimalField(
        "日常监督权重（%）", max_digits=5, decimal_places=2, default=30
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "考核"
        verbose_name_plural = "考核"
        ordering = ["-ends_on", "name"]

    def __str__(self):
        return self.name

    @property
    def is_final(self) -> bool:
        return self.status == RoundStatus.FINAL


class Participant(models.Model):
    """A unit (or branch) the round assesses, with the category it is ranked in."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="participants")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField("自评提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "参评单位"
        verbose_name_plural = "参评单位"
        constraints = [
            models.UniqueConstraint(fields=["round", "org"], name="assessment_participant_once")
        ]

    def __str__(self):
        return f"{self.round}：{self.org}"


class Entry(models.Model):
    """What people write about one indicator of one unit in a round: the unit's self score and
    explanation, the reviewer's score (or approved bonus items), an adjustment of a
    record-based score with its reason."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="entries")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    self_points = models.DecimalField(
        "自评分", max_digits=6, decimal_places=2, null=True, blank=True
    )
    self_note = models.TextField("自评说明", blank=True)
    review_points = models.DecimalField(
        "评审得分", max_digits=6, decimal_places=2, null=True, blank=True
    )
    approved_items = models.PositiveSmallIntegerField("认定加分项数", null=True, blank=True)
    review_reason = models.CharField("评审意见", max_length=500, blank=True)
    adjusted_points = models.DecimalField(
        "调整后得分", max_digits=6, decimal_places=2, null=True, blank=True
    )
    adjust_reason = models.CharField("调整理由", max_length=500, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "考核得分"
        verbose_name_plural = "考核得分"
        constraints = [
            models.UniqueConstraint(
                fields=["round", "org", "indicator"], name="assessment_entry_once"
            )
        ]

    def __str__(self):
        return f"{self.org}：{self.indicator}"


class FrozenValue(models.Model):
    """A record-based item's value and points for one unit, stored when the round was closed
    (定档), so that later corrections of the records do not change its results."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="frozen_values")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField("定档时数据", max_digits=12, decimal_places=2, null=True)
    points = models.DecimalField("定档时得分（未计调整）", max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = "定档数据"
        verbose_name_plural = "定档数据"
        constraints = [
            models.UniqueConstraint(
                fields=["round", "org", "indicator"], name="assessment_frozen_once"
            )
        ]

    def __str__(self):
        return f"{self.org}：{self.indicator}"


class Evidence(models.Model):
    """A file a unit attaches to its self-assessment of an item (台账、照片、文件)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="evidence")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    file = models.FileField("文件", upload_to="assessment/evidence/%Y/")
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "自评佐证材料"
        verbose_name_plural = "自评佐证材料"
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name


class Finding(models.Model):
    """An event recorded against a unit that a deduction or veto item counts (a discipline
    case, an item found missing at inspection), with where it is documented."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="findings")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    description = models.CharField("情况", max_length=300)
    source = models.CharField("依据（文件、记录编号）", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "扣分或否决事项"
        verbose_name_plural = "扣分或否决事项"
        ordering = ["recorded_at", "id"]

    def __str__(self):
        return self.description


class Objection(models.Model):
    """A unit's objection to an item of the preliminary results (异议), and the answer."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="objections")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("异议理由")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    raised_at = models.DateTimeField("提出时间", auto_now_add=True)
    answer = models.TextField("答复", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = "考核异议"
        verbose_name_plural = "考核异议"
        ordering = ["raised_at", "id"]

    def __str__(self):
        return f"{self.org}：{self.indicator}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class HonourKind(models.TextChoices):
    ADVANCED_UNIT = "advanced_unit", "先进单位"
    ADVANCED_BRANCH = "advanced_branch", "先进党支部"
    MODEL_ORGAN = "model_organ", "模范机关"


class Honour(models.Model):
    """A naming (命名) decided by the committee: an advanced unit or branch of a year, from a
    final round, or a 模范机关 after three advanced years running; revoked (摘牌) with a reason."""

    kind = models.CharField("称号", max_length=20, choices=HonourKind.choices)
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, null=True, blank=True, related_name="honours"
    )
    decision = models.CharField("命名决定（文号）", max_length=200)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField("决定时间", auto_now_add=True)
    revoked_on = models.DateField("摘牌日期", null=True, blank=True)
    revoke_reason = models.CharField("摘牌原因", max_length=300, blank=True)

    class Meta:
        verbose_name = "命名表彰"
        verbose_name_plural = "命名表彰"
        ordering = ["-year", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "org", "year"], name="assessment_honour_once_a_year"
            )
        ]

    def __str__(self):
        return f"{self.year}年{self.get_kind_display()}：{self.org}"

    @property
    def is_active(self) -> bool:
        return self.revoked_on is None
