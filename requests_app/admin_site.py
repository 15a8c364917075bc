"""The Django admin's site, with the validator's queue on its index page.

Installed in place of `django.contrib.admin` (traces/settings.py), as Django's
documentation says to override the default site: every app still registers
with `admin.site`.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class PortalAdminSite(admin.AdminSite):
    # Django's index with the queue above the models (pending and overdue counts).
    index_template = "admin/requests_app/index.html"

    def index(self, request, extra_context=None):
        from requests_app.selectors import queue_of  # models: not before the apps are ready

        context = {"queue": queue_of(request.user), **(extra_context or {})}
        return super().index(request, extra_context=context)


class PortalAdminConfig(AdminConfig):
    default_site = "requests_app.admin_site.PortalAdminSite"
