from contextvars import ContextVar
from datetime import timedelta

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

_client_ip: ContextVar[str] = ContextVar("client_ip", default="")


def current_ip() -> str:
    return _client_ip.get()


def client_ip_of(request) -> str:
    # Behind the documented reverse proxy, REMOTE_ADDR is set by the proxy config; we do not
    # trust X-Forwarded-For from clients.
    return request.META.get("REMOTE_ADDR", "")


class RequestContextMiddleware:
    """Remembers the client IP so services can write it into audit records."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_ip.set(client_ip_of(request))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)


SESSION_REFRESH_SECONDS = 60


class SessionStore(DatabaseSessionStore):
    """Django's database sessions, remembering the expiry the session was loaded with (this
    module is the SESSION_ENGINE), so that SessionRefreshMiddleware can tell how long ago the
    session was last saved without storing anything more in it."""

    loaded_expiry = None

    def _get_session_from_db(self):
        row = super()._get_session_from_db()
        self.loaded_expiry = row.expire_date if row is not None else None
        return row


class SessionRefreshMiddleware:
    """Writes a session at most once a minute instead of on every request.

    The session's expiry (SESSION_COOKIE_AGE, 30 minutes: 等保's idle logout) moves forward
    only when the session is saved. Django's SESSION_SAVE_EVERY_REQUEST saves it on every
    request, a database write per page view; this middleware marks the session modified (so
    that SessionMiddleware saves it and moves its expiry) only when it was last saved a minute
    ago or more, which the expiry it was loaded with tells. An idle session therefore ends 30
    minutes after its last save: between 29 and 30 minutes after the last request, never
    later. A session without a row (an anonymous visitor, an expired cookie) is left alone.
    With another session engine it saves on every request, as before. Goes after
    SessionMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key:
            session.keys()  # loads it (the user is read from it anyway)
            if not isinstance(session, SessionStore):
                session.modified = True
            elif session.loaded_expiry is not None:
                saved = session.loaded_expiry - timedelta(seconds=session.get_expiry_age())
                if timezone.now() - saved >= timedelta(seconds=SESSION_REFRESH_SECONDS):
                    session.modified = True
        return self.get_response(request)
