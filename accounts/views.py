from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts import services
from accounts.forms import ProfileForm
from accounts.models import Notification
from accounts.slots import profile_sections


def welcome(request):
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/welcome.html")


def help_page(request):
    return render(
        request,
        "accounts/help.html",
        {
            "helpdesk_emails": settings.HELPDESK_EMAILS,
            "resend_url": reverse("account_email_verification_sent"),
        },
    )


def verification_sent(request):
    """Check your mailbox: the form to send the link again holds the address just typed."""
    return render(
        request,
        "account/verification_sent.html",
        {"resend_email": services.signup_email_recall(session=request.session)},
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
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    has_second_factor = Authenticator.objects.filter(
        user=request.user, type=Authenticator.Type.TOTP
    ).exists()
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "has_second_factor": has_second_factor,
            "sections": profile_sections.panels(request),
        },
    )


NOTIFICATIONS_SHOWN = 100


@login_required
def notifications(request):
    items = Notification.objects.filter(user=request.user).select_related("actor")
    return render(
        request,
        "accounts/notifications.html",
        {"notifications": items.order_by("-created_at", "-pk")[:NOTIFICATIONS_SHOWN]},
    )


@login_required
@require_POST
def notification_read(request, pk: int):
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    services.notification_read(notification=notification)
    return redirect("accounts:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    services.notifications_read_all(user=request.user)
    return redirect("accounts:notifications")
