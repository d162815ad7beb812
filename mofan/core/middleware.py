from contextvars import ContextVar

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
