"""Request-wide database routing (core.router): the replica's pages, and read-your-writes."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import DatabaseError

from core import router

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def read_your_writes_cookie() -> str:
    # __Host-: only ever set over HTTPS, for the whole site, by this host.
    return ("__Host-" if settings.SESSION_COOKIE_SECURE else "") + "primary_until"


def wrote_recently(request) -> bool:
    try:
        until = int(request.COOKIES.get(read_your_writes_cookie(), "0"))
    except ValueError:
        return False
    return until > time.time()


class ReplicaReadsMiddleware:
    """Reads of the pages in REPLICA_READ_VIEWS from the replica; the primary after a write.

    After any successful write (a POST answered below 400), the browser carries a
    cookie saying until when its reads must come from the primary
    (READ_YOUR_WRITES_SECONDS). A replica that fails in the middle of a page is
    marked down and the page is read again from the primary: the pages it serves
    only read.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        finally:
            token = request.__dict__.pop("_replica_token", None)
            if token is not None:
                router._reads_from_replica.reset(token)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            seconds = settings.READ_YOUR_WRITES_SECONDS
            response.set_cookie(
                read_your_writes_cookie(),
                str(int(time.time()) + seconds),
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            request.method in ("GET", "HEAD")
            and match is not None
            and match.view_name in settings.REPLICA_READ_VIEWS
            and not wrote_recently(request)
        ):
            request._replica_token = router._reads_from_replica.set(True)
        return None

    def process_exception(self, request, exception):
        if not (isinstance(exception, DatabaseError) and router.replica_wanted()):
            return None
        logger.warning("a replica page failed (%s): reading it again from the primary", exception)
        router.replica_failed()
        router._reads_from_replica.set(False)
        match = request.resolver_match
        return match.func(request, *match.args, **match.kwargs)
