"""The daily round (`manage.py send_reminders`): what nobody should have to remember.

1. Requests left in correction CORRECTION_EXPIRY_DAYS are closed as withdrawn;
   their authors were warned CORRECTION_WARNING_DAYS before.
2. Requests to an operator's administrators that are overdue go to the competent
   authority as well (services.request_escalate).
3. Each decider gets one e-mail at most a day, on a working day of the requests'
   country: what is due by the next working day, and what is overdue.

Every step is idempotent: a second run the same day changes nothing and sends
nothing (the warnings and escalations are conditional updates, the digests are
recorded in ReminderSent, one row per person and day, a unique constraint).
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from entities.models import Membership
from requests_app import services
from requests_app.models import (
    CORRECTION_EXPIRY_DAYS,
    CORRECTION_WARNING_DAYS,
    AuthorisationRequest,
    ReminderSent,
    Validator,
    is_working_day,
    working_days_after,
    working_today,
)

logger = logging.getLogger(__name__)
User = get_user_model()

# Requests a digest lists by name; past these it says how many more.
DIGEST_MAX_ROWS = 50
# A request due later than this is never "due the next working day" (the longest
# run of days off in a year is shorter).
HORIZON_DAYS = 10


@dataclass
class Round:
    """What one run did."""

    expired: int = 0
    warned: int = 0
    escalated: int = 0
    reminded: int = 0
    skipped: int = 0  # deciders already reminded today, or who asked not to be e-mailed

    def __str__(self):
        return (
            f"{self.expired} expired, {self.warned} warned, {self.escalated} escalated, "
            f"{self.reminded} reminded, {self.skipped} skipped"
        )


@dataclass
class Digest:
    """The pks of one decider's requests: due by the next working day, and overdue."""

    due_soon: list[int] = field(default_factory=list)
    overdue: list[int] = field(default_factory=list)


def corrections_expire(*, now: datetime.datetime) -> tuple[int, int]:
    """Close the corrections older than 30 days; warn those older than 23 (once)."""
    expired = warned = 0
    limit = now - datetime.timedelta(days=CORRECTION_EXPIRY_DAYS)
    warn_from = limit + datetime.timedelta(days=CORRECTION_WARNING_DAYS)
    in_correction = AuthorisationRequest.objects.in_correction()
    for request in in_correction.filter(correction_requested_at__lte=limit).order_by("pk"):
        try:
            services.request_correction_expire(request=request)
            expired += 1
        except services.RequestNotPending:
            pass  # corrected or withdrawn meanwhile
    for request in in_correction.filter(
        correction_requested_at__lte=warn_from, correction_warned_at__isnull=True
    ).order_by("pk"):
        warned += services.request_correction_warn(request=request)
    return expired, warned


def overdue_escalate(*, today: datetime.date) -> int:
    overdue = AuthorisationRequest.objects.overdue(today).filter(
        to_operator_admins=True, escalated_at__isnull=True
    )
    return sum(services.request_escalate(request=r) for r in overdue.order_by("pk"))


def digests_build(*, today: datetime.date) -> dict[int, Digest]:
    """Each decider's digest (the pks of their requests, oldest due first), by person's pk.

    A fixed number of queries, reading tuples, not rows: at 100,000 requests the
    19,000 pending ones made into model instances took 9 s; as tuples, a fraction
    of a second (docs/benchmarks.md). The e-mails read the rows they list.
    """
    candidates = (
        AuthorisationRequest.objects.pending()
        .filter(due_date__lte=today + datetime.timedelta(days=HORIZON_DAYS))
        .order_by("due_date", "submitted_at", "pk")
        .values_list(
            "pk",
            "due_date",
            "organisation_id",
            "organisation__country",
            "routed_to_id",
            "to_operator_admins",
            "escalated_at",
            "applicant_id",
        )
    )
    next_day: dict[str, datetime.date | None] = {}
    chosen = []
    for (
        pk,
        due,
        organisation_id,
        country,
        routed_to_id,
        to_admins,
        escalated,
        applicant,
    ) in candidates:
        country = str(country)
        if country not in next_day:
            # Nobody is reminded on a day off: a Saturday's overdue list waits for Monday.
            next_day[country] = (
                working_days_after(today, 1, country) if is_working_day(today, country) else None
            )
        limit = next_day[country]
        if limit is None or due > limit:
            continue
        bucket = "overdue" if due < today else "due_soon"
        chosen.append((pk, bucket, organisation_id, routed_to_id, to_admins, escalated, applicant))
    if not chosen:
        return {}
    # Who decides what: operator administrators, validators by authority, superusers.
    to_admins_of = {row[2] for row in chosen if row[4]}
    admins = defaultdict(set)
    for user_id, organisation_id in Membership.objects.filter(
        organisation_id__in=to_admins_of, is_admin=True, user__is_active=True
    ).values_list("user_id", "organisation_id"):
        admins[organisation_id].add(user_id)
    authorities = {row[3] for row in chosen if row[3]}
    validators = defaultdict(set)
    for user_id, authority_id in Validator.objects.filter(
        authority_id__in=authorities, user__is_active=True, user__is_staff=True
    ).values_list("user_id", "authority_id"):
        validators[authority_id].add(user_id)
    superusers = None
    digests: dict[int, Digest] = defaultdict(Digest)
    for pk, bucket, organisation_id, routed_to_id, to_admins, escalated, applicant in chosen:
        deciders: set[int] = set()
        if to_admins:
            deciders |= admins[organisation_id]
        if not to_admins or escalated:
            if routed_to_id:
                deciders |= validators[routed_to_id]
            else:
                if superusers is None:
                    superusers = set(
                        User.objects.filter(is_superuser=True, is_active=True).values_list(
                            "pk", flat=True
                        )
                    )
                deciders |= superusers
        deciders.discard(applicant)
        for user_id in deciders:
            getattr(digests[user_id], bucket).append(pk)
    return dict(digests)


def _rows(pks: list[int]) -> list[AuthorisationRequest]:
    """The requests a digest names, in its order, with what the e-mail shows."""
    by_pk = AuthorisationRequest.objects.select_related("applicant", "organisation").in_bulk(pks)
    return [by_pk[pk] for pk in pks if pk in by_pk]


def digest_send(*, user, digest: Digest, today: datetime.date) -> bool:
    """Record and enqueue one person's reminder; False when they had today's already."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                user=user,
                day=today,
                due_soon=len(digest.due_soon),
                overdue=len(digest.overdue),
            )
            services.reminder_send(
                user=user,
                due_soon=_rows(digest.due_soon[:DIGEST_MAX_ROWS]),
                due_soon_more=max(0, len(digest.due_soon) - DIGEST_MAX_ROWS),
                overdue=_rows(digest.overdue[:DIGEST_MAX_ROWS]),
                overdue_more=max(0, len(digest.overdue) - DIGEST_MAX_ROWS),
            )
    except IntegrityError:
        return False  # reminded already today (another run, or this one twice)
    return True


def reminders_send(*, now: datetime.datetime | None = None) -> Round:
    """The whole daily round (idempotent)."""
    now = now or timezone.now()
    today = working_today()
    done = Round()
    done.expired, done.warned = corrections_expire(now=now)
    done.escalated = overdue_escalate(today=today)
    digests = digests_build(today=today)
    already = set(
        ReminderSent.objects.filter(day=today, user_id__in=digests).values_list(
            "user_id", flat=True
        )
    )
    people = User.objects.in_bulk([pk for pk in digests if pk not in already])
    done.skipped += len(already)
    for pk, user in people.items():
        if not user.notify_new_requests_by_email:
            done.skipped += 1
            continue
        if digest_send(user=user, digest=digests[pk], today=today):
            done.reminded += 1
        else:
            done.skipped += 1
    logger.info("send_reminders: %s", done)
    return done
