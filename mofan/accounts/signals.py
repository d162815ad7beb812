"""Security events into the audit log: logins, failures, lockouts."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from mofan.core.access import SystemActor
from mofan.core.audit import audit
from mofan.core.middleware import client_ip_of

LOGIN_GUARD = SystemActor("登录保护")


def _ip(request) -> str:
    return client_ip_of(request) if request is not None else ""


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit(actor=user, action="login.success", ip=_ip(request))


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit(actor=user, action="logout", ip=_ip(request))


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    audit(
        actor=LOGIN_GUARD,
        username=(credentials or {}).get("username", "")[:150],
        action="login.failure",
        ip=_ip(request),
    )


@receiver(user_locked_out)
def audit_lockout(sender, request, username, ip_address, **kwargs):
    audit(actor=LOGIN_GUARD, username=username or "", action="login.lockout", ip=ip_address or "")
