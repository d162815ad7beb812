from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mofan.accounts import services
from mofan.accounts.forms import (
    GrantForm,
    LoginForm,
    PasswordChangeForm,
    ResetPasswordForm,
    TokenForm,
    UserCreateForm,
    UserSearchForm,
)
from mofan.accounts.selectors import (
    administered_orgs,
    grant_get,
    locked_usernames,
    token_get,
    token_list,
    user_get,
    user_list,
)
from mofan.core.access import scope_of
from mofan.core.views_helpers import form_errors, paginate_page, run_service

LOCKED_MESSAGE = (
    "连续 {limit} 次登录失败，账号已被锁定 {minutes} 分钟，请稍后再试或联系管理员解锁。"
)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def locked_out(request, response=None, credentials=None):
    """django-axes calls this while an account is locked: the login page with the reason."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = LOCKED_MESSAGE.format(limit=settings.AXES_FAILURE_LIMIT, minutes=minutes)
    return render(
        request,
        "registration/login.html",
        {"form": LoginForm(request), "locked_message": message},
        status=403,
    )


@login_required
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = run_service(
            form,
            lambda: services.user_change_own_password(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            ),
        )
        if user is not None:
            update_session_auth_hash(request, user)
            messages.success(request, "密码已修改")
            return redirect("home")
    first = request.user.must_change_password
    return render(request, "accounts/password_change.html", {"form": form, "first": first})


@login_required
def me(request):
    tokens = token_list(actor=request.user)
    return render(
        request,
        "accounts/me.html",
        {
            "tokens": tokens,
            "form": TokenForm(),
            "new_token": request.session.pop("new_token", None),
        },
    )


@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    name = form.cleaned_data["name"] if form.is_valid() else "API"
    _, plain = services.token_create(actor=request.user, user=request.user, name=name)
    # Shown once on the next page, then gone from the session.
    request.session["new_token"] = plain
    return redirect("accounts:me")


@login_required
@require_POST
def token_revoke(request, token_id):
    token = token_get(actor=request.user, token_id=token_id)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, f"已吊销令牌“{token.name}”")
    return redirect("accounts:me")


def _require_admin(request):
    if not scope_of(request.user).is_admin:
        raise PermissionDenied("只有管理员可以管理用户")


@login_required
def users(request):
    _require_admin(request)
    form = UserSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = paginate_page(
        request,
        user_list(
            actor=request.user,
            text=filters.get("q", ""),
            role=filters.get("role", ""),
            include_inactive=filters.get("inactive", False),
        ),
    )
    locked = locked_usernames([u.username for u in page])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/users.html",
        {"page": page, "form": form, "locked": locked, "query": query.urlencode()},
    )


@login_required
def user_new(request):
    _require_admin(request)
    form = UserCreateForm(request.POST or None, orgs=administered_orgs(actor=request.user))
    if request.method == "POST" and form.is_valid():
        user = run_service(
            form, lambda: services.user_create(actor=request.user, **form.cleaned_data)
        )
        if user is not None:
            messages.success(request, f"已创建用户 {user}，首次登录须修改密码")
            return redirect("accounts:user", user.id)
    return render(request, "accounts/user_new.html", {"form": form})


@login_required
def user_detail(request, user_id):
    _require_admin(request)
    user = user_get(actor=request.user, user_id=user_id)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": user,
            "grants": user.grants.select_related("org").order_by("org__path"),
            "grant_form": GrantForm(orgs=administered_orgs(actor=request.user)),
            "reset_form": ResetPasswordForm(),
            "locked": user.username in locked_usernames([user.username]),
        },
    )


def _admin_action(request, user_id, action, done_message):
    _require_admin(request)
    user = user_get(actor=request.user, user_id=user_id)
    action(user)
    messages.success(request, done_message.format(user=user))
    return redirect("accounts:user", user.id)


@login_required
@require_POST
def user_disable(request, user_id):
    return _admin_action(
        request,
        user_id,
        lambda u: services.user_set_active(actor=request.user, user=u, active=False),
        "已停用 {user}",
    )


@login_required
@require_POST
def user_enable(request, user_id):
    return _admin_action(
        request,
        user_id,
        lambda u: services.user_set_active(actor=request.user, user=u, active=True),
        "已启用 {user}",
    )


@login_required
@require_POST
def user_unlock(request, user_id):
    return _admin_action(
        request,
        user_id,
        lambda u: services.user_unlock(actor=request.user, user=u),
        "已解除 {user} 的锁定",
    )


@login_required
@require_POST
def user_reset_password(request, user_id):
    _require_admin(request)
    user = user_get(actor=request.user, user_id=user_id)
    form = ResetPasswordForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.user_reset_password(
            actor=request.user, user=user, password=form.cleaned_data["password"]
        ),
    ):
        messages.success(request, f"已重置 {user} 的密码，对方下次登录须修改")
    else:
        messages.error(request, "重置失败：" + form_errors(form))
    return redirect("accounts:user", user.id)


@login_required
@require_POST
def grant_add(request, user_id):
    _require_admin(request)
    user = user_get(actor=request.user, user_id=user_id)
    form = GrantForm(request.POST, orgs=administered_orgs(actor=request.user))
    if form.is_valid() and run_service(
        form, lambda: services.grant_create(actor=request.user, user=user, **form.cleaned_data)
    ):
        messages.success(request, "已授权")
    else:
        messages.error(request, "授权失败：" + form_errors(form))
    return redirect("accounts:user", user.id)


@login_required
@require_POST
def grant_revoke(request, grant_id):
    _require_admin(request)
    grant = grant_get(actor=request.user, grant_id=grant_id)
    user = user_get(actor=request.user, user_id=grant.user_id)
    services.grant_revoke(actor=request.user, grant=grant)
    messages.success(request, "已撤销授权")
    # After its last grant in the admin's reach goes, the user's page is out of reach too.
    if user_list(actor=request.user, include_inactive=True).filter(pk=user.pk).exists():
        return redirect("accounts:user", user.id)
    return redirect("accounts:users")
