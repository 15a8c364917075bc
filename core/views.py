"""Views that know nothing of the portal's domain."""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect
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
