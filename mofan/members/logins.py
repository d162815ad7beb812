"""Members as users: the naming rule, accounts created in bulk for the members of a branch,
and the sheet of first passwords that the secretary downloads once.

The one-to-one link lives on the member (`Member.user`): accounts knows nothing of members.
"""

import json
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from mofan.accounts.models import User
from mofan.accounts.passwords import first_password_hash, generate_first_password
from mofan.accounts.services import NewMemberLogin, member_users_create
from mofan.core.access import is_system, scope_of
from mofan.core.audit import audit, diff, snapshot
from mofan.core.errors import ApplicationError, full_clean_or_refuse
from mofan.core.excel import Export, new_sheet
from mofan.members import crypto
from mofan.members.models import LoginRule, LoginSheet, Member, UsernameSource
from mofan.members.services import require_member_writer
from mofan.orgs.models import Org

MOBILE = re.compile(r"^1\d{10}$")
MAX_BATCH = 500
SHEET_HEADERS = ["姓名", "所在支部", "用户名", "初始密码"]


def login_rule_get() -> LoginRule:
    """The rule in force; the default (generated codes) until the committee admin sets one."""
    return LoginRule.objects.order_by("id").first() or LoginRule()


@transaction.atomic
def login_rule_update(*, actor, username_source: str, code_prefix: str) -> LoginRule:
    if not scope_of(actor).is_committee_admin:
        raise PermissionDenied("只有工委管理员可以设置党员账号规则")
    rule = login_rule_get()
    before = snapshot(rule, ["username_source", "code_prefix"])
    rule.username_source = username_source
    rule.code_prefix = code_prefix.strip().lower()
    full_clean_or_refuse(rule)
    rule.save()
    changes = diff(before, snapshot(rule, ["username_source", "code_prefix"]))
    if changes:
        audit(actor=actor, action="member.login_rule", target=rule, changes=changes)
    return rule


def username_for(member: Member, rule: LoginRule) -> str | None:
    """The username the rule gives this member, or None when it gives none (no mobile number)."""
    if rule.username_source == UsernameSource.PHONE:
        phone = member.phone.replace(" ", "").replace("-", "")
        return phone if MOBILE.match(phone) else None
    return f"{rule.code_prefix}{member.pk:06d}"


@dataclass(frozen=True)
class Skipped:
    member_id: int
    name: str
    reason: str


@dataclass(frozen=True)
class Planned:
    """Who would get which username, and who is left out and why, before anything is written."""

    logins: list[tuple[Member, str]]
    skipped: list[Skipped]


def logins_plan(members: list[Member], rule: LoginRule | None = None) -> Planned:
    rule = rule or login_rule_get()
    wanted = {m.pk: username_for(m, rule) for m in members if m.user_id is None and m.is_current}
    taken = set(
        User.objects.filter(username__in=[u for u in wanted.values() if u]).values_list(
            "username", flat=True
        )
    )
    logins, skipped = [], []
    for member in members:
        reason = _skip_reason(member, wanted.get(member.pk), taken)
        if reason:
            skipped.append(Skipped(member.pk, member.name, reason))
        else:
            username = wanted[member.pk]
            taken.add(username)
            logins.append((member, username))
    return Planned(logins, skipped)


def _skip_reason(member: Member, username: str | None, taken: set[str]) -> str:
    if member.user_id is not None:
        return "已有账号"
    if not member.is_current:
        return f"已{member.get_status_display()}"
    if username is None:
        return "没有登记 11 位手机号码，按现行规则无法生成用户名"
    if username in taken:
        return f"用户名 {username} 已被其他账号使用"
    return ""


def _require_enroller(actor, members: list[Member]) -> None:
    for branch in {m.org_id: m.org for m in members}.values():
        require_member_writer(actor, branch)


@transaction.atomic
def member_logins_create(*, actor, members: list[Member], org: Org | None = None) -> LoginSheet:
    """Accounts for these members (each must change the random first password at first login),
    with the member role on their branch; members with an account already are skipped and
    reported. The sheet of first passwords is kept encrypted for one download."""
    if not members:
        raise ApplicationError("请选择要开通账号的党员")
    if len(members) > MAX_BATCH:
        raise ApplicationError(f"一次最多为 {MAX_BATCH} 名党员开通账号，请按支部分批办理")
    _require_enroller(actor, members)
    planned = logins_plan(members)
    passwords = {member.pk: generate_first_password() for member, _ in planned.logins}
    users = member_users_create(
        actor=actor,
        logins=[
            NewMemberLogin(
                username=username,
                name=member.name,
                password_hash=first_password_hash(passwords[member.pk]),
                branch=member.org,
            )
            for member, username in planned.logins
        ],
    )
    for (member, _), user in zip(planned.logins, users, strict=True):
        member.user = user
    Member.objects.bulk_update([m for m, _ in planned.logins], ["user"])
    rows = [
        [member.name, member.org.name, username, passwords[member.pk]]
        for member, username in planned.logins
    ]
    sheet = LoginSheet.objects.create(
        created_by=actor if getattr(actor, "pk", None) else None,
        org=org,
        created_count=len(rows),
        skipped=[s.__dict__ for s in planned.skipped],
        content_cipher=crypto.encrypt(json.dumps(rows, ensure_ascii=False)) if rows else "",
    )
    audit(
        actor=actor,
        action="member.logins_create",
        target=org,
        detail=f"开通账号 {len(rows)} 个，跳过 {len(planned.skipped)} 人（清单 {sheet.pk}）",
    )
    return sheet


@transaction.atomic
def member_user_link(*, actor, member: Member, user: User) -> Member:
    """Link an existing account to the member's record (one account, one record)."""
    require_member_writer(actor, member.org)
    if member.user_id is not None:
        raise ApplicationError(f"{member.name} 已关联账号 {member.user.username}")
    if Member.objects.filter(user=user).exists():
        raise ApplicationError(f"账号 {user.username} 已关联其他党员记录")
    member.user = user
    member.save(update_fields=["user", "updated_at"])
    audit(
        actor=actor,
        action="member.user_link",
        target=member,
        changes={"user": [None, user.username]},
    )
    return member


@transaction.atomic
def login_sheet_download(*, actor, sheet: LoginSheet) -> Export:
    """The sheet of logins and first passwords, once: the passwords are then forgotten."""
    sheet = LoginSheet.objects.select_for_update().get(pk=sheet.pk)
    if not is_system(actor) and sheet.created_by_id != actor.pk:
        raise PermissionDenied("只有开通账号的人可以下载初始密码")
    if not sheet.is_downloadable:
        raise ApplicationError(
            "该清单已下载过，初始密码不再保存；如有遗失，请单位管理员在“用户管理”中为该党员重置密码"
            if sheet.downloaded_at
            else "该清单没有新开通的账号"
        )
    rows = json.loads(crypto.decrypt(sheet.content_cipher))
    title = f"党员账号和初始密码（{timezone.localdate():%Y-%m-%d}）"
    workbook, worksheet = new_sheet(title, SHEET_HEADERS, "账号")
    for row in rows:
        worksheet.append(row)
    worksheet.append([])
    worksheet.append(["首次登录须修改初始密码。本表只能下载一次，请妥善保管、分发后销毁。"])
    sheet.content_cipher = ""
    sheet.downloaded_at = timezone.now()
    sheet.save(update_fields=["content_cipher", "downloaded_at"])
    audit(
        actor=actor,
        action="member.logins_download",
        target=sheet.org,
        detail=f"下载账号和初始密码清单 {sheet.pk}（{len(rows)} 个账号）",
    )
    return Export(workbook, f"{title}.xlsx")
