"""The token of the set-password and forgot-password links (ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR).

Django's token already dies when the password changes (the link works once), when
the person logs in, and after PASSWORD_RESET_TIMEOUT (90 minutes). Two links sent
one after the other would both work, though: the help page and the check-your-
mailbox page promise that a new link replaces the previous one. So each new link
first renews a value kept on the person's row (User.password_link_nonce), which is
part of the hash: the older links no longer match.

The addresses are part of the hash as in allauth's own generator (changing an
address kills the links); with an empty nonce the hash is allauth's, so links sent
before this generator was installed still work until they expire.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator

from accounts.services import password_link_renew


class PasswordLinkTokenGenerator(PasswordResetTokenGenerator):
    def make_token(self, user) -> str:
        """A token for a link about to be sent: the person's earlier links stop working."""
        password_link_renew(user=user)
        return super().make_token(user)

    def _make_hash_value(self, user, timestamp) -> str:
        from allauth.account.models import EmailAddress

        emails = {user.email} if user.email else set()
        emails.update(EmailAddress.objects.filter(user_id=user.pk).values_list("email", flat=True))
        value = super()._make_hash_value(user, timestamp) + "|".join(sorted(emails))
        return value + user.password_link_nonce
