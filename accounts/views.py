from allauth.account.decorators import reauthentication_required
from allauth.decorators import rate_limit
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from accounts import services
from accounts.forms import ProfileForm
from accounts.models import Notification
from accounts.slots import profile_sections
from core.user_agents import describe


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
    return render(
        request,
        "accounts/privacy.html",
        {
            "controller_name": settings.PRIVACY_CONTROLLER_NAME,
            "controller_address": settings.PRIVACY_CONTROLLER_ADDRESS,
            "controller_email": settings.PRIVACY_CONTROLLER_EMAIL,
            "dpo_name": settings.PRIVACY_DPO_NAME,
            "dpo_email": settings.PRIVACY_DPO_EMAIL,
            "inactive_years": settings.INACTIVE_ACCOUNT_YEARS,
            "log_months": settings.PRIVACY_LOG_RETENTION_MONTHS,
        },
    )


def accessibility(request):
    return render(
        request,
        "accounts/accessibility.html",
        {
            "controller_name": settings.PRIVACY_CONTROLLER_NAME,
            "feedback_email": settings.ACCESSIBILITY_EMAIL,
            "statement_date": settings.ACCESSIBILITY_STATEMENT_DATE,
        },
    )


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
    # The authenticator app and each passkey or security key: how many ways in.
    second_factor_count = Authenticator.objects.filter(
        user=request.user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).count()
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "has_second_factor": second_factor_count > 0,
            "second_factor_count": second_factor_count,
            "sessions": services.sessions_active(user=request.user),
            "sections": profile_sections.panels(request),
        },
    )


@login_required
@require_GET
def sessions_page(request):
    """allauth's page of sessions (/accounts/sessions/): the profile's list, at its fixed cost."""
    return render(
        request,
        "usersessions/usersession_list.html",
        {"sessions": services.sessions_active(user=request.user)},
    )


@login_required
@require_POST
def session_end(request, pk: int):
    from allauth.usersessions.models import UserSession

    session = get_object_or_404(UserSession, pk=pk, user=request.user)
    if session.session_key == request.session.session_key:
        messages.error(request, _("This is the session you are using: to end it, log out."))
    else:
        services.sessions_end(sessions=[session])
        messages.success(
            request,
            _("The session on %(device)s has ended.") % {"device": describe(session.user_agent)},
        )
    return redirect(reverse("accounts:profile") + "#profile-sessions")


@login_required
@require_POST
def sessions_end_others(request):
    ended = services.sessions_end_others(
        user=request.user, current_session_key=request.session.session_key
    )
    if ended:
        messages.success(request, _("Your other sessions have ended."))
    else:
        messages.info(request, _("You had no other session."))
    return redirect(reverse("accounts:profile") + "#profile-sessions")


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


@login_required
@require_GET
@rate_limit(action="download_personal_data", limit_get=True)
def data_download(request):
    """Download my data: one JSON file, written as it is read (docs/data-export.md)."""
    response = StreamingHttpResponse(
        services.personal_data_export(user=request.user),
        content_type="application/json; charset=utf-8",
    )
    filename = f"traces-my-data-{timezone.now():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
@reauthentication_required
def account_delete(request):
    """Delete my account: a page that says what happens (or why not now), then the deed."""
    reasons = services.account_deletion_blockers(user=request.user)
    if request.method == "POST" and not reasons:
        try:
            services.account_delete(user=request.user)
        except services.AccountDeletionRefused as refused:
            reasons = refused.reasons
        else:
            logout(request)
            messages.success(
                request,
                _("Your account has been deleted. We have sent a last e-mail to your address."),
            )
            return redirect("welcome")
    return render(
        request,
        "accounts/account_delete.html",
        {"reasons": reasons, "inactive_years": settings.INACTIVE_ACCOUNT_YEARS},
        status=409 if reasons and request.method == "POST" else 200,
    )
