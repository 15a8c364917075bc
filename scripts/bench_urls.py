"""The portal's URLs plus the benchmark's floor page (scripts/bench_settings.py)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from traces.urls import urlpatterns as portal_urlpatterns

ROWS = [
    {
        "name": f"Organic operator {n}",
        "country": "France",
        "city": "Lyon",
        "code": f"FR-BIO-{n:02d}",
    }
    for n in range(1, 21)
]


@login_required
@require_safe
def rows(request):
    """20 rows of static data through base.html: what any page costs before its own work."""
    return render(request, "bench/rows.html", {"rows": ROWS})


urlpatterns = [path("bench/rows/", rows, name="bench_rows"), *portal_urlpatterns]
