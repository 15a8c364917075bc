"""The client's address: one rule for the security log and every rate limit.

Without a proxy (`BEHIND_PROXY` off) the client is the peer of the TCP
connection, REMOTE_ADDR, and nothing the client writes in a header is believed:
an `X-Forwarded-For` it sends would otherwise choose the address a rate limit
counts and the log records.

Behind `TRUSTED_PROXY_COUNT` proxies (the load balancer: 1), each proxy appends
the address it received the connection from to `X-Forwarded-For`, so the
client's address is the one the outermost trusted proxy wrote: the
TRUSTED_PROXY_COUNT-th from the right. Whatever stands to its left was written
by the client and is ignored. A header with fewer entries did not come through
every trusted proxy (a request straight to an app server): its peer is used.
"""

from __future__ import annotations

import contextvars
import ipaddress

from django.conf import settings


def _address(value: str | None) -> str | None:
    """A valid IPv4 or IPv6 address as text, or None (ports and brackets removed)."""
    if not value:
        return None
    text = value.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The address of the person's machine, as far as the trusted proxies can tell."""
    if request is None:
        return None
    peer = _address(request.META.get("REMOTE_ADDR"))
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0) if settings.BEHIND_PROXY else 0
    if count <= 0:
        return peer
    # Several X-Forwarded-For lines reach Django joined by commas, in order.
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < count:
        return peer
    return _address(hops[-count]) or peer


# The address of the request being answered, for code that has no request in hand
# (a service writing the security log): set by ClientAddressMiddleware.
_current = contextvars.ContextVar("client_ip", default=None)


def current_client_ip() -> str | None:
    """The client's address of the request under way in this thread, or None outside one."""
    return _current.get()


class ClientAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
