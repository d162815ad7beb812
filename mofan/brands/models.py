"""四强党支部 (the yearly call, a branch's application, its yearly re-check) and 党建品牌 (an
org's brand application and the committee's recognition batches)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

CRITERIA = ("政治建设强", "队伍建设强", "组织生活强", "作用发挥强", "群众工作强")


class Status(models.TextChoices):
    """The steps an application goes through, the same for 四强 and for a brand."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待单位审核"
    RETURNED = "returned", "退回修改"
    UNIT_PASSED = "unit_passed", "待工委认定"
    RECOGNISED = "recognised", "已认定"
    REJECTED = "rejected", "未予认定"
    REVOKED = "revoked", "已撤销"


EDITABLE = (Status.DRAFT, Status.RETURNED)
ENDED = (Status.REJECTED, Status.REVOKED)


class CallStatus(models.TextChoices):
    OPEN = "open", "申报中"
    CLOSED = "closed", "已截止"


class Call(models.Model):
    """A year's 四强党支部 call of the committee: criteria, the threshold of organisational life,
    the negative list (负面清单) the applicant confirms none of applies."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=100)
    criteria = models.JSONField(
        "创建标准", default=list, blank=True
    )  # [{"name": 政治建设强, "text": …}]
    min_compliance = models.DecimalField(
        "组织生活按期完成率不低于（%）", max_digits=5, decimal_places=1, default=90
    )
    require_checklist = models.BooleanField(
        "须党支部标准化规范化建设达标",
        default=True,
        help_text="当年的标准化规范化建设检查已定档时勾选；否则不作为前置条件",
    )
    negative_list = models.TextField("负面清单", blank=True)
    deadline = models.DateField("申报截止日期", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=CallStatus, default=CallStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "四强党支部创建申报"
        verbose_name_plural = verbose_name
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="brands_one_call_a_year")
        ]

    def __str__(self):
        return self.title

    @property
    def negative_items(self) -> list[str]:
        return [line.strip() for line in self.negative_list.splitlines() if line.strip()]

    @property
    def is_open(self) -> bool:
        return self.status == CallStatus.OPEN


class Decided(models.Model):
    """What every application records of its way through the reviews."""

    status = models.CharField("状态", max_length=12, choices=Status, default=Status.DRAFT)
    submitted_on = models.DateField("申报日期", null=True, blank=True)
    unit_note = models.CharField("单位审核意见", max_length=500, blank=True)
    reason = models.CharField("退回或不予认定原因", max_length=500, blank=True)
    recognised_on = models.DateField("认定日期", null=True, blank=True)
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    revoke_reason = models.CharField("撤销原因", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE


class Application(Decided):
    """A branch's 四强党支部 application to a call."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    self_evaluation = models.JSONField(
        "对照标准自评", default=dict, blank=True
    )  # {criterion: text}
    negative_confirmed = models.BooleanField("已确认不存在负面清单所列情形", default=False)
    prerequisites = models.JSONField("申报时的前置条件核验", default=list, blank=True)

    class Meta:
        verbose_name = "四强党支部申报"
        verbose_name_plural = verbose_name
        ordering = ["org__path", "id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "org"], name="brands_one_application_a_call")
        ]

    def __str__(self):
        return f"{self.call.year}年四强党支部申报：{self.org}"


class Recheck(models.Model):
    """The yearly review of a recognised 四强党支部 (dynamic management): kept, with a note."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="rechecks")
    year = models.PositiveSmallIntegerField("复核年度")
    note = models.CharField("复核意见", max_length=500)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "四强党支部年度复核"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["application", "year"], name="brands_recheck_once")
        ]

    def __str__(self):
        return f"{self.year}年度复核：{self.note}"


class Batch(models.Model):
    """A recognition batch of 党建品牌 (第一批, 第二批 …) decided by the committee."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField("批次")
    decided_on = models.DateField("认定日期")
    note = models.CharField("认定决定", max_length=500)

    class Meta:
        verbose_name = "党建品牌认定批次"
        verbose_name_plural = verbose_name
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["org", "number"], name="brands_batch_number_once")
        ]

    def __str__(self):
        return f"第{chinese_number(self.number)}批"


class Brand(Decided):
    """An org's 党建品牌 application, recognised in a batch. One active brand per org."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("品牌名称", max_length=60)
    slogan = models.CharField("品牌口号", max_length=100, blank=True)
    description = models.TextField("品牌内涵")
    measures = models.TextField("主要举措")
    results = models.TextField("工作成效")
    batch = models.ForeignKey(
        Batch, on_delete=models.PROTECT, null=True, blank=True, related_name="brands"
    )

    class Meta:
        verbose_name = "党建品牌"
        verbose_name_plural = verbose_name
        ordering = ["org__path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["org"],
                condition=~Q(status__in=ENDED),
                name="brands_one_active_brand_per_org",
            )
        ]

    def __str__(self):
        return f"{self.name}（{self.org}）"


class StoredFile(models.Model):
    file = models.FileField("文件", upload_to="brands/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name


class ApplicationFile(StoredFile):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="files")

    class Meta:
        verbose_name = "四强党支部申报材料"
        verbose_name_plural = verbose_name


class BrandFile(StoredFile):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="files")

    class Meta:
        verbose_name = "党建品牌申报材料"
        verbose_name_plural = verbose_name


DIGITS = "零一二三四五六七八九"


def chinese_number(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (batches stay well below a hundred)."""
    if number < 10:
        return DIGITS[number]
    tens, ones = divmod(number, 10)
    return f"{DIGITS[tens] if tens > 1 else ''}十{DIGITS[ones] if ones else ''}"
