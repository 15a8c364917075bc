"""`make bench`: the portal under load at a million operators, beside its own floor.

On PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/traces_bench,
created when missing) it migrates, loads the reference data, seeds 1,000,000
operators (entities' seed_demo) and tops the authorisation requests up to
`--requests` (100,000; skipped when there), creates the bench's people (an
applicant, a colleague with a pending request, a validator of INAO) with sessions,
starts scripts/serve (gunicorn, DEBUG off) on a free loopback port and drives each
page with wrk at 1 and 16 connections. It prints a table (requests per second,
p50/p95/p99, queries per request, ratio to the 20-row floor page, the target of
issue 12 and whether it is met) and writes it, with a description of the machine,
to docs/benchmarks.md.

Another `--requests` than 100,000 uses its own database by default
(traces_bench_1m for 1,000,000), made as a copy of traces_bench when that one is
there, so the 100,000-request database stays as it is.

Run it with `make bench` or `.venv/bin/python scripts/bench.py --help`.
"""

# ruff: noqa: S311, S603, S607 - a load generator: fixed commands, seeded fake data
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/traces_bench"
DEFAULT_REQUESTS = 100_000
DOC = ROOT / "docs" / "benchmarks.md"
RUNS_MARKER = "<!-- scripts/bench writes the runs below, newest first; keep the marker. -->"
KEEP_RUNS = 10  # the runs the notes above them quote stay on the page
APPLICANT_EMAIL = "bench-applicant@bench.invalid"
COLLEAGUE_EMAIL = "bench-colleague@bench.invalid"
VALIDATOR_EMAIL = "bench-validator@bench.invalid"
SEED_APPLICANT_DOMAIN = "seed.bench.invalid"
REQUESTS_PER_SEED_APPLICANT = 5
SEED_BATCH = 20_000  # requests per transaction; a multiple of REQUESTS_PER_SEED_APPLICANT


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- Environment and database ------------------------------------------------------


def configure_environment(args) -> None:
    """Production settings (DEBUG off), the bench's URLconf, nothing from a developer's .env."""
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["ENV_FILE"] = "/dev/null"
    os.environ["DEBUG"] = "off"
    os.environ["DJANGO_SETTINGS_MODULE"] = "scripts.bench_settings"
    os.environ["STATIC_MANIFEST"] = "on"
    # A fresh key per run: the sessions below are created in this same run.
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
    # Production is HTTPS only behind a TLS-terminating proxy: every request
    # below says so with X-Forwarded-Proto, as that proxy would.
    os.environ.setdefault("BEHIND_PROXY", "on")
    # check --deploy refuses the console backend; nothing is mailed during the bench.
    os.environ.setdefault("EMAIL_URL", "smtp://127.0.0.1:1025")
    os.environ.setdefault("PASSWORD_BREACH_CHECK", "off")
    # Plain HTTP on loopback: no redirect to HTTPS, cookies without Secure.
    os.environ.setdefault("HTTPS_ONLY", "off")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def size_label(requests: int) -> str:
    """1,000,000 -> "1m", 250,000 -> "250k": the suffix of a database's name."""
    if requests % 1_000_000 == 0:
        return f"{requests // 1_000_000}m"
    if requests % 1000 == 0:
        return f"{requests // 1000}k"
    return str(requests)


def database_url_for(requests: int) -> str:
    """The bench's database for this many requests: traces_bench for the default
    100,000, traces_bench_1m for 1,000,000, and so on."""
    if requests == DEFAULT_REQUESTS:
        return DEFAULT_DATABASE_URL
    return f"{DEFAULT_DATABASE_URL}_{size_label(requests)}"


def ensure_database(url: str, *, template_url: str | None = None) -> None:
    """Creates the database when missing: as a copy of `template_url`'s database when
    that one exists and nobody is connected to it (its operators and requests are then
    only topped up), else empty."""
    import psycopg

    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(f"make bench needs PostgreSQL: DATABASE_URL={url!r} is not a postgres:// URL.")
    name = parts.path.lstrip("/")
    template = urlsplit(template_url).path.lstrip("/") if template_url else None
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(admin_url, autocommit=True) as conn:

            def exists(database: str) -> bool:
                query = "SELECT 1 FROM pg_database WHERE datname = %s"
                return conn.execute(query, [database]).fetchone() is not None

            if exists(name):
                return
            if template and template != name and exists(template):
                log(f"creating database {name} as a copy of {template}")
                started = time.monotonic()
                try:
                    conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                    log(f"copied {template} in {time.monotonic() - started:.0f} s")
                    return
                except psycopg.errors.ObjectInUse:
                    log(f"{template} is in use: {name} starts empty and is seeded in full")
            log(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        sys.exit(f"make bench: cannot reach PostgreSQL at {admin_url}: {error}")


def setup_django() -> None:
    import django

    django.setup()


# --- Data ----------------------------------------------------------------------------
#
# The bench writes rows of the application in three places only, each a small
# function to adapt when the application's models or services change:
# - `seed_request_rows`: the bulk seed (requests, their events, memberships,
#   applicants), row by row in the shapes the services would write;
# - `cast_requests_write`: the requests of the bench's own people, through the
#   services (which also write the events and the notifications);
# - `validator_ensure`: the validator, through the service, and their second factor.


def operator_count() -> int:
    from entities.models import Organisation

    return Organisation.objects.filter(kind="operator").count()


def request_count() -> int:
    from requests_app.models import AuthorisationRequest

    return AuthorisationRequest.objects.count()


def seed_operators(target: int) -> bool:
    from django.core.management import call_command, get_commands

    have = operator_count()
    if have >= target:
        log(f"{have:,} operators already there: seeding skipped")
        return False
    if "seed_demo" not in get_commands():
        sys.exit("make bench: entities' `seed_demo` command is missing; it seeds the operators.")
    log(f"{have:,} operators; seeding {target - have:,} more with seed_demo")
    started = time.monotonic()
    call_command("seed_demo", operators=target - have, seed=1)
    log(f"seeded operators in {time.monotonic() - started:.0f} s")
    return True


def seed_requests(target: int) -> bool:
    """Tops the authorisation requests up to `target`, from seeded applicants (5 each).

    The requests go in batches of SEED_BATCH, one transaction each (a stopped run
    keeps what it wrote, and the next run tops up from there), written by one
    process per core: building the rows and bulk_create's SQL is Python, and takes
    more time than PostgreSQL does. The organisations are operators drawn at
    random; a person asks at most once per organisation.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from django.db import connections

    from entities.models import Organisation

    have = request_count()
    if have >= target:
        log(f"{have:,} requests already there: seeding skipped")
        return False
    wanted = target - have
    workers = max(1, min(os.cpu_count() or 1, -(-wanted // SEED_BATCH)))
    log(
        f"{have:,} requests; seeding {wanted:,} more in batches of {SEED_BATCH:,}, "
        f"{workers} processes"
    )
    started = time.monotonic()
    organisations = list(
        Organisation.objects.operators()
        .order_by("?")
        .values_list(*SEED_ORGANISATION_FIELDS)[:wanted]
    )
    # Fewer operators than requests wanted: some are asked for more than once.
    while len(organisations) < wanted:
        organisations += organisations[: wanted - len(organisations)]
    _seeding.update(
        organisations=organisations,
        authorities={
            str(a.country): a.pk
            for a in Organisation.objects.authorities()
            .filter(authority_kind="central")
            .order_by("-pk")
        },
        have=have,
        tag=f"{int(time.time())}",
    )
    # The workers are forked with what is above and open their own connections.
    connections.close_all()
    written, done = Counter(), 0
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        batches = [pool.submit(_seed_batch, start) for start in range(0, wanted, SEED_BATCH)]
        for batch in as_completed(batches):
            counts = batch.result()
            written.update(counts)
            done += counts["requests"]
            if done % (SEED_BATCH * 5) == 0 or done == wanted:
                log(f"  {done:,} / {wanted:,} requests ({time.monotonic() - started:.0f} s)")
    _seeding.clear()
    log(
        f"seeded {written['requests']:,} requests, {written['events']:,} events, "
        f"{written['memberships']:,} memberships, {written['applicants']:,} applicants "
        f"in {time.monotonic() - started:.0f} s"
    )
    return True


_seeding: dict = {}  # what seed_requests hands its forked workers
# What seed_request_rows is given of each organisation, in this order.
SEED_ORGANISATION_FIELDS = ("pk", "kind", "status", "country", "name", "eori", "code")


def _seed_batch(start: int) -> Counter:
    from django.db import transaction

    with transaction.atomic():
        return seed_request_rows(
            _seeding["organisations"][start : start + SEED_BATCH],
            authorities=_seeding["authorities"],
            rng=random.Random(_seeding["have"] + start + 6),
            tag=f"{_seeding['tag']}-{start // SEED_BATCH}",
        )


def seed_request_rows(organisations, *, authorities: dict, rng: random.Random, tag: str) -> Counter:
    """One batch of seeded requests, written directly with bulk_create.

    requests_app has no bulk seeder and its services take a few milliseconds a
    request (e-mails, notifications): this writes the rows in the shapes the
    services would (one pending request per person and organisation, routed to the
    country's central authority, the due date two working days after submission,
    a decision and its event for the closed ones, a membership for the approved,
    and the request's search column where the application has one). Adapt it when
    those shapes change (another column the services fill, an event kind).
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from entities.models import Membership, Organisation
    from requests_app.models import (
        AuthorisationRequest,
        EventAction,
        RequestEvent,
        RequestKind,
        RequestStatus,
        due_date_for,
    )

    try:  # the search column that the services write with each request (issue 12)
        from requests_app.search import search_text
    except ImportError:  # the application before it
        search_text = None

    User = get_user_model()
    unusable = make_password(None)
    now = timezone.now()
    users = User.objects.bulk_create(
        [
            User(
                email=f"applicant-{tag}-{n}@{SEED_APPLICANT_DOMAIN}",
                first_name=f"Applicant{n}",
                last_name="Seeded",
                password=unusable,
            )
            for n in range(-(-len(organisations) // REQUESTS_PER_SEED_APPLICANT))
        ],
        batch_size=5000,
    )
    reviewer = (
        User.objects.filter(is_superuser=True).order_by("pk").values_list("pk", flat=True).first()
    )
    requests = []
    for n, row in enumerate(organisations):
        organisation = Organisation(**dict(zip(SEED_ORGANISATION_FIELDS, row, strict=True)))
        applicant = users[n // REQUESTS_PER_SEED_APPLICANT]
        derived = {}
        if search_text is not None:
            derived["search_text"] = search_text(applicant=applicant, organisation=organisation)
        submitted = now - datetime.timedelta(minutes=rng.randrange(1, 60 * 24 * 365))
        roll = rng.random()
        status = (
            RequestStatus.PENDING
            if roll < 0.2
            else RequestStatus.APPROVED
            if roll < 0.8
            else RequestStatus.REJECTED
            if roll < 0.9
            else RequestStatus.WITHDRAWN
        )
        decided_at = (
            None if status == RequestStatus.PENDING else submitted + datetime.timedelta(days=1)
        )
        requests.append(
            AuthorisationRequest(
                applicant_id=applicant.pk,
                organisation_id=organisation.pk,
                kind=RequestKind.NEW_OPERATOR
                if organisation.status == "new"
                else RequestKind.ATTACHMENT,
                status=status,
                message="Please attach me to this operator." if rng.random() < 0.5 else "",
                routed_to_id=authorities.get(organisation.country),
                submitted_at=submitted,
                due_date=due_date_for(submitted, organisation.country),
                decided_at=decided_at,
                decided_by_id=reviewer
                if decided_at and status != RequestStatus.WITHDRAWN
                else None,
                reason="Not a member of this operator." if status == RequestStatus.REJECTED else "",
                **derived,
            )
        )
    AuthorisationRequest.objects.bulk_create(requests, batch_size=5000)
    events, memberships = [], []
    for request in requests:
        events.append(
            RequestEvent(
                request_id=request.pk,
                actor_id=request.applicant_id,
                at=request.submitted_at,
                action=EventAction.SUBMITTED,
                to_status=RequestStatus.PENDING,
            )
        )
        if request.status != RequestStatus.PENDING:
            events.append(
                RequestEvent(
                    request_id=request.pk,
                    actor_id=request.decided_by_id or request.applicant_id,
                    at=request.decided_at,
                    action=request.status,
                    from_status=RequestStatus.PENDING,
                    to_status=request.status,
                    note=request.reason,
                )
            )
        if request.status == RequestStatus.APPROVED:
            memberships.append(
                Membership(
                    user_id=request.applicant_id,
                    organisation_id=request.organisation_id,
                    is_admin=request.kind == RequestKind.NEW_OPERATOR,
                )
            )
    RequestEvent.objects.bulk_create(events, batch_size=10000)
    Membership.objects.bulk_create(memberships, batch_size=10000, ignore_conflicts=True)
    return Counter(
        requests=len(requests),
        events=len(events),
        memberships=len(memberships),
        applicants=len(users),
    )


def analyse(*, full: bool) -> None:
    """Fresh statistics (and, after bulk loads, a visibility map for index-only scans)."""
    from django.db import connection

    statement = "VACUUM ANALYZE" if full else "ANALYZE"
    log(statement)
    with connection.cursor() as cursor:
        cursor.execute(statement)


def prepare_data(args, *, analyse_unseeded: bool = True) -> None:
    """Migrations, static files, reference data and the seeded operators and requests;
    fresh statistics (`analyse_unseeded`: also when nothing was seeded)."""
    from django.core.management import call_command

    log("migrate")
    call_command("migrate", verbosity=0, interactive=False)
    # The pages are requested in-process (queries per request) before the
    # server starts: the hashed static files' manifest must be there already.
    log("collectstatic")
    call_command("collectstatic", verbosity=0, interactive=False)
    log("load_reference_data")
    call_command("load_reference_data", verbosity=0)
    seeded = seed_operators(args.operators)
    seeded = seed_requests(args.requests) or seeded
    if seeded or analyse_unseeded:
        analyse(full=seeded)


@dataclass
class Cast:
    applicant: object
    validator: object
    authority: object
    organisation: object
    request: object  # a pending request of the authority: the admin's request page


def ensure_cast() -> Cast:
    """An applicant with a lived-in profile, a colleague with a pending request, and a
    validator of the French authority who decides them."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from entities.models import Organisation
    from requests_app.models import AuthorisationRequest, RequestStatus

    User = get_user_model()
    authority = Organisation.objects.central_authority_of("FR")
    if authority is None:
        sys.exit(
            "make bench: no central authority for France (load_reference_data should add INAO)."
        )
    operators = list(
        Organisation.objects.operators()
        .filter(country="FR", control_body__isnull=False, status="valid")
        .order_by("pk")[:12]
    )
    if len(operators) < 12:
        sys.exit(
            "make bench: fewer than 12 valid French operators with a control body were seeded."
        )
    with transaction.atomic():
        validator = validator_ensure(authority)
        people = {}
        for email, first_name, last_name in [
            (APPLICANT_EMAIL, "Bench", "Applicant"),
            (COLLEAGUE_EMAIL, "Bench", "Colleague"),
        ]:
            person, created = User.objects.get_or_create(
                email=email, defaults={"first_name": first_name, "last_name": last_name}
            )
            if created:
                person.set_unusable_password()
                person.save()
            people[email] = (person, created)
        applicant, applicant_created = people[APPLICANT_EMAIL]
        colleague, colleague_created = people[COLLEAGUE_EMAIL]
        cast_requests_write(
            applicant=applicant if applicant_created else None,
            colleague=colleague if colleague_created else None,
            validator=validator,
            operators=operators,
        )
    request = (
        AuthorisationRequest.objects.filter(
            applicant=colleague, status=RequestStatus.PENDING, routed_to=authority
        )
        .order_by("-pk")
        .first()
    )
    if request is None:
        sys.exit("make bench: the bench colleague has no pending request (see ensure_cast).")
    return Cast(
        applicant=applicant,
        validator=validator,
        authority=authority,
        organisation=operators[0],
        request=request,
    )


def cast_requests_write(*, applicant, colleague, validator, operators) -> None:
    """The bench people's requests, through requests_app's services (which write the
    history and the notifications, and queue the e-mails the task worker then fails
    to deliver: nothing listens on the bench's SMTP port).

    - the applicant (when just created): 8 requests to operators[0:8], pending,
      approved and rejected in turn, so that home and the profile show a person
      with history (the first approved member of an operator administers it);
    - the colleague (when just created): a request to operators[8] that they
      withdrew, one the validator rejected, and a pending one: the request page.
      A pending request has one event of its own, its submission (the services
      write no other before a decision); the two before it have two each.
    """
    from requests_app.services import (
        request_approve,
        request_reject,
        request_submit,
        request_withdraw,
    )

    if applicant is not None:
        for n, operator in enumerate(operators[:8]):
            request = request_submit(
                applicant=applicant, organisation=operator, message="Bench request"
            )
            if n % 3 == 1:
                request_approve(request=request, decided_by=validator)
            elif n % 3 == 2:
                request_reject(request=request, decided_by=validator, reason="Bench reason")
    if colleague is not None:
        operator = operators[8]
        message = "Please attach me: I run its warehouse."
        first = request_submit(applicant=colleague, organisation=operator, message=message)
        request_withdraw(request=first, by=colleague)
        second = request_submit(applicant=colleague, organisation=operator, message=message)
        request_reject(request=second, decided_by=validator, reason="Send the contract, please.")
        request_submit(applicant=colleague, organisation=operator, message=message)


def validator_ensure(authority):
    """A validator of `authority` as `create_validator` makes one, with a second factor
    (validators must have one when DEBUG is off: REQUIRE_VALIDATOR_MFA)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth import get_user_model

    from requests_app.services import validator_create

    validator = get_user_model().objects.filter(email=VALIDATOR_EMAIL).first()
    if validator is None:
        validator = validator_create(
            email=VALIDATOR_EMAIL,
            authority=authority,
            password=None,
            first_name="Bench",
            last_name="Validator",
        )
    if not Authenticator.objects.filter(user=validator, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(validator, generate_totp_secret())
    return validator


def session_for(user) -> str:
    """A logged-in session, made by Django's own login() through the test client's
    force_login (the first backend that can load a user, the session's hash, and
    what the project's user_logged_in receivers add): its key goes in the Cookie."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


# --- Pages -----------------------------------------------------------------------------

# Paths, not URL names: the names may move between apps, the paths stay.
HEALTHZ_PATH = "/healthz"
FLOOR_PATH = "/bench/rows/"  # scripts/bench_urls.py
HOME_PATH = "/home/"
PROFILE_PATH = "/profile/"
DIRECTORY_PATH = "/directory/operators/"
ORGANISATION_PATH = "/directory/organisations/{pk}/"
QUEUE_PATH = "/admin/requests_app/authorisationrequest/"
REQUEST_PAGE_PATH = "/admin/requests_app/authorisationrequest/{pk}/change/"
# The targets of issue 12: the ratio to the floor at 16 clients.
APPLICANT_TARGET = 0.5
VALIDATOR_TARGET = 0.25
# Within this share of its target, either side, a ratio is "at the edge": closer to it
# than the ratios move from one run to the next on this machine.
EDGE = 0.05
BROAD_QUEUE_WORD = "bio"


@dataclass
class Page:
    key: str
    label: str
    path: str
    who: str | None  # "applicant", "validator" or None (anonymous)
    target: float | None = None  # ratio to the floor, at 16 clients
    note: str = ""
    queries: int | None = None
    status: int | None = None
    runs: dict = field(default_factory=dict)  # connections -> best wrk result
    ratios: dict = field(default_factory=dict)  # connections -> ratio to the floor, per round
    error: str = ""


def search_count(name: str = "", **criteria) -> int:
    """How many operators the directory finds for a name, as the directory counts them."""
    from entities.models import Organisation

    try:
        from entities.services import DirectoryQuery, directory_search
    except ImportError:
        return Organisation.objects.operators().filter(name__icontains=name, **criteria).count()
    return directory_search(DirectoryQuery(kind="operator", name=name, **criteria)).count()


def pick_terms(total: int) -> tuple[str, int, str, int]:
    """A specific name (a few hits) and a broad term (about one operator in ten)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM entities_organisation WHERE kind = 'operator' AND id % 97 = 0 "
            "ORDER BY id LIMIT 4000"
        )
        names = [row[0] for row in cursor.fetchall()]
    try:
        from entities.text import normalise
    except ImportError:
        normalise = str.lower
    normalised = [normalise(n) for n in names]

    specific, specific_hits = "", 0
    for original in names[:300]:
        hits = search_count(original)
        if 1 <= hits <= 20:
            specific, specific_hits = original, hits
            break

    words = Counter(w for n in normalised for w in set(n.split()) if len(w) >= 3 and w.isalpha())
    candidates = [w for w, _ in words.most_common(300)]
    share = {w: sum(w in n for n in normalised) / len(normalised) for w in candidates}
    ranked = sorted(candidates, key=lambda w: abs(share[w] - 0.10))
    broad, broad_hits = "", 0
    for word in ranked[:5]:
        hits = search_count(word)
        if broad == "" or abs(hits / total - 0.10) < abs(broad_hits / total - 0.10):
            broad, broad_hits = word, hits
        if 0.07 <= hits / total <= 0.13:
            break
    return specific, specific_hits, broad, broad_hits


def build_pages(cast: Cast, total: int) -> list[Page]:
    log("picking search terms")
    specific, specific_hits, broad, broad_hits = pick_terms(total)
    fr_importers = search_count(country="FR", activity="importer")
    authority = cast.authority.short_name or cast.authority.name
    request_events = cast.request.events.count()
    pages = [
        Page("healthz", "/healthz (trivial view)", HEALTHZ_PATH, None),
        Page("floor", "20-row template page (floor)", FLOOR_PATH, "applicant"),
        Page("home", "home", HOME_PATH, "applicant", APPLICANT_TARGET),
        Page(
            "specific",
            "directory, specific name",
            f"{DIRECTORY_PATH}?{urlencode({'name': specific})}",
            "applicant",
            APPLICANT_TARGET,
            f"{specific!r}: {specific_hits:,} hits",
        ),
        Page(
            "broad",
            "directory, broad name",
            f"{DIRECTORY_PATH}?{urlencode({'name': broad})}",
            "applicant",
            APPLICANT_TARGET,
            f"{broad!r}: {broad_hits:,} hits ({broad_hits / total:.0%})",
        ),
        Page(
            "country",
            "directory, country and activity",
            f"{DIRECTORY_PATH}?{urlencode({'country': 'FR', 'activity': 'importer'})}",
            "applicant",
            APPLICANT_TARGET,
            f"France, importers: {fr_importers:,} hits",
        ),
        Page(
            "organisation",
            "organisation page",
            ORGANISATION_PATH.format(pk=cast.organisation.pk),
            "applicant",
            APPLICANT_TARGET,
        ),
        Page("profile", "profile", PROFILE_PATH, "applicant", APPLICANT_TARGET),
        Page(
            "queue",
            "validator's admin queue",
            QUEUE_PATH,
            "validator",
            VALIDATOR_TARGET,
            f"{authority}: {queue_size(cast):,} requests, pending shown",
        ),
        Page(
            "request",
            "validator's request page",
            REQUEST_PAGE_PATH.format(pk=cast.request.pk),
            "validator",
            VALIDATOR_TARGET,
            f"pending, {request_events} event{'s' if request_events != 1 else ''}",
        ),
    ]
    for what, label, term, note in queue_search_terms(cast):
        pages.append(
            Page(
                f"queue_by_{what}",
                f"validator's queue searched by {label}, every status",
                f"{QUEUE_PATH}?{urlencode({'q': term, 'status__exact': 'all'})}",
                "validator",
                VALIDATOR_TARGET,
                note,
            )
        )
    return pages


def queue_search_terms(cast: Cast) -> list[tuple[str, str, str, str]]:
    """What a validator types to find requests of their queue, taken from the queue
    itself in request order (so a database topped up with more requests gives the
    same terms): an organisation's name of two words, an EORI, an applicant's e-mail,
    and a broad word."""
    from requests_app.models import AuthorisationRequest

    queue = AuthorisationRequest.objects.filter(routed_to=cast.authority).order_by("pk")
    rows = list(
        queue.filter(applicant__email__endswith=f"@{SEED_APPLICANT_DOMAIN}").values_list(
            "organisation__name", "organisation__eori", "applicant__email"
        )[:5000]
    )
    if not rows:
        sys.exit("make bench: the authority's queue has no seeded requests to search for.")

    def two_words(name: str) -> bool:
        words = name.split()
        return len(words) == 2 and all(len(w) >= 3 and w.isalpha() for w in words)

    name = next((n for n, _, _ in rows if two_words(n)), rows[0][0])
    eori = next((e for _, e, _ in rows if e), "")
    email = rows[0][2]
    terms = [
        ("name", "a name of two words", name),
        ("eori", "an EORI", eori),
        ("email", "an applicant's e-mail", email),
        ("word", "a broad word", BROAD_QUEUE_WORD),
    ]
    return [(what, label, term, repr(term)) for what, label, term in terms if term]


def queue_size(cast: Cast) -> int:
    from requests_app.models import AuthorisationRequest

    return AuthorisationRequest.objects.filter(routed_to=cast.authority).count()


def count_queries(pages: list[Page], cookies: dict[str, str]) -> None:
    """Queries per request, measured in-process against the same database (second request)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    for page in pages:
        client = Client(
            HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https", raise_request_exception=False
        )
        if page.who:
            client.cookies[settings.SESSION_COOKIE_NAME] = cookies[page.who]
        try:
            client.get(page.path)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(page.path)
        except Exception as error:  # noqa: BLE001 - reported in the table, not fatal
            page.error = f"{type(error).__name__}: {error}"
            continue
        page.status = response.status_code
        page.queries = len(captured.captured_queries)
        if response.status_code != 200:
            page.error = f"HTTP {response.status_code} {response.get('Location', '')}".strip()


# --- Server and load -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    env = dict(os.environ, PORT=str(port), BIND="127.0.0.1", ACCESS_LOG="off")
    log_file = open(ROOT / "var" / "bench-serve.log", "w")  # noqa: SIM115 - lives as long as the server
    server = subprocess.Popen(
        [str(ROOT / "scripts" / "serve")],
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped as one below
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"make bench: the server stopped at start; see {log_file.name}")
        try:
            if http_get(port, "/healthz", None)[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.5)
    stop_server(server)
    sys.exit(f"make bench: the server did not answer within 90 s; see {log_file.name}")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def http_get(port: int, path: str, cookie: str | None) -> tuple[int, str]:
    conn = HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"X-Forwarded-Proto": "https"}
        if cookie:
            headers["Cookie"] = cookie
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location") or ""
    finally:
        conn.close()


def wait_until_idle(port: int, limit: float = 15.0) -> None:
    """Until /healthz answers within 20 ms twice running: requests of a slow page still
    queued when wrk stopped would otherwise be served during the next page's run."""
    deadline = time.monotonic() + limit
    quick = 0
    while quick < 2 and time.monotonic() < deadline:
        started = time.monotonic()
        http_get(port, "/healthz", None)
        quick = quick + 1 if time.monotonic() - started < 0.02 else 0
        time.sleep(0.05)


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    log("wrk is not installed: installing the Debian package `wrk` with apt-get")
    command = ["apt-get", "install", "-y", "-q", "wrk"]
    if os.geteuid() != 0:
        command = ["sudo", *command]
    subprocess.run(command, check=False)
    wrk = shutil.which("wrk")
    if not wrk:
        sys.exit("make bench needs wrk (Debian/Ubuntu: apt-get install wrk).")
    return wrk


def run_wrk(
    wrk: str, port: int, path: str, cookie: str | None, connections: int, seconds: int
) -> dict:
    command = [
        wrk,
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "scripts" / "bench_wrk.lua"),
        "-H",
        "Accept-Language: en",
        "-H",
        "X-Forwarded-Proto: https",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = json.loads(output.strip().splitlines()[-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def load_pages(pages, port, cookies, args) -> None:
    from django.conf import settings

    wrk = ensure_wrk()
    measured = []
    for page in pages:
        cookie = f"{settings.SESSION_COOKIE_NAME}={cookies[page.who]}" if page.who else None
        status, location = http_get(port, page.path, cookie)
        if status != 200:
            page.error = page.error or f"HTTP {status} {location}".strip()
            log(f"{page.key}: HTTP {status} {location}: not measured")
            continue
        run_wrk(wrk, port, page.path, cookie, max(args.connections), args.warmup)  # warm-up
        wait_until_idle(port)
        measured.append((page, cookie))
    # Several short rounds over every page: on a shared machine a burst of outside
    # load then spoils one round of a page, not its result. Each page's req/s and
    # latencies are its best round's. Its ratio is paired: the floor is measured
    # just before it, at the same connections, and the page's ratio is the median
    # over the rounds of its req/s over that floor's. The load of the machine's
    # neighbours moves within minutes, and so would a ratio to a floor measured
    # minutes away (directory 0.42 and 0.99 in two runs an hour apart).
    floor = next(((p, c) for p, c in measured if p.key == "floor"), None)
    for round_number in range(1, args.rounds + 1):
        log(f"round {round_number} of {args.rounds}")
        for page, cookie in measured:
            for connections in args.connections:
                paired = None
                if floor and page is not floor[0]:
                    paired = measure_once(wrk, port, *floor, connections, args)
                result = measure_once(wrk, port, page, cookie, connections, args)
                if paired and paired["rps"]:  # a floor run that finished no request: no pair
                    ratio = result["rps"] / paired["rps"]
                    page.ratios.setdefault(connections, []).append(ratio)
                    log(f"{page.key:<12} c={connections:<3} ratio {ratio:.2f}")


def measure_once(wrk, port, page, cookie, connections, args) -> dict:
    """One wrk run of a page; its best run is kept in page.runs."""
    result = run_wrk(wrk, port, page.path, cookie, connections, args.duration)
    wait_until_idle(port)
    best = page.runs.get(connections)
    if best is None or result["rps"] > best["rps"]:
        page.runs[connections] = result
    log(
        f"{page.key:<12} c={connections:<3} {result['rps']:8.1f} req/s  "
        f"p50 {result['p50'] / 1000:6.1f}  p95 {result['p95'] / 1000:6.1f}  "
        f"p99 {result['p99'] / 1000:6.1f} ms"
        + (f"  {result['errors_status']} non-2xx" if result["errors_status"] else "")
    )
    return result


# --- Report ------------------------------------------------------------------------------


def machine_description(args) -> list[str]:
    from django.db import connection

    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    cores = os.cpu_count() or 1
    # As scripts/serve chooses them.
    workers = os.environ.get("WEB_CONCURRENCY") or f"{2 * cores + 1} (2 x cores + 1)"
    threads = os.environ.get("GUNICORN_THREADS") or "1"
    worker_class = os.environ.get("WORKER_CLASS") or "sync"
    if int(threads) > 1 and worker_class == "sync":
        worker_class = "gthread"
    return [
        f"- date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, commit {commit or '?'}",
        f"- machine: {cores} cores (nproc), {memory} memory, {cpu}; {platform.platform()}",
        f"- PostgreSQL {pg} on the same machine; Python {platform.python_version()}",
        f"- server: scripts/serve (gunicorn {worker_class}, {workers} workers x {threads} threads, "
        "DEBUG off, persistent connections)",
        f"- load: wrk on the same machine, loopback, {args.warmup} s warm-up, then "
        f"{args.rounds} rounds of {args.duration} s per page, each just after one of the "
        "floor's, connections " + ", ".join(map(str, args.connections)),
    ]


def ms(value: int) -> str:
    return f"{value / 1000:.1f}"


def met_label(ratio: float, target: float) -> str:
    if ratio >= target * (1 + EDGE):
        return "yes"
    if ratio >= target * (1 - EDGE):
        return "at the edge"
    return "**no**"


def render_table(pages: list[Page], args, data_line: str) -> str:
    low, high = min(args.connections), max(args.connections)
    floor = next((p for p in pages if p.key == "floor"), None)
    floor_rps = {c: floor.runs[c]["rps"] for c in floor.runs} if floor and floor.runs else {}
    head = (
        f"| page | queries | req/s @{low} | p50/p95/p99 ms @{low} | req/s @{high} "
        f"| p50/p95/p99 ms @{high} | ratio @{low} | ratio @{high} | target @{high} | met "
        f"| p95 ms @{high} |"
    )
    lines = [head, "|" + "---|" * 11]
    verdicts = Counter()
    for page in pages:
        cells = [page.label + (f" ({page.note})" if page.note else ""), str(page.queries or "-")]
        target = f"≥ {page.target}" if page.target is not None else "-"
        if page.error and not page.runs:
            met = "**no**" if page.target is not None else "-"
            verdicts[met] += 1
            cells += [page.error, *["-"] * 5, target, met, "-"]
            lines.append("| " + " | ".join(cells) + " |")
            continue
        ratios = {}
        for c in (low, high):
            run = page.runs.get(c)
            if run:
                cells += [
                    f"{run['rps']:.0f}",
                    f"{ms(run['p50'])} / {ms(run['p95'])} / {ms(run['p99'])}",
                ]
                if page.ratios.get(c):
                    ratios[c] = statistics.median(page.ratios[c])
                elif c in floor_rps:
                    ratios[c] = run["rps"] / floor_rps[c]
            else:
                cells += ["-", "-"]
        cells += [f"{ratios[c]:.2f}" if c in ratios else "-" for c in (low, high)]
        met = "-"
        if page.target is not None:
            met = met_label(ratios[high], page.target) if high in ratios else "**no**"
            verdicts[met] += 1
        run = page.runs.get(high)
        cells += [target, met, ms(run["p95"]) if run else "-"]
        lines.append("| " + " | ".join(cells) + " |")
    summary = (
        "req/s and latencies: each page's best round. Ratio: the median over the rounds "
        "of the page's req/s over the floor's, measured just before it. "
        f"Targets at {high} clients (at the edge: within {EDGE:.0%} of the target, "
        f"either side): {verdicts['yes']} met, {verdicts['at the edge']} at the edge, "
        f"{verdicts['**no**']} not met."
    )
    return "\n".join(lines) + f"\n\n{summary}\n\n{data_line}\n"


DOC_INTRO = """# Benchmarks

`make bench` (scripts/bench.py) measures the portal at a million operators and a hundred
thousand authorisation requests, on PostgreSQL, served the production way (`scripts/serve`:
gunicorn, DEBUG off). Each page is driven by wrk at 1 and 16 connections and compared with a
floor measured in the same run: a static 20-row page rendered through `base.html` by a logged-in
person, which only the bench serves (`scripts/bench_urls.py`). Each page is measured in several
short rounds and its best round is kept. The ratio is the page's requests per second divided by
the floor's; the targets (issue 12) are at 16 clients: every applicant page ≥ 0.5, every
validator page and queue search ≥ 0.25; p95 at 16 clients is printed for each page.

Queries per request are counted in-process (Django's test client and `CaptureQueriesContext`
against the same database, second request of each page).

Numbers are noisy: the server, PostgreSQL and wrk share the same (small) machine, and other work
may run beside them. Compare ratios within one run rather than absolute numbers across runs.

Run it: `make bench` (default database `postgres://postgres@127.0.0.1:5432/traces_bench`,
created when missing; `DATABASE_URL` to use another). `.venv/bin/python scripts/bench.py --help`
lists the options (duration, connections, `--requests`, `--no-write`).
"""


def write_doc(table: str, machine: list[str]) -> None:
    DOC.parent.mkdir(parents=True, exist_ok=True)
    head, runs = DOC_INTRO, []
    if DOC.exists():
        text = DOC.read_text()
        if RUNS_MARKER in text:
            head, rest = text.split(RUNS_MARKER, 1)
            runs = ["## Run " + r for r in rest.split("\n## Run ")[1:]]
    title = f"## Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC\n\n"
    run = title + "\n".join(machine) + "\n\n" + table
    runs = [run, *[r.rstrip() + "\n" for r in runs]][:KEEP_RUNS]
    DOC.write_text(head.rstrip() + "\n\n" + RUNS_MARKER + "\n\n" + "\n".join(runs))
    log(f"wrote {DOC.relative_to(ROOT)}")


# --- Main ----------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="default: traces_bench on 127.0.0.1, traces_bench_1m with --requests 1000000",
    )
    parser.add_argument("--operators", type=int, default=1_000_000)
    parser.add_argument(
        "--requests",
        type=int,
        default=DEFAULT_REQUESTS,
        help="top the authorisation requests up to this many (100000)",
    )
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run (5)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds over every page; the best is kept (3)"
    )
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per page (2)")
    parser.add_argument(
        "--connections", type=lambda s: [int(c) for c in s.split(",")], default=[1, 16]
    )
    parser.add_argument("--pages", help="comma-separated page keys to measure (default: all)")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    args = parser.parse_args(argv)
    resolve_database(parser, args)
    return args


def resolve_database(parser, args) -> None:
    """`args.database_url` as given, else the bench's database for `args.requests`;
    `args.template_url` the 100,000-request database it may be copied from."""
    args.template_url = None
    if not args.database_url:
        args.database_url = database_url_for(args.requests)
        if args.database_url != DEFAULT_DATABASE_URL:
            args.template_url = DEFAULT_DATABASE_URL
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("make bench runs on PostgreSQL: DATABASE_URL must be a postgres:// URL")


def main(argv=None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    configure_environment(args)
    ensure_database(args.database_url, template_url=args.template_url)
    setup_django()
    prepare_data(args)
    cast = ensure_cast()
    cookies = {"applicant": session_for(cast.applicant), "validator": session_for(cast.validator)}
    total = operator_count()
    pages = build_pages(cast, total)
    if args.pages:
        keep = set(args.pages.split(",")) | {"floor"}
        pages = [p for p in pages if p.key in keep]
    log("counting queries per page")
    count_queries(pages, cookies)
    port = free_port()
    log(f"starting scripts/serve on 127.0.0.1:{port}")
    server = start_server(port)
    try:
        load_pages(pages, port, cookies, args)
    finally:
        stop_server(server)
        log("server stopped")
    data_line = f"Data: {total:,} operators, {request_count():,} authorisation requests."
    table = render_table(pages, args, data_line)
    machine = machine_description(args)
    print()
    print("\n".join(machine))
    print()
    print(table)
    if not args.no_write:
        write_doc(table, machine)
    log(f"done in {time.monotonic() - started:.0f} s")
    return 0 if all(not p.error for p in pages) else 1


if __name__ == "__main__":
    sys.exit(main())
