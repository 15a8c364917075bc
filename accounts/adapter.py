from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import user_pk_to_url_str
from django.contrib.sites.shortcuts import get_current_site
from django.utils import translation

from accounts.models import User
from accounts.services import email_send


class AccountAdapter(DefaultAccountAdapter):
    """allauth, the EU Login way: sign-up e-mails a link to set the password.

    Every e-mail goes through the task queue, written in the recipient's
    e-mail language where the portal has it (else English).
    """

    def send_mail(self, template_prefix, email, context):
        user = context.get("user") or User.objects.filter(email__iexact=email).first()
        language = user.email_language if user else translation.get_language()
        request = self.request
        context = {
            "email": email,
            "current_site": get_current_site(request) if request else None,
            "request": request,
            **context,
        }
        email_send(to=email, template_prefix=template_prefix, context=context, language=language)

    def send_confirmation_mail(self, request, emailconfirmation, signup):
        if not signup:
            return super().send_confirmation_mail(request, emailconfirmation, signup)
        # Setting the password through this link also proves the address.
        user = emailconfirmation.email_address.user
        token = app_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
        url = self.get_reset_password_from_key_url(f"{user_pk_to_url_str(user)}-{token}")
        self.send_mail(
            "account/email/set_password",
            emailconfirmation.email_address.email,
            {"user": user, "set_password_url": url, "valid_minutes": 90},
        )

    def get_login_redirect_url(self, request):
        return "/home/"
