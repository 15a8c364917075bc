"""Daily: corrections that expire (and their warnings), overdue requests escalated,
and each decider's reminder. Idempotent: run it as often as you like, a person gets
one reminder a day. `make serve` runs it daily (settings.DAILY_COMMANDS); elsewhere,
cron (README)."""

from django.core.management.base import BaseCommand

from requests_app.reminders import reminders_send


class Command(BaseCommand):
    help = "Send the daily reminders to deciders, escalate overdue requests, expire corrections."

    def handle(self, *args, **options):
        done = reminders_send()
        self.stdout.write(f"send_reminders: {done}")
