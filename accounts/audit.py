"""Security events in the log: who, what, when (UTC), from where (ASVS 16.x).

Every line goes to the `traces.security` logger as

    security event=login.failed at=2025-06-02T08:15:03Z who=- email='eve@x.eu\\nforged' ip=127.0.0.1

Values a person typed (an e-mail address, a reason) are written with
`repr()`-like escaping, so a newline or another control character in them
cannot start a forged log line (ASVS 16.4.1). Passwords and tokens are never
logged: Django's `user_login_failed` already cleanses the credentials and
only the e-mail is kept from them.

The receivers are connected by `connect()`, called from accounts' AppConfig.
"""

from __future__ import annotations

import datetime
import logging
import unicodedata

from django.utils import timezone

from core.client import client_ip as _client_ip
from core.client import current_client_ip

logger = logging.getLogger("traces.security")

_MAX_VALUE = 200


def clean(value) -> str:
    """One log token: printable, bounded, without anything that could end the line.

    Control and format characters (C0, C1, DEL, the Unicode line and paragraph
    separators, bidi overrides) are written as escapes; the value is quoted
    when it has spaces, quotes, `=` or escapes, so `key=value` pairs stay
    unambiguous.
    """
    if value is None or value == "":
        return "-"
    text = str(value)
    if len(text) > _MAX_VALUE:
        text = text[:_MAX_VALUE] + "..."
    escaped = []
    quote = False
    for char in text:
        if char in "\\'":
            escaped.append("\\" + char)
            quote = True
        elif unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"}:
            code = ord(char)
            escaped.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
            quote = True
        else:
            escaped.append(char)
            quote = quote or char.isspace() or char in '="'
    text = "".join(escaped)
    return f"'{text}'" if quote else text


def client_ip(request) -> str:
    # The rate limits' rule (core.client): REMOTE_ADDR, or behind the configured
    # proxies the address the outermost one saw; never a client's own header.
    # Without a request in hand (a service), the request under way, if any.
    if request is None:
        return current_client_ip() or "-"
    return _client_ip(request) or "-"


def log_event(event: str, *, request=None, user=None, level: int = logging.INFO, **details) -> None:
    """Write one security event: what, when (UTC), who, from where, and the details."""
    who = getattr(user, "pk", None) if user is not None else None
    if who is None and request is not None:
        current = getattr(request, "user", None)
        if current is not None and current.is_authenticated:
            who = current.pk
    at = timezone.now().astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    parts = [f"event={clean(event)}", f"at={at}", f"who={clean(who)}"]
    parts += [f"{key}={clean(value)}" for key, value in details.items()]
    parts.append(f"ip={clean(client_ip(request))}")
    logger.log(level, "security %s", " ".join(parts))


# --- Receivers ------------------------------------------------------------------------


def _login_failed(sender, credentials, request=None, **kwargs):
    email = credentials.get("email") or credentials.get("username") or ""
    log_event("login.failed", request=request, level=logging.WARNING, email=email)


def _logged_in(sender, request, user, **kwargs):
    log_event("login.succeeded", request=request, user=user)


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        log_event("logout", request=request, user=user)


def _password_changed(sender, request, user, **kwargs):
    log_event("password.changed", request=request, user=user)


def _password_reset(sender, request, user, **kwargs):
    log_event("password.set_by_link", request=request, user=user)


def _signed_up(sender, request, user, **kwargs):
    log_event("account.created", request=request, user=user)


def _authenticator_added(sender, request, user, authenticator, **kwargs):
    log_event("mfa.added", request=request, user=user, kind=authenticator.type)


def _authenticator_removed(sender, request, user, authenticator, **kwargs):
    log_event("mfa.removed", request=request, user=user, kind=authenticator.type)


def _mfa_failed(sender, request=None, user=None, **kwargs):
    log_event("mfa.failed", request=request, user=user, level=logging.WARNING)


def connect() -> None:
    from allauth.account import signals as account_signals
    from allauth.mfa import signals as mfa_signals
    from django.contrib.auth import signals as auth_signals

    auth_signals.user_login_failed.connect(_login_failed, dispatch_uid="audit.login_failed")
    auth_signals.user_logged_in.connect(_logged_in, dispatch_uid="audit.logged_in")
    auth_signals.user_logged_out.connect(_logged_out, dispatch_uid="audit.logged_out")
    account_signals.password_changed.connect(_password_changed, dispatch_uid="audit.pw_changed")
    account_signals.password_reset.connect(_password_reset, dispatch_uid="audit.pw_reset")
    account_signals.user_signed_up.connect(_signed_up, dispatch_uid="audit.signed_up")
    mfa_signals.authenticator_added.connect(_authenticator_added, dispatch_uid="audit.mfa_added")
    mfa_signals.authenticator_removed.connect(
        _authenticator_removed, dispatch_uid="audit.mfa_removed"
    )
    mfa_signals.authentication_failed.connect(_mfa_failed, dispatch_uid="audit.mfa_failed")
