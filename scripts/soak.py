"""`make soak`: a bounded mixed load at the production server, then a count of what was kept.

On a fresh PostgreSQL database (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/traces_soak, dropped and created anew) it loads
the reference data and a few thousand operators, starts scripts/serve on a free
loopback port, and for --seconds drives it with --clients threads doing a mix of
sign-ups, directory searches, authorisation requests and validators' decisions.
Afterwards it checks, in the database, that every sign-up and request the server
accepted is there exactly once, that every accepted decision holds and was
recorded once in the history, and that no answer was a 5xx. It prints the counts
and exits non-zero when a check fails. Loopback only; bounded in time.
"""

# ruff: noqa: S311, S603, S607 - a load generator: fixed commands, seeded fake data
from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import sys
import threading
import time
from collections import Counter
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts import bench  # noqa: E402  (after the path is set)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/traces_soak"
CSRF = secrets.token_hex(16)  # a 32-character secret: cookie and form value alike
WORDS = ["bio", "import", "ferme", "qualit", "gmbh", "sarl", "vert", "sol", "mar", "terre"]


def log(message: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {message}", flush=True)


def fresh_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def prepare(operators: int, applicants: int, *, seed: bool = True):
    """The soak's people, validator, their sessions, and French operators to ask for.

    seed=False: the database is migrated and seeded already (make cluster-soak)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from entities.models import Organisation
    from requests_app.services import find_authority, validator_create

    if seed:
        call_command("migrate", verbosity=0)
        call_command("load_reference_data", verbosity=0)
        call_command("seed_demo", operators=operators, seed=7, verbosity=0)
    User = get_user_model()
    people = [
        User.objects.create_user(
            f"soak{n}@soak.invalid", None, first_name="Soak", last_name=f"Person {n}"
        )
        for n in range(applicants)
    ]
    validator = validator_create(
        email="validator@soak.invalid",
        authority=find_authority("INAO"),
        password=None,
    )
    # Validators must use a second factor with DEBUG off: give this one an authenticator.
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(validator, generate_totp_secret())
    french = list(
        Organisation.objects.operators().filter(country="FR").values_list("pk", flat=True)[:400]
    )
    sessions = {person.pk: bench.session_for(person) for person in people}
    return people, sessions, bench.session_for(validator), french


class Client:
    def __init__(self, port: int, session: str | None = None):
        self.connection = HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = f"csrftoken={CSRF}" + (f"; sessionid={session}" if session else "")

    def request(self, method: str, path: str, form: dict | None = None):
        body = urlencode({**form, "csrfmiddlewaretoken": CSRF}) if form is not None else None
        headers = {"Cookie": self.cookie, "Host": "127.0.0.1"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        response.read()
        return response.status, response.getheader("Location") or ""


class Soak:
    def __init__(self, port, people, sessions, validator_session, operators, seconds):
        self.port, self.people, self.sessions = port, people, sessions
        self.validator_session, self.operators = validator_session, operators
        self.deadline = time.monotonic() + seconds
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.actions: Counter = Counter()
        self.signups: list[str] = []
        self.requests: list[tuple[int, int]] = []
        self.approved: list[int] = []

    def client(self, session: str | None = None) -> Client:
        return Client(self.port, session)

    def record(self, action: str, status: int) -> None:
        with self.lock:
            self.actions[action] += 1
            self.statuses[status] += 1

    def signup(self, rng) -> None:
        # The code shown in the image, read from where the server keeps it (as a
        # person reads the image): the portal under test runs in production mode,
        # where no test code is accepted.
        from captcha.models import CaptchaStore

        key = CaptchaStore.generate_key()
        code = CaptchaStore.objects.get(hashkey=key).response
        email = f"new{secrets.token_hex(6)}@soak.invalid"
        status, location = self.client().request(
            "POST",
            "/accounts/signup/",
            {
                "first_name": "Nouvelle",
                "last_name": "Personne",
                "email": email,
                "email2": email,
                "email_language": "fr",
                "captcha_0": key,
                "captcha_1": code,
                "accept_privacy": "on",
            },
        )
        self.record("sign-up", status)
        if status >= 400 and os.environ.get("SOAK_DEBUG"):
            log(f"sign-up answered {status}")
        if status == 302:
            with self.lock:
                self.signups.append(email)

    def search(self, rng, person) -> None:
        query = urlencode({"name": rng.choice(WORDS), "country": rng.choice(["", "FR", "DE"])})
        status, _ = self.client(self.sessions[person.pk]).request(
            "GET", f"/directory/operators/?{query}"
        )
        self.record("search", status)

    def submit(self, rng, person) -> None:
        organisation = rng.choice(self.operators)
        status, location = self.client(self.sessions[person.pk]).request(
            "POST",
            f"/requests/organisation/{organisation}/",
            {"message": "Soak test", "contact_email": person.email},
        )
        self.record("request", status)
        # Sent: to the confirmation of that request (or, before it had one, the profile).
        if status == 302 and (
            re.search(r"/requests/\d+/sent/$", location)
            or location.rstrip("/").endswith("/profile")
        ):
            with self.lock:
                self.requests.append((person.pk, organisation))

    def decide(self, rng) -> None:
        from requests_app.models import AuthorisationRequest

        pending = list(
            AuthorisationRequest.objects.pending().order_by("?").values_list("pk", flat=True)[:1]
        )
        if not pending:
            return
        status, _ = self.client(self.validator_session).request(
            "POST", f"/admin/requests_app/authorisationrequest/{pending[0]}/approve/", {}
        )
        self.record("decision", status)
        if status == 302:
            with self.lock:
                self.approved.append(pending[0])

    def worker(self, seed: int) -> None:
        from django.db import connection

        rng = random.Random(seed)
        while time.monotonic() < self.deadline:
            person = rng.choice(self.people)
            roll = rng.random()
            try:
                if roll < 0.1:
                    self.signup(rng)
                elif roll < 0.6:
                    self.search(rng, person)
                elif roll < 0.85:
                    self.submit(rng, person)
                else:
                    self.decide(rng)
            except OSError as error:
                self.record("connection error", 599)
                log(f"connection error: {error}")
        connection.close()


def check(soak: Soak) -> list[str]:
    from django.contrib.auth import get_user_model

    from requests_app.models import AuthorisationRequest, EventAction, RequestEvent

    problems = []
    users = Counter(
        get_user_model().objects.filter(email__in=soak.signups).values_list("email", flat=True)
    )
    missing = [email for email in soak.signups if users[email] != 1]
    if missing:
        problems.append(f"{len(missing)} accepted sign-ups not in the database exactly once")
    kept = Counter(AuthorisationRequest.objects.values_list("applicant_id", "organisation_id"))
    for pair in soak.requests:
        if kept[pair] < 1:
            problems.append(f"accepted request {pair} is missing")
    duplicates = AuthorisationRequest.objects.pending().values_list(
        "applicant_id", "organisation_id"
    )
    if len(set(duplicates)) != len(duplicates):
        problems.append("two pending requests for one person and organisation")
    for pk in soak.approved:
        if AuthorisationRequest.objects.get(pk=pk).status != "approved":
            problems.append(f"approved request {pk} is not approved")
        if RequestEvent.objects.filter(request_id=pk, action=EventAction.APPROVED).count() != 1:
            problems.append(f"request {pk} has not exactly one approval in its history")
    errors = sum(count for status, count in soak.statuses.items() if status >= 500)
    if errors:
        problems.append(f"{errors} answers were 5xx")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("SOAK_SECONDS", 60)))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--operators", type=int, default=3000)
    parser.add_argument(
        "--database-url", default=os.environ.get("SOAK_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    args = parser.parse_args(argv)

    bench.configure_environment(args)
    os.environ["HTTPS_ONLY"] = "off"
    log(f"fresh database {args.database_url.rsplit('/', 1)[1]}")
    fresh_database(args.database_url)
    bench.setup_django()
    people, sessions, validator_session, operators = prepare(args.operators, 40)

    port = bench.free_port()
    server = bench.start_server(port)
    log(f"server on 127.0.0.1:{port}; {args.clients} clients for {args.seconds} s")
    soak = Soak(port, people, sessions, validator_session, operators, args.seconds)
    try:
        threads = [
            threading.Thread(target=soak.worker, args=(n,), daemon=True)
            for n in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(args.seconds + 60)
    finally:
        bench.stop_server(server)

    problems = check(soak)
    print()
    print("action       answers")
    for action, count in sorted(soak.actions.items()):
        print(f"{action:<12} {count}")
    print("by status:  " + ", ".join(f"{k}: {v}" for k, v in sorted(soak.statuses.items())))
    print(
        f"accepted:    {len(soak.signups)} sign-ups, {len(soak.requests)} requests, "
        f"{len(soak.approved)} decisions"
    )
    if problems:
        print("FAILED:\n  " + "\n  ".join(problems))
        return 1
    print("every accepted sign-up, request and decision is in the database exactly once; no 5xx")
    return 0


if __name__ == "__main__":
    sys.exit(main())
