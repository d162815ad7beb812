from django.db import models
from treebeard.mp_tree import MP_Node


class OrgType(models.TextChoices):
    WORKING_COMMITTEE = "working_committee", "机关工委"
    ORGAN_COMMITTEE = "organ_committee", "机关党委"
    BASIC_COMMITTEE = "basic_committee", "基层党委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"
    JOINT_BRANCH = "joint_branch", "联合支部"
    PARTY_GROUP = "party_group", "党小组"


BRANCH_TYPES = frozenset({OrgType.BRANCH, OrgType.JOINT_BRANCH})
COMMITTEE_TYPES = frozenset({OrgType.ORGAN_COMMITTEE, OrgType.BASIC_COMMITTEE})

# Which kinds of org may sit directly under which (机关工委 → 党委 → 总支 → 支部 → 党小组).
ALLOWED_CHILDREN = {
    OrgType.WORKING_COMMITTEE: {
        OrgType.ORGAN_COMMITTEE,
        OrgType.BASIC_COMMITTEE,
        OrgType.GENERAL_BRANCH,
        OrgType.BRANCH,
        OrgType.JOINT_BRANCH,
    },
    OrgType.ORGAN_COMMITTEE: {
        OrgType.BASIC_COMMITTEE,
        OrgType.GENERAL_BRANCH,
        OrgType.BRANCH,
        OrgType.JOINT_BRANCH,
    },
    OrgType.BASIC_COMMITTEE: {OrgType.GENERAL_BRANCH, OrgType.BRANCH, OrgType.JOINT_BRANCH},
    OrgType.GENERAL_BRANCH: {OrgType.BRANCH, OrgType.JOINT_BRANCH},
    OrgType.BRANCH: {OrgType.PARTY_GROUP},
    OrgType.JOINT_BRANCH: {OrgType.PARTY_GROUP},
    OrgType.PARTY_GROUP: set(),
}


class Org(MP_Node):
    name = models.CharField("组织名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    code = models.CharField("组织编码", max_length=32, unique=True)
    org_type = models.CharField("组织类型", max_length=32, choices=OrgType.choices)
    unit = models.CharField("所在单位", max_length=100, blank=True)
    established_on = models.DateField("成立日期", null=True, blank=True)
    sort_order = models.IntegerField("排序号", default=0)
    term_start = models.DateField("本届任期开始", null=True, blank=True)
    term_end = models.DateField("本届任期届满", null=True, blank=True)
    dissolved_on = models.DateField("撤销日期", null=True, blank=True, db_index=True)
    dissolve_reason = models.CharField("撤销原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"

    def __str__(self):
        return self.name

    @property
    def is_dissolved(self) -> bool:
        return self.dissolved_on is not None

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class CommitteePost(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY_SECRETARY = "deputy_secretary", "副书记"
    ORGANISATION = "organisation", "组织委员"
    PUBLICITY = "publicity", "宣传委员"
    DISCIPLINE = "discipline", "纪检委员"
    MEMBER = "member", "委员"


class CommitteeSeat(models.Model):
    """A seat on an org's current committee (支委会 / 党委委员会)."""

    org = models.ForeignKey(
        Org, verbose_name="组织", on_delete=models.CASCADE, related_name="committee"
    )
    name = models.CharField("姓名", max_length=50)
    # The member record, where the holder is on the roll; the typed name stays for history and
    # for people outside it. A string reference: orgs imports nothing from members.
    member = models.ForeignKey(
        "members.Member",
        verbose_name="党员记录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="committee_seats",
    )
    post = models.CharField("职务", max_length=32, choices=CommitteePost.choices)
    sort_order = models.IntegerField("排序号", default=0)

    class Meta:
        verbose_name = "班子成员"
        verbose_name_plural = "班子成员"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return f"{self.name}（{self.get_post_display()}）"


class HealthRule(models.Model):
    """A data-driven check on an org (DOMAIN.md "Organisation tree").

    All `conditions` must hold for the rule to fire; each is [metric, operator, value]. The
    committee admin may change thresholds, messages and switch rules off.
    """

    code = models.SlugField("规则编码", max_length=50, unique=True)
    name = models.CharField("规则名称", max_length=100)
    org_types = models.JSONField("适用组织类型", default=list)
    conditions = models.JSONField("条件", default=list)
    message = models.CharField("提示语", max_length=300)
    severity = models.CharField(
        "级别", max_length=16, choices=[("warning", "提醒"), ("error", "问题")], default="warning"
    )
    enabled = models.BooleanField("启用", default=True)
    sort_order = models.IntegerField("排序号", default=0)

    class Meta:
        verbose_name = "组织健康检查规则"
        verbose_name_plural = "组织健康检查规则"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name
