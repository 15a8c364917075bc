"""Delete expired sessions and the records of those that have gone (daily; idempotent)."""

from django.core.management.base import BaseCommand

from accounts import services


class Command(BaseCommand):
    help = (
        "Delete the expired sessions (Django's clearsessions) and the records of sessions "
        "that have gone or are past SESSION_ABSOLUTE_TIMEOUT (browser, IP address, times). "
        "Safe to run as often as you like."
    )

    def handle(self, *args, **options):
        counts = services.sessions_purge()
        self.stdout.write(
            "sessions: {user_sessions} records of gone sessions deleted".format(**counts)
        )
