"""Run the commands of settings.DAILY_COMMANDS, one after the other.

`make serve` (scripts/serve) calls this once a day beside the web server and the
worker; a failing command is logged and does not stop the others. Each command
must be idempotent: a restart runs them again the same day.
"""

import logging

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the daily commands (settings.DAILY_COMMANDS)."

    def handle(self, *args, **options):
        failed = 0
        for name in settings.DAILY_COMMANDS:
            try:
                call_command(name, stdout=self.stdout, stderr=self.stderr)
            except Exception:
                failed += 1
                logger.exception("daily command %s failed", name)
        if failed:
            self.stderr.write(f"run_daily: {failed} command(s) failed")
