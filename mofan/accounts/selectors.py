from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from mofan.accounts.models import ApiToken, Grant, User
from mofan.core.access import ADMIN_ROLES, Role, scope_of
from mofan.core.lookup import get_or_404
from mofan.orgs.models import Org
from mofan.orgs.selectors import orgs_under_roles


def user_list(
    *, actor, text: str = "", role: str = "", include_inactive: bool = False
) -> QuerySet[User]:
    """Users holding at least one grant inside the actor's administered sub-trees; for the
    committee admin also the users left without any grant, whom nobody else can reach."""
    scope = scope_of(actor)
    grants_in_reach = Grant.objects.filter(scope.paths_q(scope.admin_paths, "org__path"))
    if role:
        grants_in_reach = grants_in_reach.filter(role=role)
    in_reach = Q(pk__in=grants_in_reach.values("user_id"))
    if scope.is_committee_admin and not role:
        in_reach |= ~Exists(Grant.objects.filter(user=OuterRef("pk")))
    users = User.objects.filter(in_reach)
    if not include_inactive:
        users = users.filter(is_active=True)
    if text:
        users = users.filter(Q(username__icontains=text) | Q(name__icontains=text))
    return users.prefetch_related(
        Prefetch("grants", queryset=Grant.objects.select_related("org").order_by("org__path"))
    ).order_by("username")


def user_get(*, actor, user_id) -> User:
    return get_or_404(user_list(actor=actor, include_inactive=True), user_id, "未找到该用户")


def branch_handlers(*, branch: Org) -> QuerySet[User]:
    """Who handles a branch's members' requests: its secretaries, or, where it has none, the
    unit admins above it."""
    active = User.objects.filter(is_active=True)
    secretaries = active.filter(grants__role=Role.SECRETARY, grants__org=branch)
    if secretaries.exists():
        return secretaries.distinct()
    ancestors = [branch.path[:end] for end in range(Org.steplen, len(branch.path), Org.steplen)]
    return active.filter(grants__role=Role.UNIT_ADMIN, grants__org__path__in=ancestors).distinct()


def administered_orgs(*, actor) -> QuerySet[Org]:
    return orgs_under_roles(actor=actor, roles=ADMIN_ROLES)


def locked_usernames(usernames: list[str]) -> set[str]:
    """Which of these accounts are locked out right now (one query).

    axes keeps one row per username, address and browser and locks on their sum, as we do.
    """
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return set(
        AccessAttempt.objects.filter(username__in=usernames, attempt_time__gte=since)
        .values("username")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .values_list("username", flat=True)
    )


def token_list(*, actor) -> QuerySet[ApiToken]:
    """A user's own API tokens (no one else's, whatever their role)."""
    return ApiToken.objects.filter(user=actor)


def token_get(*, actor, token_id) -> ApiToken:
    return get_or_404(token_list(actor=actor), token_id, "未找到该令牌")


def grant_get(*, actor, grant_id) -> Grant:
    """A grant on an org the actor administers."""
    scope = scope_of(actor)
    grants = Grant.objects.filter(scope.paths_q(scope.admin_paths, "org__path"))
    return get_or_404(grants.select_related("org", "user"), grant_id, "未找到该授权")
