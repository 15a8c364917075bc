"""Warn, then delete, the accounts nobody has logged in to for years (daily; idempotent)."""

from django.core.management.base import BaseCommand

from accounts import services


class Command(BaseCommand):
    help = (
        "Warn by e-mail the people who have not logged in for INACTIVE_ACCOUNT_YEARS "
        "(3 by default), and delete the accounts of those warned a month ago who have "
        "not logged in since. Safe to run as often as you like."
    )

    def handle(self, *args, **options):
        counts = services.inactive_accounts_process()
        self.stdout.write(
            "inactive accounts: {warned} warned, {deleted} deleted, {kept} kept "
            "(may not be deleted), {back} back".format(**counts)
        )
