from decimal import Decimal

from django.conf import settings
from django.db import models

from mofan.orgs.models import Org


class Plan(models.Model):
    """One plan of a year's 1+N set: the master 实施方案 or a sub-plan (学习计划, 纪检计划 …)."""

    class Kind(models.TextChoices):
        MASTER = "master", "实施方案"
        SUB = "sub", "分方案"

    org = models.ForeignKey(
        Org, verbose_name="制定组织", on_delete=models.PROTECT, related_name="plans"
    )
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    master = models.ForeignKey(
        "self",
        verbose_name="所属实施方案",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_plans",
    )
    title = models.CharField("标题", max_length=200)
    summary = models.TextField("说明", blank=True)
    sort_order = models.IntegerField("排序号", default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "创建方案"
        verbose_name_plural = "创建方案"
        ordering = ["-year", "kind", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "year"],
                condition=models.Q(kind="master"),
                name="one_master_plan_per_org_year",
            )
        ]

    def __str__(self):
        return self.title


class PlanItem(models.Model):
    plan = models.ForeignKey(
        Plan, verbose_name="方案", on_delete=models.CASCADE, related_name="items"
    )
    number = models.CharField("序号", max_length=20, blank=True)
    title = models.CharField("事项", max_length=200)
    content = models.TextField("内容", blank=True)
    sort_order = models.IntegerField("排序号", default=0)

    class Meta:
        verbose_name = "方案事项"
        verbose_name_plural = "方案事项"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return f"{self.number} {self.title}".strip()


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未开始"
    IN_PROGRESS = "in_progress", "进行中"
    SUBMITTED = "submitted", "待验收"
    DONE = "done", "已完成"
    CANCELLED = "cancelled", "已取消"


OPEN_STATUSES = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED)


class Task(models.Model):
    plan = models.ForeignKey(
        Plan,
        verbose_name="方案",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    item = models.ForeignKey(
        PlanItem,
        verbose_name="方案事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级任务",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subtasks",
    )
    assigner = models.ForeignKey(
        Org, verbose_name="交办组织", on_delete=models.PROTECT, related_name="assigned_tasks"
    )
    owner_org = models.ForeignKey(
        Org, verbose_name="责任单位", on_delete=models.PROTECT, related_name="tasks"
    )
    title = models.CharField("任务", max_length=200)
    content = models.TextField("内容", blank=True)
    target = models.CharField("目标要求", max_length=300, blank=True)
    owner_people = models.CharField("责任人", max_length=100, blank=True)
    leader = models.CharField("分管领导", max_length=50, blank=True)
    start_on = models.DateField("开始日期")
    deadline = models.DateField("完成时限", db_index=True)
    milestones = models.TextField("节点安排", blank=True)
    needs_evidence = models.BooleanField("完成须上传佐证", default=False)
    weight = models.DecimalField("权重", max_digits=6, decimal_places=2, default=Decimal("1"))
    status = models.CharField(
        "状态",
        max_length=16,
        choices=TaskStatus.choices,
        default=TaskStatus.NOT_STARTED,
        db_index=True,
    )
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    # The last submission for acceptance (cleared when returned); 按时 = submitted by the deadline.
    submitted_on = models.DateField("报请验收日期", null=True, blank=True)
    finished_on = models.DateField("完成日期", null=True, blank=True)  # the day it was accepted
    source_meeting = models.ForeignKey(
        "WeeklyMeeting",
        verbose_name="来源（周调度）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_tasks",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "任务"
        verbose_name_plural = "任务"
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["owner_org", "status", "deadline"])]

    def __str__(self):
        return self.title


class TaskEvent(models.Model):
    """The task's timeline: assigned, split, progress, submitted, accepted, returned, cancelled."""

    class Kind(models.TextChoices):
        CREATED = "created", "下达"
        SPLIT = "split", "分解"
        PROGRESS = "progress", "报告进展"
        SUBMITTED = "submitted", "报请验收"
        ACCEPTED = "accepted", "验收通过"
        RETURNED = "returned", "退回"
        CANCELLED = "cancelled", "取消"
        UPDATED = "updated", "修改"

    task = models.ForeignKey(
        Task, verbose_name="任务", on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField("事项", max_length=16, choices=Kind.choices)
    at = models.DateTimeField("时间", auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    text = models.TextField("说明", blank=True)
    percent = models.PositiveSmallIntegerField("进度（%）", null=True, blank=True)

    class Meta:
        verbose_name = "任务记录"
        verbose_name_plural = "任务记录"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.task} {self.get_kind_display()}"


class Evidence(models.Model):
    event = models.ForeignKey(
        TaskEvent, verbose_name="进展", on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField("文件", upload_to="tasks/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"

    def __str__(self):
        return self.original_name


class WeeklyMeeting(models.Model):
    """周调度: a weekly review of tasks with their status at that moment and the decisions."""

    org = models.ForeignKey(
        Org, verbose_name="组织", on_delete=models.PROTECT, related_name="weekly_meetings"
    )
    held_on = models.DateField("日期")
    attendees = models.CharField("参会人员", max_length=300)
    decisions = models.TextField("议定事项", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "周调度"
        verbose_name_plural = "周调度"
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.org.name} {self.held_on:%Y-%m-%d} 周调度"


class WeeklyReview(models.Model):
    meeting = models.ForeignKey(
        WeeklyMeeting, verbose_name="周调度", on_delete=models.CASCADE, related_name="reviews"
    )
    task = models.ForeignKey(
        Task, verbose_name="任务", on_delete=models.PROTECT, related_name="reviews"
    )
    status = models.CharField("当时状态", max_length=16)
    progress = models.PositiveSmallIntegerField("当时进度（%）")
    overdue = models.BooleanField("当时逾期", default=False)
    note = models.CharField("调度意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "调度任务"
        verbose_name_plural = "调度任务"

    def __str__(self):
        return f"{self.meeting} · {self.task}"


class Instruction(models.Model):
    """督查督办: an instruction registered, assigned to units, followed up until answered."""

    class Source(models.TextChoices):
        SUPERIOR = "superior", "上级批示"
        MEETING = "meeting", "会议决定"
        LEADER = "leader", "领导交办"
        OTHER = "other", "其他"

    class Level(models.TextChoices):
        NORMAL = "normal", "一般"
        IMPORTANT = "important", "重要"
        URGENT = "urgent", "紧急"

    org = models.ForeignKey(
        Org, verbose_name="督办组织", on_delete=models.PROTECT, related_name="instructions"
    )
    source = models.CharField("来源", max_length=16, choices=Source.choices)
    title = models.CharField("事项", max_length=200)
    content = models.TextField("内容")
    received_on = models.DateField("收到日期")
    level = models.CharField("等级", max_length=16, choices=Level.choices, default=Level.NORMAL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "督办事项"
        verbose_name_plural = "督办事项"
        ordering = ["-received_on", "-id"]

    def __str__(self):
        return self.title


class Assignment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待反馈"
        ANSWERED = "answered", "已反馈"
        CLOSED = "closed", "已办结"

    instruction = models.ForeignKey(
        Instruction, verbose_name="督办事项", on_delete=models.CASCADE, related_name="assignments"
    )
    org = models.ForeignKey(
        Org, verbose_name="承办单位", on_delete=models.PROTECT, related_name="assignments"
    )
    deadline = models.DateField("反馈时限", db_index=True)
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    first_answered_on = models.DateField("首次反馈日期", null=True, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    reminders = models.PositiveSmallIntegerField("催办次数", default=0)

    class Meta:
        verbose_name = "督办承办"
        verbose_name_plural = "督办承办"
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(fields=["instruction", "org"], name="assignment_once_per_org")
        ]

    def __str__(self):
        return f"{self.instruction} → {self.org}"


class Feedback(models.Model):
    class Kind(models.TextChoices):
        ANSWER = "answer", "反馈"
        REMINDER = "reminder", "催办"
        CLOSE = "close", "办结"

    assignment = models.ForeignKey(
        Assignment, verbose_name="承办", on_delete=models.CASCADE, related_name="feedback"
    )
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    on = models.DateField("日期")
    text = models.TextField("内容")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "督办记录"
        verbose_name_plural = "督办记录"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.assignment} {self.get_kind_display()}"


class FeedbackFile(models.Model):
    """A file a 承办单位 attached to its answer (反馈材料)."""

    feedback = models.ForeignKey(
        Feedback, verbose_name="反馈", on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField("文件", upload_to="supervision/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")

    class Meta:
        verbose_name = "反馈材料"
        verbose_name_plural = "反馈材料"

    def __str__(self):
        return self.original_name
