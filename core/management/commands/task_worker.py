"""`manage.py task_worker`: django-tasks-db's `db_worker`, which outlives a database restart.

`db_worker` stops with the first database error it meets outside a task (the
database restarting, a failover: core.views.DATABASE_AWAY): `scripts/serve` would
then stop the app server beside it. This runs it again, with the same arguments, once the database
answers, and stops as `db_worker` does on SIGINT or SIGTERM.
"""

from __future__ import annotations

import contextlib
import logging
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DatabaseError, connections

from core.views import DATABASE_AWAY

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the task worker (db_worker), again after each database outage."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument("--pause", type=float, default=2.0, help="seconds between starts")

    def handle(self, *args, interval: float, pause: float, **options):
        while True:
            try:
                call_command("db_worker", interval=interval, verbosity=options["verbosity"])
                return
            except DATABASE_AWAY as error:
                logger.warning("task worker: database unavailable (%s); starting again", error)
                for connection in connections.all(initialized_only=True):
                    with contextlib.suppress(DatabaseError):
                        connection.close()
                time.sleep(pause)
