"""Reads from the replica: which database each query goes to.

Writes, and every read outside the pages named in `REPLICA_READ_VIEWS` (the
directory and the organisation pages), go to the primary, "default". A marked
page's reads go to "replica" (`DATABASES["replica"]`, from REPLICA_DATABASE_URL)
while `core.middleware.ReplicaReadsMiddleware` says so for the request, that is
unless:

- the person wrote something within `READ_YOUR_WRITES_SECONDS` (a cookie set on
  every successful POST): the new operator or request must be on their next
  page, and the replica may not have it yet;
- the replica is down, or lags the primary by more than
  `REPLICA_MAX_LAG_SECONDS` (checked at most every `REPLICA_CHECK_SECONDS` per
  process; `pg_last_xact_replay_timestamp()` when it has not replayed all it has
  received). A replica that fails in the middle of a page is marked down and the
  page is read again from the primary (the middleware).

READ_YOUR_WRITES_SECONDS must exceed REPLICA_MAX_LAG_SECONDS: after it, a replica
that is used lags less than the write's age, so it has the write.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"

# Set for the length of one request by the middleware.
_reads_from_replica: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "reads_from_replica", default=False
)


class use_replica:  # noqa: N801 - a context manager, used like a function
    """`with use_replica(True): ...` routes reads to the replica, when it is fit."""

    def __init__(self, wanted: bool = True):
        self.wanted = wanted

    def __enter__(self):
        self.token = _reads_from_replica.set(self.wanted)
        return self

    def __exit__(self, *exc):
        _reads_from_replica.reset(self.token)


def replica_wanted() -> bool:
    return _reads_from_replica.get()


# --- The replica's health, per process ------------------------------------------------

_health_lock = threading.Lock()
_health = {"checked": -1e9, "fit": False, "lag": None}

_LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 "
    "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)


def replica_lag() -> float:
    """Seconds the replica is behind the primary (0 when it has replayed all it received)."""
    connection = connections[REPLICA]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_LAG_SQL)
            return float(cursor.fetchone()[0] or 0)
        cursor.execute("SELECT 1")
        cursor.fetchone()
        return 0.0


def replica_fit() -> bool:
    """Whether reads may go to the replica now: it answers and lags within the bound."""
    now = time.monotonic()
    if now - _health["checked"] < settings.REPLICA_CHECK_SECONDS:
        return _health["fit"]
    with _health_lock:
        if now - _health["checked"] < settings.REPLICA_CHECK_SECONDS:
            return _health["fit"]
        try:
            lag = replica_lag()
            fit = lag <= settings.REPLICA_MAX_LAG_SECONDS
            if not fit:
                logger.warning("replica lags %.1f s: reading from the primary", lag)
        except DatabaseError as error:
            lag, fit = None, False
            logger.warning("replica unavailable (%s): reading from the primary", error)
            _close_replica()
        if fit and not _health["fit"] and _health["checked"] > 0:
            logger.warning("replica back (lag %.1f s): reading from it again", lag)
        _health.update(checked=time.monotonic(), fit=fit, lag=lag)
        return fit


def replica_failed() -> None:
    """A query on the replica failed: primary only until the next check."""
    with _health_lock:
        _health.update(checked=time.monotonic(), fit=False, lag=None)
    _close_replica()


def _close_replica() -> None:
    with contextlib.suppress(DatabaseError):
        connections[REPLICA].close()


def reset_health() -> None:
    _health.update(checked=-1e9, fit=False, lag=None)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reads_from_replica.get() and replica_fit():
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # One database, two copies of it.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY
