from allauth.account.signals import password_reset
from django.dispatch import receiver

from accounts.services import email_verify


@receiver(password_reset)
def verify_address_on_password_set(sender, request, user, **kwargs):
    # The link reached the person through their mailbox: the address is theirs.
    email_verify(user=user)
