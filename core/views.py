"""Views that know nothing of the portal's domain."""

import sys

from django.db import DatabaseError, InterfaceError, InternalError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok"})


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on every site (the admin's pages name no icon)."""
    return redirect(static("img/favicon.svg"), permanent=True)


# How long a browser or the balancer should wait before asking again.
RETRY_AFTER_SECONDS = 5


# What the driver raises when the database (or PgBouncer in front of it) went away:
# OperationalError and InterfaceError; and InternalError, psycopg's "received 2 results
# from command 'COMMIT'" when PgBouncer reports a server connection that died in the
# middle of a transaction (seen during the primary's restart in make cluster-soak).
DATABASE_AWAY = (OperationalError, InterfaceError, InternalError)


def server_error(request):
    """handler500: "Try again in a moment" (503) when the database could not be reached.

    The database unreachable (its restart, a failover) raises one of DATABASE_AWAY
    wherever it is first needed, a view or a middleware: every
    write runs in a transaction, so nothing was half-written, and the same
    request succeeds once the database is back. Like 500.html, 503.html needs no
    database and no context processor; it is in the language of the request.
    Any other error is the plain 500.
    """
    error = sys.exception()
    if isinstance(error, DATABASE_AWAY):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
