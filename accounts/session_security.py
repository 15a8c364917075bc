"""Session lifetime and caching of personal pages (ASVS 7.3.1, 7.3.2, 14.3.2).

`SessionSecurityMiddleware` (after AuthenticationMiddleware):

- ends a session that has seen no request for `SESSION_IDLE_TIMEOUT` seconds
  (30 minutes by default), and any session `SESSION_ABSOLUTE_TIMEOUT` seconds
  (8 hours) after its log-in, however active it was; the person is logged out
  (the session row is deleted) and the request goes on as anonymous, so
  `login_required` pages send them to the log-in page;
- marks every response to a logged-in person `Cache-Control: no-store`:
  every such page shows personal data (names, organisations, requests), and
  neither a shared proxy nor the browser's back button may keep it;
- logs rate-limited answers (429) as security events.

The idle stamp is rewritten at most once a minute, not on every request,
so that reading pages does not write the session table each time.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib.auth import logout
from django.utils.cache import patch_cache_control

from accounts.audit import log_event

STARTED = "_session_security_started"
LAST_SEEN = "_session_security_last_seen"
_TOUCH_EVERY = 60  # seconds


def _now() -> float:
    return time.time()


class SessionSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        was_authenticated = request.user.is_authenticated
        if was_authenticated:
            self._check_lifetime(request)
        response = self.get_response(request)
        if was_authenticated or request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
            response.headers.pop("Expires", None)
        if response.status_code == 429:
            log_event("rate_limited", request=request, level=logging.WARNING, path=request.path)
        return response

    def _check_lifetime(self, request) -> None:
        session = request.session
        now = _now()
        started = session.get(STARTED)
        last_seen = session.get(LAST_SEEN, started)
        if started is None:
            # A session from before this middleware: its clock starts now.
            session[STARTED] = session[LAST_SEEN] = now
            return
        idle = now - last_seen
        age = now - started
        if idle > settings.SESSION_IDLE_TIMEOUT or age > settings.SESSION_ABSOLUTE_TIMEOUT:
            reason = "idle" if idle > settings.SESSION_IDLE_TIMEOUT else "absolute"
            log_event("session.expired", request=request, reason=reason)
            logout(request)
            return
        if idle > _TOUCH_EVERY:
            session[LAST_SEEN] = now
            _user_session_seen(session.session_key)


def _user_session_seen(session_key) -> None:
    """The profile's list of sessions says when each was last seen, to the minute.

    allauth's USERSESSIONS_TRACK_ACTIVITY would write the row on every request;
    once a minute, with the idle stamp, is enough for a person to recognise a
    session, and keeps reading pages from writing each time.
    """
    from allauth.usersessions.models import UserSession
    from django.utils import timezone

    if session_key:
        UserSession.objects.filter(session_key=session_key).update(last_seen_at=timezone.now())


def _stamp_login(sender, request, user, **kwargs):
    # login() has already given the session a new key (ASVS 7.2.4).
    if request is not None and hasattr(request, "session"):
        request.session[STARTED] = request.session[LAST_SEEN] = _now()


def connect() -> None:
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(_stamp_login, dispatch_uid="session_security.stamp_login")
