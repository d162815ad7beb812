"""Writes to accounts, grants and tokens; each checks the actor's reach and leaves an audit record."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from mofan.accounts.models import ApiToken, Grant, User
from mofan.accounts.selectors import locked_usernames
from mofan.core.access import ROLE_RANK, Role, forget_scope, is_system, scope_of
from mofan.core.audit import audit
from mofan.core.errors import ApplicationError
from mofan.core.locking import locked, locked_value
from mofan.orgs.models import Org

TOKEN_PREFIX = "mf_"
TOKEN_DEFAULT_DAYS = 180
TOKEN_MAX_DAYS = 3650


def token_days_default() -> int:
    """How long a new token lasts unless told otherwise (setting MOFAN_TOKEN_DAYS)."""
    return getattr(settings, "MOFAN_TOKEN_DAYS", TOKEN_DEFAULT_DAYS)


def _revoke_live_tokens(user: User) -> list[str]:
    """Revoke every token of the user that still works; the prefixes of those revoked."""
    now = timezone.now()
    live = ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now)
    rows = list(live.order_by("pk").values_list("pk", "prefix"))
    if rows:
        ApiToken.objects.filter(pk__in=[pk for pk, _ in rows]).update(revoked_at=now)
    return [prefix for _, prefix in rows]


def _revoked_detail(prefixes: list[str]) -> str:
    if not prefixes:
        return ""
    return f"吊销有效令牌 {len(prefixes)} 个：" + "、".join(f"{p}…" for p in prefixes)


def _check_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), field="password") from exc


def _require_can_grant(actor, role: str, org: Org) -> None:
    """Nobody grants beyond their own sub-tree or above their own role."""
    if actor is None:
        return
    rank = scope_of(actor).admin_rank_over(org.path)
    if rank == 0:
        raise PermissionDenied("您不能在该组织范围内授权")
    if ROLE_RANK[Role(role)] > rank:
        raise PermissionDenied("不能授予高于自己的角色")


def _require_can_manage(actor, user: User) -> None:
    """An admin manages a user only if every grant the user holds is within the admin's reach."""
    if actor is None:
        return
    if actor.pk == user.pk:
        raise PermissionDenied("不能对自己的账号执行此操作")
    grants = list(user.grants.select_related("org"))
    if not grants:
        if scope_of(actor).is_committee_admin:
            return
        raise PermissionDenied("该用户没有授权，请由工委管理员处理")
    for grant in grants:
        _require_can_grant(actor, grant.role, grant.org)


@transaction.atomic
def user_create(
    *, actor, username: str, name: str, password: str, role: str, org: Org, email: str = ""
) -> User:
    """An admin creates an account with its first grant; it must change its password at first login."""
    username = username.strip()
    if not username:
        raise ApplicationError("请填写用户名", field="username")
    locked_value("username", username.casefold())  # two admins creating 张三 at once
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(f"用户名“{username}”已被使用", field="username")
    _require_can_grant(actor, role, org)
    user = User(username=username, name=name.strip(), email=email, must_change_password=True)
    _check_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit(actor=actor, action="user.create", target=user, changes={"username": [None, username]})
    grant_create(actor=actor, user=user, role=role, org=org)
    return user


@transaction.atomic
def user_set_active(*, actor, user: User, active: bool) -> User:
    _require_can_manage(actor, user)
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    revoked = [] if active else _revoke_live_tokens(user)
    audit(
        actor=actor,
        action="user.enable" if active else "user.disable",
        target=user,
        changes={"is_active": [not active, active]},
        detail=_revoked_detail(revoked),
    )
    return user


@transaction.atomic
def user_reset_password(*, actor, user: User, password: str) -> User:
    _require_can_manage(actor, user)
    _check_password(password, user)
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    revoked = _revoke_live_tokens(user)
    audit(
        actor=actor,
        action="user.password_reset",
        target=user,
        detail=_revoked_detail(revoked),
    )
    return user


@transaction.atomic
def user_change_own_password(*, user: User, old_password: str, new_password: str) -> User:
    if not user.check_password(old_password):
        raise ApplicationError("原密码不正确", field="old_password")
    if old_password == new_password:
        raise ApplicationError("新密码不能与原密码相同", field="new_password1")
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), field="new_password1") from exc
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit(actor=user, action="user.password_change", target=user)
    return user


@transaction.atomic
def user_unlock(*, actor, user: User) -> int:
    _require_can_manage(actor, user)
    removed = axes_reset(username=user.username)
    audit(actor=actor, action="user.unlock", target=user, detail=f"清除失败登录记录 {removed} 条")
    return removed


@transaction.atomic
def grant_create(*, actor, user: User, role: str, org: Org) -> Grant:
    if role not in Role.values:
        raise ApplicationError("角色不正确", field="role")
    _require_can_grant(actor, role, org)
    locked(user)  # the same grant twice at once: the second sees the first
    if Grant.objects.filter(user=user, role=role, org=org).exists():
        raise ApplicationError("该用户已有此授权", field="role")
    grant = Grant.objects.create(
        user=user, role=role, org=org, created_by=actor if getattr(actor, "pk", None) else None
    )
    forget_scope(user)
    audit(
        actor=actor,
        action="grant.create",
        target=user,
        changes={"grant": [None, f"{Role(role).label} @ {org.name}"]},
    )
    return grant


@transaction.atomic
def grant_revoke(*, actor, grant: Grant) -> None:
    _require_can_grant(actor, grant.role, grant.org)
    user = grant.user
    description = f"{grant.get_role_display()} @ {grant.org.name}"
    grant.delete()
    forget_scope(user)
    audit(actor=actor, action="grant.revoke", target=user, changes={"grant": [description, None]})


@dataclass(frozen=True)
class NewMemberLogin:
    """One plain-member account to create: the password comes hashed, so that one hash may
    serve many accounts (the demo) and the plain text never reaches this layer."""

    username: str
    name: str
    password_hash: str
    branch: Org
    must_change_password: bool = True


def _require_can_enrol(actor, branch: Org) -> None:
    """Who records a branch's members (its secretary, its admins) gives them their accounts."""
    if not scope_of(actor).can_record(branch.path):
        raise PermissionDenied(f"您不能为“{branch.name}”的党员开通账号")


@transaction.atomic
def member_users_create(*, actor, logins: list[NewMemberLogin]) -> list[User]:
    """Accounts in bulk, each with the plain-member role on its branch (a fixed number of
    queries for any number of accounts); one audit row lists them all."""
    for branch in {login.branch.pk: login.branch for login in logins}.values():
        _require_can_enrol(actor, branch)
    usernames = [login.username for login in logins]
    if len(set(usernames)) != len(usernames):
        raise ApplicationError("同一批账号中有重复的用户名")
    taken = sorted(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    if taken:
        raise ApplicationError(f"用户名已被使用：{'、'.join(taken[:10])}")
    users = User.objects.bulk_create(
        User(
            username=login.username,
            name=login.name,
            password=login.password_hash,
            must_change_password=login.must_change_password,
        )
        for login in logins
    )
    created_by = actor if getattr(actor, "pk", None) else None
    Grant.objects.bulk_create(
        Grant(user=user, role=Role.MEMBER, org=login.branch, created_by=created_by)
        for user, login in zip(users, logins, strict=True)
    )
    if users:
        audit(
            actor=actor,
            action="user.bulk_create",
            changes={"usernames": [None, usernames]},
            detail=f"为党员开通账号 {len(users)} 个（党员角色）",
        )
    return users


@transaction.atomic
def member_user_disable(*, actor, user: User, branch: Org, reason: str) -> User:
    """The account of a member who left the roll of `branch` (left the Party, died, moved out of
    the system) stops working; the caller has checked that the actor records that branch."""
    _require_can_enrol(actor, branch)
    if not user.is_active:
        return user
    user.is_active = False
    user.save(update_fields=["is_active"])
    revoked = _revoke_live_tokens(user)
    audit(
        actor=actor,
        action="user.disable",
        target=user,
        changes={"is_active": [True, False]},
        detail="；".join(part for part in (reason, _revoked_detail(revoked)) if part),
    )
    return user


@transaction.atomic
def member_grant_move(*, actor, user: User, from_branch: Org, to_branch: Org) -> None:
    """A member moved inside the system keeps the account; its member grant follows them."""
    _require_can_enrol(actor, to_branch)
    grants = Grant.objects.filter(user=user, role=Role.MEMBER, org=from_branch)
    if not grants.exists():
        return
    if Grant.objects.filter(user=user, role=Role.MEMBER, org=to_branch).exists():
        grants.delete()
    else:
        grants.update(org=to_branch)
    forget_scope(user)
    audit(
        actor=actor,
        action="grant.move",
        target=user,
        changes={
            "grant": [
                f"{Role.MEMBER.label} @ {from_branch.name}",
                f"{Role.MEMBER.label} @ {to_branch.name}",
            ]
        },
    )


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def token_create(*, actor, user: User, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new personal token valid for `days` days (1..3650, by default MOFAN_TOKEN_DAYS);
    the plain token is returned once and never stored."""
    if not is_system(actor) and actor.pk != user.pk:
        raise PermissionDenied("只能为自己创建令牌")
    if days is None:
        days = token_days_default()
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= TOKEN_MAX_DAYS:
        raise ApplicationError(f"有效天数须为 1 至 {TOKEN_MAX_DAYS} 之间的整数", field="days")
    name = name.strip() or "API"
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(days=days)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=plain[:10],
        token_hash=hash_token(plain),
        expires_at=expires_at,
    )
    audit(
        actor=actor,
        action="token.create",
        target=token,
        detail=f"用户 {user.username}，有效期 {days} 天",
    )
    return token, plain


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if not is_system(actor) and actor.pk != token.user_id:
        raise PermissionDenied("只能吊销自己的令牌")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit(actor=actor, action="token.revoke", target=token)
    return token


def token_authenticate(plain: str) -> User | None:
    """The user of a live token: not revoked, not expired, its user active and not locked out
    by failed logins (django-axes); anything else is refused like an unknown token."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(
            token_hash=hash_token(plain),
            revoked_at__isnull=True,
            expires_at__gt=now,
            user__is_active=True,
        )
        .first()
    )
    if token is None or locked_usernames([token.user.username]):
        return None
    # Record use at most once a minute so a busy client does not write on every call.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
