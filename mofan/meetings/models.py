from decimal import Decimal

from django.conf import settings
from django.db import models

from mofan.members.models import Member
from mofan.orgs.models import Org


class Kind(models.TextChoices):
    BRANCH_GENERAL = "branch_general", "支部党员大会"
    COMMITTEE = "committee", "支部委员会会议"
    GROUP = "group", "党小组会"
    LECTURE = "lecture", "党课"
    THEME_DAY = "theme_day", "主题党日"
    LIFE_MEETING = "life_meeting", "组织生活会"
    APPRAISAL = "appraisal", "民主评议党员"
    TALK = "talk", "谈心谈话"
    CENTER_GROUP = "center_group", "理论学习中心组学习"


# How long each kind of meeting usually lasts (hours): counted for a meeting whose duration
# was not recorded, so that hours can be summed over every held meeting.
USUAL_HOURS = {
    Kind.BRANCH_GENERAL: Decimal("1.5"),
    Kind.COMMITTEE: Decimal("1.0"),
    Kind.GROUP: Decimal("1.0"),
    Kind.LECTURE: Decimal("1.5"),
    Kind.THEME_DAY: Decimal("2.0"),
    Kind.LIFE_MEETING: Decimal("3.0"),
    Kind.APPRAISAL: Decimal("2.0"),
    Kind.TALK: Decimal("0.5"),
    Kind.CENTER_GROUP: Decimal("2.0"),
}
MAX_HOURS = Decimal("24")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "计划"
    HELD = "held", "已召开"
    CANCELLED = "cancelled", "已取消"


class Meeting(models.Model):
    kind = models.CharField("类型", max_length=32, choices=Kind.choices, db_index=True)
    org = models.ForeignKey(
        Org, verbose_name="组织", on_delete=models.PROTECT, related_name="meetings"
    )
    topic = models.CharField("主题", max_length=200)
    planned_on = models.DateField("计划日期")
    held_on = models.DateField("召开日期", null=True, blank=True, db_index=True)
    held_time = models.TimeField("开始时间", null=True, blank=True)
    duration_hours = models.DecimalField(
        "时长（小时）", max_digits=3, decimal_places=1, null=True, blank=True
    )
    place = models.CharField("地点", max_length=100, blank=True)
    first_topic = models.BooleanField("第一议题", default=False)
    first_topic_title = models.CharField("第一议题内容", max_length=200, blank=True)
    host = models.CharField("主持人", max_length=50, blank=True)
    recorder = models.CharField("记录人", max_length=50, blank=True)
    lecturer = models.CharField("授课人", max_length=50, blank=True)
    votes = models.BooleanField("有表决事项", default=False)
    votes_for = models.PositiveIntegerField("赞成票", null=True, blank=True)
    minutes = models.TextField("会议记录", blank=True)
    decisions = models.TextField("决定事项", blank=True)
    observer_notes = models.TextField("巡听旁听意见", blank=True)
    observer_rating = models.CharField(
        "巡听旁听评价",
        max_length=8,
        blank=True,
        choices=[("good", "好"), ("fair", "较好"), ("ordinary", "一般"), ("poor", "差")],
    )
    status = models.CharField(
        "状态",
        max_length=16,
        choices=MeetingStatus.choices,
        default=MeetingStatus.PLANNED,
        db_index=True,
    )
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "组织生活记录"
        verbose_name_plural = "组织生活记录"
        ordering = ["-planned_on", "-id"]
        indexes = [models.Index(fields=["org", "status", "held_on", "kind"])]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.topic}"

    @property
    def date(self):
        return self.held_on or self.planned_on

    @property
    def hours(self) -> Decimal:
        """The recorded duration, else the kind's usual one."""
        return self.duration_hours if self.duration_hours is not None else USUAL_HOURS[self.kind]


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", "出席"
        ABSENT = "absent", "缺席"
        LEAVE = "leave", "请假"

    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="attendance"
    )
    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="attendance"
    )
    status = models.CharField(
        "出席情况", max_length=16, choices=Status.choices, default=Status.PRESENT
    )
    reason = models.CharField("缺席/请假原因", max_length=100, blank=True)
    can_vote = models.BooleanField("有表决权", default=True)

    class Meta:
        verbose_name = "出席情况"
        verbose_name_plural = "出席情况"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"], name="attendance_once_per_meeting"
            )
        ]
        # (meeting, status) lets the attendance rate count a year's rows from the index alone.
        indexes = [
            models.Index(fields=["member", "status"]),
            models.Index(fields=["meeting", "status"], name="attendance_meeting_status"),
        ]

    def __str__(self):
        return f"{self.member.name} {self.get_status_display()}"


class Attachment(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("文件", upload_to="meetings/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, on_delete=models.SET_NULL
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class Period(models.TextChoices):
    MONTH = "month", "每月"
    QUARTER = "quarter", "每季度"
    YEAR = "year", "每年"


class FrequencyRule(models.Model):
    """How often a kind of meeting is required for some kinds of org (DOMAIN.md defaults)."""

    kind = models.CharField("会议类型", max_length=32, choices=Kind.choices)
    org_types = models.JSONField("适用组织类型", default=list)
    period = models.CharField("周期", max_length=16, choices=Period.choices)
    required = models.PositiveSmallIntegerField("每周期至少", default=1)
    needs_committee = models.BooleanField("仅限设委员会的组织", default=False)
    enabled = models.BooleanField("启用", default=True)
    sort_order = models.IntegerField("排序号", default=0)

    class Meta:
        verbose_name = "组织生活频次规则"
        verbose_name_plural = "组织生活频次规则"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.get_period_display()}至少 {self.required} 次"


class AppraisalRound(models.Model):
    """民主评议党员: one round a year per branch."""

    org = models.ForeignKey(
        Org, verbose_name="党支部", on_delete=models.PROTECT, related_name="appraisal_rounds"
    )
    year = models.PositiveSmallIntegerField("年度")
    held_on = models.DateField("评议日期")
    closed = models.BooleanField("已完成", default=False)

    class Meta:
        verbose_name = "民主评议"
        verbose_name_plural = "民主评议"
        ordering = ["-year", "org_id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="appraisal_once_a_year")
        ]

    def __str__(self):
        return f"{self.org.name} {self.year} 年民主评议党员"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    QUALIFIED = "qualified", "合格"
    BASIC = "basic", "基本合格"
    UNQUALIFIED = "unqualified", "不合格"


class AppraisalResult(models.Model):
    round = models.ForeignKey(
        AppraisalRound, verbose_name="评议", on_delete=models.CASCADE, related_name="results"
    )
    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="appraisals"
    )
    grade = models.CharField(
        "等次", max_length=16, choices=Grade.choices, blank=True
    )  # blank: probationary, not graded
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "评议结果"
        verbose_name_plural = "评议结果"
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="appraisal_result_once")
        ]

    def __str__(self):
        return f"{self.member.name} {self.get_grade_display()}"


class Election(models.Model):
    """换届选举: once approved by the upper org it replaces the committee and sets the new term."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待上级批复"
        APPROVED = "approved", "已批复"
        REJECTED = "rejected", "未批准"

    org = models.ForeignKey(
        Org, verbose_name="组织", on_delete=models.PROTECT, related_name="elections"
    )
    held_on = models.DateField("选举日期")
    method = models.CharField(
        "选举方式", max_length=16, choices=[("competitive", "差额选举"), ("equal", "等额选举")]
    )
    voters = models.PositiveIntegerField("应到有选举权党员")
    ballots = models.PositiveIntegerField("收回选票")
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    answered_on = models.DateField("批复日期", null=True, blank=True)
    answer_note = models.CharField("批复意见", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "换届选举"
        verbose_name_plural = "换届选举"
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.org.name} {self.held_on:%Y-%m-%d} 换届选举"


class ElectedMember(models.Model):
    election = models.ForeignKey(
        Election, verbose_name="选举", on_delete=models.CASCADE, related_name="elected"
    )
    name = models.CharField("姓名", max_length=50)
    post = models.CharField("职务", max_length=32)
    votes = models.PositiveIntegerField("得票")

    class Meta:
        verbose_name = "当选人"
        verbose_name_plural = "当选人"
        ordering = ["id"]

    def __str__(self):
        return f"{self.name}（{self.votes} 票）"
