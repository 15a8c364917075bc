from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from accounts.forms import ProfileForm


def welcome(request):
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "accounts/welcome.html")


@login_required
def home(request):
    return render(request, "accounts/home.html")


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


def help_page(request):
    return render(
        request,
        "accounts/help.html",
        {
            "helpdesk_emails": settings.HELPDESK_EMAILS,
            "resend_url": reverse("account_email_verification_sent"),
        },
    )


def privacy(request):
    return render(request, "accounts/privacy.html")


@require_POST
def set_language(request):
    """Django's set_language, remembered on the profile of a logged-in person."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.user.interface_language = language
        request.user.save(update_fields=["interface_language"])
    return response


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    has_second_factor = Authenticator.objects.filter(
        user=request.user, type=Authenticator.Type.TOTP
    ).exists()
    return render(
        request, "accounts/profile.html", {"form": form, "has_second_factor": has_second_factor}
    )
