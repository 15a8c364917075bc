"""Run, once, each management command named in settings.DAILY_COMMANDS.

`make serve` (scripts/serve) runs it at start and then every 24 hours; cron can
run it instead. Each command must be idempotent: one that fails is reported and
does not stop the others, and the next day's run tries again.
"""

import logging

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

logger = logging.getLogger("traces.daily")


class Command(BaseCommand):
    help = "Run each command of settings.DAILY_COMMANDS once (idempotent jobs)."

    def handle(self, *args, **options):
        failed = []
        for name in settings.DAILY_COMMANDS:
            try:
                call_command(name, stdout=self.stdout, stderr=self.stderr)
            except Exception:
                logger.exception("daily command %s failed", name)
                failed.append(name)
        if failed:
            self.stderr.write(f"daily commands failed: {', '.join(failed)}")
            raise SystemExit(1)
