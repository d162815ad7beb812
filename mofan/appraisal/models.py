"""述职评议考核: once a year (November–December) the secretaries of the units' 党组织 (or of
branches) report on their org's work and are rated 好 / 较好 / 一般 / 差 by rater panels.

A round belongs to the org that runs it (the 机关工委). Ballots are anonymous: raters vote with
one-time codes issued per panel; a code is stored only as a keyed digest and knows only that it
was used, a ballot knows only its round, its panel and its day, and nothing links the two. Ids
of ballots and ratings are random, so their order does not tell who voted when.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models


class RoundStatus(models.TextChoices):
    DRAFT = "draft", "筹备"
    REPORTS = "reports", "提交述职报告"
    VOTING = "voting", "评议投票"
    CLOSED = "closed", "已结束"


NEXT_STATUS = {
    RoundStatus.DRAFT: RoundStatus.REPORTS,
    RoundStatus.REPORTS: RoundStatus.VOTING,
    RoundStatus.VOTING: RoundStatus.CLOSED,
}


class Grade(models.TextChoices):
    GOOD = "good", "好"
    FAIR = "fair", "较好"
    AVERAGE = "average", "一般"
    POOR = "poor", "差"


class Identity(models.TextChoices):
    SECRETARIES = "secretaries", "党组（党委）书记"
    PARTY_STAFF = "party_staff", "党务干部"
    DEPUTIES = "deputies", "党代表、人大代表、政协委员"
    MEMBERS = "members", "党员和群众代表"


# Common weights of the four panels (they sum to 100%); the committee changes them per round.
DEFAULT_WEIGHTS = {
    Identity.SECRETARIES: Decimal(30),
    Identity.PARTY_STAFF: Decimal(20),
    Identity.DEPUTIES: Decimal(20),
    Identity.MEMBERS: Decimal(30),
}


class Round(models.Model):
    org = models.ForeignKey(
        "orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="组织单位"
    )
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=100)
    meeting_on = models.DateField("述职评议会日期")
    status = models.CharField(
        "阶段", max_length=16, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    # What each grade is worth in the weighted score (好=100 / 较好=80 / 一般=60 / 差=0).
    value_good = models.PositiveSmallIntegerField("“好”计分", default=100)
    value_fair = models.PositiveSmallIntegerField("“较好”计分", default=80)
    value_average = models.PositiveSmallIntegerField("“一般”计分", default=60)
    value_poor = models.PositiveSmallIntegerField("“差”计分", default=0)
    closed_on = models.DateField("结束日期", null=True, blank=True)

    class Meta:
        verbose_name = "述职评议"
        verbose_name_plural = "述职评议"
        ordering = ["-year", "-meeting_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="appraisal_round_once_a_year")
        ]

    def __str__(self):
        return self.title

    @property
    def grade_values(self) -> dict[str, int]:
        return {
            Grade.GOOD: self.value_good,
            Grade.FAIR: self.value_fair,
            Grade.AVERAGE: self.value_average,
            Grade.POOR: self.value_poor,
        }


class Reporter(models.Model):
    """A secretary reporting in a round, on behalf of their org; the name is kept as it was."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reporters")
    org = models.ForeignKey(
        "orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="述职组织"
    )
    name = models.CharField("述职人", max_length=50)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="述职人账号",
    )
    report = models.FileField("述职报告", upload_to="appraisal/%Y/", blank=True)
    report_name = models.CharField("报告文件名", max_length=200, blank=True)
    report_type = models.CharField("报告文件类型", max_length=100, blank=True)
    report_on = models.DateField("报告提交日期", null=True, blank=True)
    presented = models.BooleanField("已在会上述职", default=False)
    comment = models.TextField("点评", blank=True)
    sort_order = models.IntegerField("排序号", default=0)

    class Meta:
        verbose_name = "述职人"
        verbose_name_plural = "述职人"
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "org"], name="appraisal_reporter_once")
        ]

    def __str__(self):
        return f"{self.org.name} {self.name}"


class Panel(models.Model):
    """The raters of one identity type, with their weight in the score."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="panels")
    identity = models.CharField("评议人类别", max_length=16, choices=Identity.choices)
    weight = models.DecimalField("权重（%）", max_digits=5, decimal_places=2)
    raters = models.PositiveIntegerField("评议人数", default=0)

    class Meta:
        verbose_name = "评议人类别"
        verbose_name_plural = "评议人类别"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "identity"], name="appraisal_panel_once")
        ]

    def __str__(self):
        return self.get_identity_display()


class BallotCode(models.Model):
    """A one-time voting code: only its keyed digest and whether it was used (not when)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="codes")
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField("编码摘要", max_length=64, unique=True)
    used = models.BooleanField("已使用", default=False)

    class Meta:
        verbose_name = "评议码"
        verbose_name_plural = "评议码"

    def __str__(self):
        return f"{self.round} 评议码"


class Ballot(models.Model):
    """One rater's ballot: its round, panel and day, nothing about who or which code."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="ballots")
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="ballots")
    cast_on = models.DateField("投票日期")

    class Meta:
        verbose_name = "评议票"
        verbose_name_plural = "评议票"

    def __str__(self):
        return f"{self.round} 评议票"


class Rating(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="ratings")
    reporter = models.ForeignKey(Reporter, on_delete=models.PROTECT, related_name="ratings")
    grade = models.CharField("评价", max_length=16, choices=Grade.choices)
    comment = models.CharField("意见建议", max_length=500, blank=True)

    class Meta:
        verbose_name = "评价"
        verbose_name_plural = "评价"
        constraints = [
            models.UniqueConstraint(fields=["ballot", "reporter"], name="appraisal_rating_once")
        ]

    def __str__(self):
        return self.get_grade_display()


class Result(models.Model):
    """A reporter's counted result, written when the round closes."""

    reporter = models.OneToOneField(Reporter, on_delete=models.CASCADE, related_name="result")
    good = models.PositiveIntegerField("好", default=0)
    fair = models.PositiveIntegerField("较好", default=0)
    average = models.PositiveIntegerField("一般", default=0)
    poor = models.PositiveIntegerField("差", default=0)
    good_share = models.DecimalField("好和较好占比（%）", max_digits=5, decimal_places=1)
    score = models.DecimalField("综合得分", max_digits=5, decimal_places=2)
    rank = models.PositiveIntegerField("名次")

    class Meta:
        verbose_name = "评议结果"
        verbose_name_plural = "评议结果"

    def __str__(self):
        return f"{self.reporter} 评议结果"

    @property
    def total(self) -> int:
        return self.good + self.fair + self.average + self.poor


class RectificationStatus(models.TextChoices):
    OPEN = "open", "整改中"
    DONE = "done", "已完成"


class Rectification(models.Model):
    """An item of a reporter's 整改清单 (the rectification ledger will take these over)."""

    reporter = models.ForeignKey(Reporter, on_delete=models.CASCADE, related_name="rectifications")
    problem = models.CharField("存在问题", max_length=500)
    measure = models.CharField("整改措施", max_length=500)
    deadline = models.DateField("整改时限")
    status = models.CharField(
        "状态",
        max_length=16,
        choices=RectificationStatus.choices,
        default=RectificationStatus.OPEN,
    )
    done_on = models.DateField("完成日期", null=True, blank=True)

    class Meta:
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"
        ordering = ["deadline", "id"]

    def __str__(self):
        return self.problem
