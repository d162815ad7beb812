from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from mofan.core.access import Role


class User(AbstractUser):
    name = models.CharField("姓名", max_length=50, blank=True)
    must_change_password = models.BooleanField("首次登录须修改密码", default=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self):
        return f"{self.name}（{self.username}）" if self.name else self.username

    @property
    def display_name(self) -> str:
        return self.name or self.username


class Grant(models.Model):
    """A role held over an org and its whole sub-tree."""

    user = models.ForeignKey(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="grants"
    )
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    org = models.ForeignKey(
        "orgs.Org", verbose_name="组织", on_delete=models.PROTECT, related_name="grants"
    )
    created_at = models.DateTimeField("授权时间", auto_now_add=True)
    created_by = models.ForeignKey(
        User,
        verbose_name="授权人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "授权"
        verbose_name_plural = "授权"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "org"], name="grant_unique_user_role_org"
            )
        ]

    def __str__(self):
        return f"{self.user.username} · {self.get_role_display()} · {self.org.name}"


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 is stored, the token is shown once."""

    user = models.ForeignKey(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("用途", max_length=100)
    prefix = models.CharField("前缀", max_length=12)
    token_hash = models.CharField("摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最后使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    expires_at = models.DateTimeField("有效期至")

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        """Neither revoked nor past its expiry."""
        return self.revoked_at is None and not self.is_expired
