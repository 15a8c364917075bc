from allauth.account import views as allauth_views
from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.db import transaction
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import views as account_views
from core import views as core_views
from requests_app import views as request_views

# The admin's own log-in form knows nothing of the second factor: send it to
# the portal's log-in, which asks for the code (accounts/tests/test_second_factor.py).
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("TRACES registration portal: validation")
admin.site.site_title = _("TRACES validation")
admin.site.index_title = _("Requests to decide and reference data")
# The queue's columns need the width more than the navigation needs a sidebar.
admin.site.enable_nav_sidebar = False

# The database unreachable: "Try again in a moment" (503), not "Something went wrong".
handler500 = "core.views.server_error"

urlpatterns = [
    path("", account_views.welcome, name="welcome"),
    # A person's organisations and requests: the page log-in leads to.
    path("home/", request_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon),
    path("help/", account_views.help_page, name="help"),
    path("privacy/", account_views.privacy, name="privacy"),
    path("accessibility/", account_views.accessibility, name="accessibility"),
    path("language/", account_views.set_language, name="set_language"),
    # Before allauth's own: the page that follows sign-up, with the address just typed.
    path(
        "accounts/confirm-email/",
        account_views.verification_sent,
        name="account_email_verification_sent",
    ),
    # Sign-up writes the person, their address and the e-mail with the link in one
    # transaction: a database lost half-way keeps none of it ("Try again in a moment").
    path(
        "accounts/signup/",
        transaction.atomic(allauth_views.signup),
        name="account_signup",
    ),
    # allauth's page of sessions lists them as the profile does: two queries however
    # many there are, not three for each (accounts.services.sessions_active).
    path("accounts/sessions/", account_views.sessions_page, name="usersessions_list"),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("directory/", include("entities.urls")),
    path("requests/", include("requests_app.urls")),
    path("captcha/", include("captcha.urls")),
    path("admin/", admin.site.urls),
]
