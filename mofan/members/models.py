from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from mofan.orgs.models import Org

PHOTO_MAX_MB = 5  # a member's photo: the form's label and member_set_photo's check


class Sex(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class Category(models.TextChoices):
    FULL = "full", "正式党员"
    PROBATIONARY = "probationary", "预备党员"


class Status(models.TextChoices):
    NORMAL = "normal", "正常"
    MOBILE = "mobile", "流动"
    LOST = "lost", "失联"
    SUSPENDED = "suspended", "停止党籍"
    EXPELLED = "expelled", "出党"
    DECEASED = "deceased", "去世"
    TRANSFERRED_OUT = "transferred_out", "转出"


# Members still on the roll of their branch (counted, listed); the rest are history.
CURRENT_STATUSES = (Status.NORMAL, Status.MOBILE, Status.LOST)


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", "研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"
    SECONDARY = "secondary", "中专"
    HIGH_SCHOOL = "high_school", "高中"
    JUNIOR = "junior", "初中及以下"


class DuesCategory(models.TextChoices):
    EMPLOYED = "employed", "在职"
    RETIRED = "retired", "离退休"
    FARMER = "farmer", "农民"
    STUDENT = "student", "学生"
    UNEMPLOYED = "unemployed", "下岗失业"
    SUBSISTENCE = "subsistence", "低保"
    OTHER = "other", "其他"


class Member(models.Model):
    name = models.CharField("姓名", max_length=50, db_index=True)
    sex = models.CharField("性别", max_length=8, choices=Sex.choices)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    id_number_cipher = models.TextField("公民身份号码（密文）")
    id_number_hash = models.CharField("公民身份号码摘要", max_length=64, unique=True)
    id_number_masked = models.CharField("公民身份号码（脱敏）", max_length=18)
    birth_date = models.DateField("出生日期")
    native_place = models.CharField("籍贯", max_length=50, blank=True)
    education = models.CharField("学历", max_length=20, choices=Education.choices, blank=True)
    category = models.CharField("人员类别", max_length=16, choices=Category.choices)
    org = models.ForeignKey(
        Org, verbose_name="所在支部", on_delete=models.PROTECT, related_name="members"
    )
    party_group = models.ForeignKey(
        Org,
        verbose_name="党小组",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="group_members",
    )
    joined_on = models.DateField("入党日期", db_index=True)
    full_member_on = models.DateField("转正日期", null=True, blank=True)
    work_unit = models.CharField("工作单位", max_length=100, blank=True)
    post = models.CharField("职务", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True, db_index=True)
    address = models.CharField("通讯地址", max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    status = models.CharField(
        "党籍状态", max_length=20, choices=Status.choices, default=Status.NORMAL, db_index=True
    )
    is_hardship = models.BooleanField("困难党员", default=False)
    photo = models.FileField("照片", upload_to="members/photos/", null=True, blank=True)
    remarks = models.TextField("备注", blank=True)
    dues_category = models.CharField(
        "党费类别", max_length=16, choices=DuesCategory.choices, default=DuesCategory.EMPLOYED
    )
    dues_base = models.DecimalField(
        "党费计算基数（元/月）", max_digits=10, decimal_places=2, default=Decimal("0")
    )
    probation_extended_months = models.PositiveSmallIntegerField("延长预备期（月）", default=0)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "党员"
        ordering = ["org_id", "name", "id"]
        indexes = [
            models.Index(fields=["org", "status", "category"]),
            # Lists sorted by branch then name read members branch by branch in this order;
            # the status and phone let a name/phone search count from the index alone.
            models.Index(fields=["org", "name", "status", "phone"], name="member_org_name_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_STATUSES

    @property
    def party_age(self) -> int:
        """Years in the Party as of this year's anniversary of joining."""
        return timezone.localdate().year - self.joined_on.year

    @property
    def entered_on(self) -> date:
        """The day the record was entered: months before it are not held against the member
        (a member entered today has no arrears and is not yet inactive)."""
        return timezone.localtime(self.created_at).date()


class OrgMemberCount(models.Model):
    """Current members of one org (its own roll, not the sub-tree), kept by the member services
    (mofan.members.counts) so that the org tree and lists read a row instead of counting."""

    org = models.OneToOneField(
        Org, on_delete=models.CASCADE, primary_key=True, related_name="member_count"
    )
    members = models.PositiveIntegerField("党员数", default=0)
    full_members = models.PositiveIntegerField("正式党员数", default=0)
    probationary = models.PositiveIntegerField("预备党员数", default=0)

    class Meta:
        verbose_name = "组织党员数"
        verbose_name_plural = verbose_name

    def __str__(self):
        return f"{self.org_id}：党员 {self.members}"


class MemberNameGram(models.Model):
    """One character, or two adjacent characters, of a member's name, kept by the member
    services (mofan.members.search): a search by part of a name reads the members whose name
    holds the searched characters from this index instead of scanning every name. Chinese
    names are two to four characters and searches one or two, which a trigram index cannot
    serve."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="name_grams")
    gram = models.CharField("字", max_length=2)

    class Meta:
        verbose_name = "姓名检索字"
        verbose_name_plural = verbose_name
        indexes = [models.Index(fields=["gram", "member"], name="member_name_gram_idx")]
        constraints = [
            models.UniqueConstraint(fields=["member", "gram"], name="member_name_gram_once")
        ]

    def __str__(self):
        return self.gram


class MemberEvent(models.Model):
    """One line of a member's history timeline."""

    class Kind(models.TextChoices):
        JOINED = "joined", "入党"
        BECAME_FULL = "became_full", "转为正式党员"
        PROBATION_EXTENDED = "probation_extended", "延长预备期"
        TRANSFER_OUT = "transfer_out", "组织关系转出"
        TRANSFER_IN = "transfer_in", "组织关系转入"
        STATUS = "status", "党籍状态变更"
        RECORD = "record", "信息录入"

    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField("事项", max_length=32, choices=Kind.choices)
    on = models.DateField("日期")
    detail = models.CharField("说明", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "党员历史"
        verbose_name_plural = "党员历史"
        ordering = ["on", "id"]

    def __str__(self):
        return f"{self.on} {self.get_kind_display()}"


class Transfer(models.Model):
    """组织关系转接 inside the system: the receiving org sees the member only once it accepts."""

    class Status(models.TextChoices):
        PENDING = "pending", "待接收"
        ACCEPTED = "accepted", "已接收"
        REJECTED = "rejected", "已退回"

    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="transfers"
    )
    from_org = models.ForeignKey(
        Org, verbose_name="转出组织", on_delete=models.PROTECT, related_name="+"
    )
    to_org = models.ForeignKey(
        Org, verbose_name="转入组织", on_delete=models.PROTECT, related_name="incoming_transfers"
    )
    letter_number = models.CharField("介绍信编号", max_length=50)
    sent_on = models.DateField("转出日期")
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    answered_on = models.DateField("办理日期", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "组织关系转接"
        verbose_name_plural = "组织关系转接"
        ordering = ["-sent_on", "-id"]

    def __str__(self):
        return f"{self.member.name}：{self.from_org.name} → {self.to_org.name}"


class PaymentMethod(models.TextChoices):
    CASH = "cash", "现金"
    TRANSFER = "transfer", "转账"
    PROXY = "proxy", "代缴"


class DuesApproval(models.Model):
    """An approved reduced or waived monthly standard (减免), from a month on."""

    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.CASCADE, related_name="dues_approvals"
    )
    amount = models.DecimalField("核定标准（元/月）", max_digits=10, decimal_places=2)
    valid_from = models.DateField("起始月份")
    reason = models.CharField("原因", max_length=200)
    approved_by = models.CharField("批准组织", max_length=100)
    approved_on = models.DateField("批准日期")

    class Meta:
        verbose_name = "党费减免"
        verbose_name_plural = "党费减免"
        ordering = ["-valid_from", "-id"]

    def __str__(self):
        return f"{self.member.name} {self.amount}"


class DuesPayment(models.Model):
    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="dues_payments"
    )
    # The branch the member belonged to when paying: summaries stay right after a transfer.
    org = models.ForeignKey(
        Org, verbose_name="缴纳时所在支部", null=True, on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField("所属月份")  # always the first day of the month
    due = models.DecimalField("应缴（元）", max_digits=10, decimal_places=2)
    paid = models.DecimalField("实缴（元）", max_digits=10, decimal_places=2)
    paid_on = models.DateField("缴纳日期")
    method = models.CharField("方式", max_length=16, choices=PaymentMethod.choices)

    class Meta:
        verbose_name = "党费缴纳"
        verbose_name_plural = "党费缴纳"
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="dues_one_payment_per_month")
        ]
        indexes = [models.Index(fields=["month", "member"])]

    def __str__(self):
        return f"{self.member.name} {self.month:%Y-%m} {self.paid}"


class DevelopmentRule(models.Model):
    """A timing rule of member development (2014 细则); localities may adjust the values."""

    code = models.SlugField("规则编码", max_length=40, unique=True)
    name = models.CharField("规则", max_length=100)
    value = models.PositiveIntegerField("数值")
    unit = models.CharField("单位", max_length=10)
    basis = models.CharField("依据", max_length=200, blank=True)
    sort_order = models.IntegerField("排序号", default=0)

    class Meta:
        verbose_name = "发展党员时限规则"
        verbose_name_plural = "发展党员时限规则"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return f"{self.name}：{self.value} {self.unit}"


class Candidate(models.Model):
    """A person in the development pipeline (入党申请人 → 积极分子 → 发展对象 → 预备党员)."""

    name = models.CharField("姓名", max_length=50)
    sex = models.CharField("性别", max_length=8, choices=Sex.choices)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    id_number_cipher = models.TextField("公民身份号码（密文）")
    id_number_hash = models.CharField("公民身份号码摘要", max_length=64, db_index=True)
    id_number_masked = models.CharField("公民身份号码（脱敏）", max_length=18)
    birth_date = models.DateField("出生日期")
    education = models.CharField("学历", max_length=20, choices=Education.choices, blank=True)
    work_unit = models.CharField("工作单位", max_length=100, blank=True)
    post = models.CharField("职务", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    org = models.ForeignKey(
        Org, verbose_name="所在支部", on_delete=models.PROTECT, related_name="candidates"
    )
    last_step = models.PositiveSmallIntegerField("已完成步骤", default=0)
    member = models.OneToOneField(
        Member,
        verbose_name="党员记录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="candidate",
    )
    stopped_on = models.DateField("终止日期", null=True, blank=True)
    stop_reason = models.CharField("终止原因", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "发展对象"
        verbose_name_plural = "发展对象"
        ordering = ["org_id", "name", "id"]
        # Someone whose development was stopped may apply again later.
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=models.Q(stopped_on__isnull=True),
                name="candidate_once_while_active",
            )
        ]

    def __str__(self):
        return self.name


class DevelopmentStep(models.Model):
    candidate = models.ForeignKey(
        Candidate, verbose_name="发展对象", on_delete=models.CASCADE, related_name="steps"
    )
    number = models.PositiveSmallIntegerField("步骤")
    on = models.DateField("日期")
    handled_by = models.CharField("经办人/参与人", max_length=100, blank=True)
    document = models.CharField("材料/文号", max_length=100, blank=True)
    hours = models.DecimalField("学时", max_digits=6, decimal_places=1, null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "发展步骤"
        verbose_name_plural = "发展步骤"
        ordering = ["on", "number", "id"]

    def __str__(self):
        return f"{self.candidate.name} 第 {self.number} 步"


class UsernameSource(models.TextChoices):
    PHONE = "phone", "手机号码"
    CODE = "code", "生成编码（前缀 + 6 位序号）"


class LoginRule(models.Model):
    """How the accounts created for members are named; one row, set by the committee admin."""

    username_source = models.CharField(
        "用户名规则", max_length=16, choices=UsernameSource.choices, default=UsernameSource.CODE
    )
    code_prefix = models.CharField(
        "编码前缀",
        max_length=8,
        default="dy",
        validators=[RegexValidator(r"^[a-z]{1,8}$", "编码前缀须为 1–8 个小写英文字母")],
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "党员账号规则"
        verbose_name_plural = "党员账号规则"

    def __str__(self):
        return self.get_username_source_display()


class LoginSheet(models.Model):
    """The logins and first passwords of one bulk creation, kept encrypted until the creator
    downloads them once; then only the counts remain."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    org = models.ForeignKey(
        Org, verbose_name="支部", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_count = models.PositiveIntegerField("新建账号数", default=0)
    skipped = models.JSONField("跳过的党员", default=list)
    content_cipher = models.TextField("账号和初始密码（密文）", blank=True)
    downloaded_at = models.DateTimeField("下载时间", null=True, blank=True)

    class Meta:
        verbose_name = "党员账号清单"
        verbose_name_plural = "党员账号清单"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} 新建账号 {self.created_count} 个"

    @property
    def is_downloadable(self) -> bool:
        return bool(self.content_cipher) and self.downloaded_at is None


class Correction(models.Model):
    """A member's proposal to correct their own phone or address; the branch accepts or rejects."""

    class Status(models.TextChoices):
        PENDING = "pending", "待处理"
        ACCEPTED = "accepted", "已采纳"
        REJECTED = "rejected", "未采纳"

    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.CASCADE, related_name="corrections"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    old_phone = models.CharField("原联系电话", max_length=20, blank=True)
    old_address = models.CharField("原通讯地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    address = models.CharField("通讯地址", max_length=200, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    reason = models.CharField("未采纳原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "信息更正申请"
        verbose_name_plural = "信息更正申请"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status="pending"),
                name="correction_one_pending_per_member",
            )
        ]

    def __str__(self):
        return f"{self.member.name} 的信息更正申请"

    @property
    def changes(self) -> dict[str, list[str]]:
        """{label: [before, after]} of what the member asks to change."""
        pairs = {
            "联系电话": (self.old_phone, self.phone),
            "通讯地址": (self.old_address, self.address),
        }
        return {label: [old, new] for label, (old, new) in pairs.items() if old != new}
