"""`make cluster-soak`: the soak's mixed load through HAProxy while the cluster's parts fail.

It starts `make cluster` (scripts/cluster.py), then:

1. the rate limits through the balancer: ten bad log-ins from 127.0.0.2 do not
   stop the owner of an account at 127.0.0.3, the eleventh from 127.0.0.2 is
   refused though the two app servers answered them in turn, and the security
   log names each address;
2. a person logs in through app1 (the balancer says which server answered);
3. for CLUSTER_SOAK_SECONDS (300; CI 120) the soak's mix of sign-ups, searches,
   authorisation requests and validators' decisions (scripts/soak.py), each
   client from its own loopback address, while in turn: app1 is killed
   (kill -9 of its whole process group) and started again; the primary
   PostgreSQL restarts; the replica stops and comes back; Redis restarts; the
   SMTP sink refuses every message for a minute (CLUSTER_SOAK_REFUSE_SECONDS);
4. then checks and prints: requests accepted / stored / duplicated / lost, 5xx
   by cause (the fault at that moment; a 5xx is accepted only during the
   primary's restart, and only as a "try again" page, each POST sent again as a
   person would), the session logged in through the killed server, every
   notification e-mail received exactly once after the sink came back, the
   rate limits, and the fault timeline. Exit status 1 when a check fails.
"""

# ruff: noqa: S311 - a load generator: seeded fake data
from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import signal
import ssl
import sys
import threading
import time
from collections import Counter
from http.client import HTTPSConnection, RemoteDisconnected
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts import bench, soak  # noqa: E402
from scripts.cluster import APPS, PORTS, Cluster, install_missing, wait_for  # noqa: E402

PRIMARY_RESTART = "primary restart"
# Answers up to this long after a fault ended are still its own.
GRACE = 6.0
TRY_AGAIN = "Try again in a moment"


def log(message: str) -> None:
    print(f"[cluster-soak {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Answer:
    __slots__ = ("status", "location", "served_by", "body")

    def __init__(self, status, location, served_by, body):
        self.status, self.location, self.served_by, self.body = status, location, served_by, body


_contexts: dict = {}


def tls_context(cluster: Cluster) -> ssl.SSLContext:
    """The cluster's own certificate as the only authority: the name 127.0.0.1 is checked."""
    key = str(cluster.base)
    if key not in _contexts:
        _contexts[key] = ssl.create_default_context(cafile=str(cluster.base / "haproxy" / "ca.pem"))
    return _contexts[key]


class HttpsClient:
    """One browser: HTTPS through HAProxy (the certificate checked), from one source address."""

    def __init__(self, cluster: Cluster, source: str, session: str | None = None):
        self.cluster = cluster
        self.source = source
        self.context = tls_context(cluster)
        self.cookies = {"__Host-csrftoken": soak.CSRF}
        if session:
            self.cookies["__Host-sessionid"] = session
        self.connection = None

    def _connect(self):
        self.connection = HTTPSConnection(
            "127.0.0.1",
            PORTS["https"],
            timeout=40,
            context=self.context,
            source_address=(self.source, 0),
        )

    def send(self, method: str, path: str, form: dict | None = None) -> Answer:
        reused = self.connection is not None
        if not reused:
            self._connect()
        body = urlencode({**form, "csrfmiddlewaretoken": soak.CSRF}) if form is not None else None
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Host": f"127.0.0.1:{PORTS['https']}",
            "Referer": f"{self.cluster.url}/",
            "Origin": self.cluster.url,
        }
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.connection.close()
            self.connection = None
            if not reused:
                raise
            # A kept-alive connection the balancer had closed meanwhile: a browser
            # sends the request again on a new one.
            return self.send(method, path, form)
        except OSError:
            self.connection.close()
            self.connection = None
            raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                # The form token stays the one the soak sends (a rotated cookie would
                # not match it; the old pair stays valid).
                if name.strip() != "__Host-csrftoken":
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        text = content.decode("utf-8", "replace")
        return Answer(
            response.status,
            response.getheader("Location") or "",
            response.getheader("X-Served-By") or "",
            text,
        )

    def request(self, method: str, path: str, form: dict | None = None):
        answer = self.send(method, path, form)
        return answer.status, answer.location


# --- Faults --------------------------------------------------------------------------


class Timeline:
    def __init__(self):
        self.start = time.monotonic()
        self.events: list[tuple[float, str]] = []
        self.windows: list[tuple[str, float, float | None]] = []
        self.lock = threading.Lock()

    def now(self) -> float:
        return time.monotonic() - self.start

    def note(self, text: str) -> None:
        with self.lock:
            self.events.append((self.now(), text))
        log(text)

    def begin(self, fault: str) -> int:
        with self.lock:
            self.windows.append((fault, self.now(), None))
            return len(self.windows) - 1

    def end(self, index: int) -> None:
        with self.lock:
            fault, began, _ = self.windows[index]
            self.windows[index] = (fault, began, self.now())

    def fault_at(self, moment: float, grace: float = None) -> str:
        """The faults under way at that moment, or ended less than `grace` s before (the
        balancer needs two good health checks to send traffic again), in their order."""
        grace = GRACE if grace is None else grace
        with self.lock:
            faults = [
                fault
                for fault, began, ended in self.windows
                if began <= moment and (ended is None or moment <= ended + grace)
            ]
        return " + ".join(faults) or "no fault"


def schedule(seconds: int, refuse_seconds: int) -> list[tuple[float, str]]:
    """When each fault starts, in turn: the sink's refusal last, ending before the load does."""
    refuse_at = max(seconds - refuse_seconds - 5, 0)
    step = refuse_at / 5
    return [
        (step * 0.5, "kill app1"),
        (step * 1.5, PRIMARY_RESTART),
        (step * 2.5, "replica stop"),
        (step * 4.0, "redis restart"),
        (refuse_at, "smtp refuses"),
    ]


class Faults(threading.Thread):
    def __init__(self, cluster: Cluster, timeline: Timeline, seconds: int, refuse_seconds: int):
        super().__init__(daemon=True)
        self.cluster, self.timeline = cluster, timeline
        self.plan = schedule(seconds, refuse_seconds)
        self.refuse_seconds = refuse_seconds
        self.errors: list[str] = []
        self.smtp_back_at: float | None = None

    def wait_until(self, moment: float) -> None:
        delay = moment - self.timeline.now()
        if delay > 0:
            time.sleep(delay)

    def run(self) -> None:
        for moment, fault in self.plan:
            self.wait_until(moment)
            try:
                getattr(self, fault.replace(" ", "_").replace("app1", "app"))()
                # The next fault once the balancer sends to both servers again, and
                # its answers are no longer this one's (Timeline.fault_at's grace).
                wait_for("both app servers healthy", self.cluster.haproxy_ready, 60)
                if fault != self.plan[-1][1]:
                    time.sleep(GRACE + 1)
            except Exception as error:  # noqa: BLE001 - reported, and the soak fails
                self.errors.append(f"{fault}: {error}")
                self.timeline.note(f"{fault} FAILED: {error}")

    def kill_app(self) -> None:
        window = self.timeline.begin("app1 killed")
        self.cluster.kill_app("app1")
        self.timeline.note("app1: kill -9 (master and workers)")
        time.sleep(5)
        self.cluster.start_app("app1")
        self.cluster.wait_app("app1")
        wait_for("app1 healthy in HAProxy", self.cluster.haproxy_ready, 30)
        self.timeline.end(window)
        self.timeline.note("app1: started again, healthy in HAProxy")

    def primary_restart(self) -> None:
        window = self.timeline.begin(PRIMARY_RESTART)
        self.timeline.note("primary PostgreSQL: restart (pg_ctl restart -m fast)")
        self.cluster.pg_ctl("primary", "restart")
        self.timeline.end(window)
        self.timeline.note("primary PostgreSQL: accepting connections again")

    def replica_stop(self) -> None:
        window = self.timeline.begin("replica stopped")
        self.cluster.pg_ctl("replica", "stop")
        self.timeline.note("replica: stopped")
        time.sleep(10)
        self.cluster.pg_ctl("replica", "start")
        self.timeline.end(window)
        self.timeline.note("replica: started again (streaming from the primary)")

    def redis_restart(self) -> None:
        window = self.timeline.begin("redis restart")
        self.cluster._stop("redis")
        self.timeline.note("Redis: stopped (no persistence: cache and counters gone)")
        time.sleep(1)
        self.cluster.start_redis()
        self.timeline.end(window)
        self.timeline.note("Redis: started again")

    def smtp_refuses(self) -> None:
        window = self.timeline.begin("smtp refusing")
        self.cluster.smtp_refuse(True)
        self.timeline.note(f"SMTP sink: refuses every message for {self.refuse_seconds} s")
        time.sleep(self.refuse_seconds)
        self.cluster.smtp_refuse(False)
        self.smtp_back_at = time.time()
        self.timeline.end(window)
        self.timeline.note("SMTP sink: accepts again")


# --- The load ----------------------------------------------------------------------------


class ClusterSoak(soak.Soak):
    def __init__(self, cluster, timeline, *args, **kwargs):
        super().__init__(0, *args, **kwargs)
        self.cluster, self.timeline = cluster, timeline
        self.local = threading.local()
        self.errors_by_cause: Counter = Counter()
        self.error_samples: dict = {}
        self.retried = 0
        self.given_up: list[str] = []
        self.soak_db_errors = 0
        self.served_by: Counter = Counter()
        self.clients = 0
        self.faults_ended: float | None = None
        self.faults = None

    def faults_running(self) -> bool:
        if self.faults is None:
            return False
        if self.faults.is_alive():
            return True
        if self.faults_ended is None:
            self.faults_ended = time.monotonic()
        return time.monotonic() < self.faults_ended + 5

    def client(self, session=None):
        return SoakClient(self, self.local.source, session)

    def classify(self, method: str, action: str, answer: Answer) -> None:
        moment = self.timeline.now()
        fault = self.timeline.fault_at(moment)
        page = "try-again page" if TRY_AGAIN in answer.body else "other page"
        origin = f"from {answer.served_by}" if answer.served_by else "from the balancer"
        cause = f"{answer.status} {page} {origin} to a {method} during: {fault}"
        with self.lock:
            self.errors_by_cause[cause] += 1
            self.error_samples.setdefault(cause, (round(moment, 1), action))

    def worker(self, seed: int) -> None:
        from django.db import DatabaseError, connection

        self.local.source = f"127.0.0.{10 + seed}"
        rng = random.Random(seed)
        # At least the given time, and until the last fault is over and 5 s more.
        while time.monotonic() < self.deadline or self.faults_running():
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
            except DatabaseError:
                # The soak's own query (a captcha's code, a pending request to decide)
                # while the primary restarts: not an answer of the portal.
                with self.lock:
                    self.soak_db_errors += 1
                connection.close()
                time.sleep(0.5)
            except OSError as error:
                self.record("connection error", 599)
                log(f"connection error: {error}")
        connection.close()


class SoakClient(HttpsClient):
    """A browser of the soak: a 5xx is counted by its cause, then sent again as a person would."""

    ATTEMPTS = 5

    def __init__(self, soak_run: ClusterSoak, source: str, session: str | None):
        super().__init__(soak_run.cluster, source, session)
        self.soak_run = soak_run

    def request(self, method: str, path: str, form: dict | None = None):
        action = path.split("/")[1] if "/" in path else path
        for attempt in range(self.ATTEMPTS):
            try:
                answer = self.send(method, path, form)
            except OSError as error:
                answer = Answer(599, "", "", f"connection error: {error}")
            if answer.status < 500:
                with self.soak_run.lock:
                    self.soak_run.served_by[answer.served_by or "-"] += 1
                return answer.status, answer.location
            self.soak_run.classify(method, action, answer)
            if attempt + 1 < self.ATTEMPTS:
                with self.soak_run.lock:
                    self.soak_run.retried += 1
                time.sleep(1 + attempt)
                if form is not None and "captcha_0" in form:
                    form = fresh_captcha(form)
        with self.soak_run.lock:
            self.soak_run.given_up.append(f"{method} {path}")
        return answer.status, answer.location


def fresh_captcha(form: dict) -> dict:
    """A person sending the sign-up form again reads the new code shown."""
    from captcha.models import CaptchaStore

    key = CaptchaStore.generate_key()
    code = CaptchaStore.objects.get(hashkey=key).response
    return {**form, "captcha_0": key, "captcha_1": code}


# --- Checks ------------------------------------------------------------------------------


def app_logs(cluster: Cluster) -> str:
    return "".join((cluster.logs / f"{name}.log").read_text(errors="replace") for name in APPS)


def check_rate_limits(cluster: Cluster, results: list[str], problems: list[str]) -> None:
    """Ten bad log-ins from 127.0.0.2 through HAProxy do not lock out 127.0.0.3's owner."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    password = secrets.token_urlsafe(16)
    owner = get_user_model().objects.create_user(
        "owner@cluster.invalid", password, first_name="Owen", last_name="Owner"
    )
    EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
    attacker = HttpsClient(cluster, "127.0.0.2")
    served = Counter()
    for attempt in range(10):
        answer = attacker.send(
            "POST",
            "/accounts/login/",
            {"login": f"guess{attempt}@cluster.invalid", "password": "not the password"},
        )
        served[answer.served_by] += 1
        if answer.status != 200 or "Too many failed login attempts" in answer.body:
            problems.append(f"bad log-in {attempt + 1} from 127.0.0.2 answered {answer.status}")
    eleventh = attacker.send(
        "POST", "/accounts/login/", {"login": owner.email, "password": password}
    )
    held = "Too many failed login attempts" in eleventh.body and eleventh.status == 200
    owner_client = HttpsClient(cluster, "127.0.0.3")
    logged_in = owner_client.send(
        "POST", "/accounts/login/", {"login": owner.email, "password": password}
    )
    home = owner_client.send("GET", "/home/")
    owner_ok = logged_in.status == 302 and home.status == 200 and "Owen" in home.body
    time.sleep(1)
    logs = app_logs(cluster)
    failed_ips = Counter(re.findall(r"event=login\.failed .*? ip=(\S+)", logs))
    succeeded = re.findall(rf"event=login\.succeeded \S+ who={owner.pk} .*?ip=(\S+)", logs)
    results.append(
        f"rate limit through HAProxy: 10 bad log-ins from 127.0.0.2 (answered by "
        f"{', '.join(f'{k} {v}' for k, v in sorted(served.items()))}); the 11th from 127.0.0.2 "
        f"{'refused' if held else 'NOT refused'}; the owner at 127.0.0.3 "
        f"{'logged in' if owner_ok else 'NOT logged in'}"
    )
    results.append(
        f"security log: login.failed ip=127.0.0.2 x{failed_ips.get('127.0.0.2', 0)}, "
        f"login.succeeded of the owner ip={','.join(sorted(set(succeeded))) or '-'}; "
        f"entries with the balancer's 127.0.0.1: {failed_ips.get('127.0.0.1', 0)}"
    )
    if not held:
        problems.append("the 11th bad log-in from 127.0.0.2 was not refused")
    if len(served) < 2:
        problems.append(f"the bad log-ins reached one app server only: {dict(served)}")
    if not owner_ok:
        problems.append("the owner at 127.0.0.3 could not log in after 127.0.0.2's bad log-ins")
    if failed_ips.get("127.0.0.2", 0) < 10 or failed_ips.get("127.0.0.1", 0):
        problems.append(f"the security log does not name 127.0.0.2 for each failure: {failed_ips}")
    if set(succeeded) != {"127.0.0.3"}:
        problems.append(f"the owner's log-in is not logged from 127.0.0.3: {succeeded}")


def check_replica_lag(cluster: Cluster, session: str, organisation_pk: int, results, problems):
    """With the replica's replay paused, a change on the primary shows once the lag passes
    the bound (REPLICA_MAX_LAG_SECONDS): the organisation page is then read from the primary."""
    from entities.models import Organisation

    bound = float(cluster.portal_env()["REPLICA_MAX_LAG_SECONDS"])
    page = f"/directory/organisations/{organisation_pk}/"
    marker = f"Lag check {secrets.token_hex(4)}"
    reader = HttpsClient(cluster, "127.0.0.5", session)
    cluster.psql("replica", "SELECT pg_wal_replay_pause()")
    try:
        Organisation.objects.filter(pk=organisation_pk).update(name=marker)
        at_once = [marker in reader.send("GET", page).body for _ in range(2)]
        time.sleep(bound + 2 + 1)  # the bound, the check interval, a second more
        later = [(marker in (a := reader.send("GET", page)).body, a.served_by) for _ in range(2)]
    finally:
        cluster.psql("replica", "SELECT pg_wal_replay_resume()")
    results.append(
        f"replica lag: replay paused, a name changed on the primary: right after, "
        f"{sum(at_once)} of 2 pages showed it; {bound + 3:.0f} s later (past the {bound:.0f} s "
        f"bound) {sum(ok for ok, _ in later)} of 2 ({', '.join(s for _, s in later)}), "
        "read from the primary"
    )
    if not all(ok for ok, _ in later):
        problems.append("a replica lagging past the bound still served the organisation page")


def log_in_through(cluster: Cluster, server: str) -> HttpsClient:
    """A person logs in with their password, through the balancer, until `server` answered."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    password = secrets.token_urlsafe(16)
    person = get_user_model().objects.create_user(
        "survivor@cluster.invalid", password, first_name="Sam", last_name="Survivor"
    )
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    for _attempt in range(10):
        client = HttpsClient(cluster, "127.0.0.4")
        answer = client.send(
            "POST", "/accounts/login/", {"login": person.email, "password": password}
        )
        if answer.status == 302 and answer.served_by == server:
            return client
    raise RuntimeError(f"no log-in was answered by {server}")


def still_logged_in(client: HttpsClient) -> tuple[bool, str]:
    answer = client.send("GET", "/home/")
    return answer.status == 200 and "Sam" in answer.body, answer.served_by


def wait_for_mail(timeout: float) -> int:
    """Until no e-mail task is waiting (nor running for less than 30 s); how many still wait.

    A task the worker had claimed when the primary restarted may stay "running" for
    ever (its end could not be written): whether it was sent is the sink's to say."""
    from datetime import timedelta

    from django.db.models import Q
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    deadline = time.monotonic() + timeout
    waiting = 0
    while time.monotonic() < deadline:
        recent = timezone.now() - timedelta(seconds=30)
        waiting = DBTaskResult.objects.filter(
            Q(status="READY") | Q(status="RUNNING", started_at__gte=recent),
            task_path__endswith="deliver_email",
        ).count()
        if not waiting:
            return 0
        time.sleep(1)
    return waiting


def check_mail(cluster: Cluster, faults: Faults, results: list[str], problems: list[str]) -> None:
    from django_tasks_db.models import DBTaskResult

    waiting = wait_for_mail(90)
    notifications = {}
    attempts = Counter()
    for row in DBTaskResult.objects.filter(task_path__endswith="deliver_email").values(
        "args_kwargs", "status"
    ):
        message = row["args_kwargs"]["kwargs"]["message"]
        message_id = (message.get("headers") or {}).get("Message-ID", "")
        notifications[message_id] = message
        attempts[message_id] += 1
    received = (
        [
            json.loads(line)
            for line in (cluster.base / "mail" / "received.jsonl").read_text().splitlines()
            if line.strip()
        ]
        if (cluster.base / "mail" / "received.jsonl").exists()
        else []
    )
    times = Counter(record["message_id"] for record in received)
    sent_once = sum(1 for message_id in notifications if times[message_id] == 1)
    never = [message_id for message_id in notifications if times[message_id] == 0]
    twice = [message_id for message_id, count in times.items() if count > 1]
    retried = [message_id for message_id, count in attempts.items() if count > 1]
    retried_after = sum(
        1
        for record in received
        if record["message_id"] in retried
        and faults.smtp_back_at
        and record["at"] >= faults.smtp_back_at - 1
    )
    results.append(
        f"e-mails: {len(notifications)} notifications, {sent_once} received exactly once, "
        f"{len(never)} never, {len(twice)} twice; {len(retried)} were refused and tried again, "
        f"{retried_after} of them received after the sink came back; {waiting} still waiting"
    )
    if never or twice or waiting:
        problems.append(
            f"e-mails not sent exactly once: {len(never)} never, {len(twice)} twice, "
            f"{waiting} still waiting"
        )
    if faults.smtp_back_at and not retried:
        problems.append("no e-mail was refused while the sink refused: the fault did not bite")


def check_records(run: ClusterSoak, since, results: list[str], problems: list[str]) -> None:
    from django.contrib.auth import get_user_model

    from requests_app.models import AuthorisationRequest, EventAction, RequestEvent

    people = [person.pk for person in run.people]
    stored = AuthorisationRequest.objects.filter(applicant_id__in=people, submitted_at__gte=since)
    stored_pairs = Counter(stored.values_list("applicant_id", "organisation_id"))
    accepted = Counter(run.requests)
    lost = [pair for pair in accepted if stored_pairs[pair] < 1]
    pending = Counter(stored.pending().values_list("applicant_id", "organisation_id"))
    duplicated = sum(1 for count in pending.values() if count > 1)
    signups = Counter(
        get_user_model().objects.filter(email__in=run.signups).values_list("email", flat=True)
    )
    signups_lost = sum(1 for email in run.signups if signups[email] == 0)
    signups_twice = sum(1 for email in run.signups if signups[email] > 1)
    decisions_wrong = 0
    for pk in run.approved:
        request = AuthorisationRequest.objects.get(pk=pk)
        events = RequestEvent.objects.filter(request_id=pk, action=EventAction.APPROVED).count()
        if request.status != "approved" or events != 1:
            decisions_wrong += 1
    results.append(
        f"authorisation requests: accepted {sum(accepted.values())}, stored {stored.count()}, "
        f"duplicated {duplicated}, lost {len(lost)}"
    )
    results.append(
        f"sign-ups: accepted {len(run.signups)}, stored {sum(signups.values())}, "
        f"duplicated {signups_twice}, lost {signups_lost}"
    )
    results.append(
        f"decisions: accepted {len(run.approved)}, held with one history entry "
        f"{len(run.approved) - decisions_wrong}, wrong {decisions_wrong}"
    )
    if lost or duplicated or signups_lost or signups_twice or decisions_wrong:
        problems.append("an accepted write was lost, duplicated or does not hold")


KILLED_POST = "from the balancer to a POST during: app1 killed"


def allowed_5xx(cause: str) -> bool:
    """A 5xx the soak accepts, each followed by its retry (counted and named, never hidden).

    - during the primary's restart, the "try again" page (the app's or the balancer's);
    - during app1's kill, the balancer's "try again" page to a POST that was in flight on
      app1: HAProxy does not send a POST twice (it may have been written); the person,
      here the soak, sends it again, and the database refuses a duplicate.
    """
    if "try-again page" not in cause:
        return False
    return PRIMARY_RESTART in cause or KILLED_POST in cause


def check_errors(run: ClusterSoak, results: list[str], problems: list[str]) -> None:
    total = sum(run.errors_by_cause.values())
    results.append(
        f"5xx answers: {total} (each sent again by the soak, as the page asks; "
        f"{run.retried} retries, {len(run.given_up)} given up)"
    )
    for cause, count in sorted(run.errors_by_cause.items(), key=lambda item: -item[1]):
        moment, action = run.error_samples[cause]
        results.append(f"  {count:>5}  {cause} (first at {moment} s, /{action}/)")
        if not allowed_5xx(cause):
            problems.append(f"{count} answers '{cause}': a 5xx outside the primary's restart")
    cut = sum(count for cause, count in run.errors_by_cause.items() if KILLED_POST in cause)
    if cut > run.clients:
        problems.append(f"{cut} POSTs cut by the kill: more than the {run.clients} in flight")
    if run.given_up:
        problems.append(
            f"{len(run.given_up)} requests still failed after {SoakClient.ATTEMPTS} tries"
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--seconds", type=int, default=int(os.environ.get("CLUSTER_SOAK_SECONDS", 300))
    )
    parser.add_argument(
        "--refuse-seconds",
        type=int,
        default=int(os.environ.get("CLUSTER_SOAK_REFUSE_SECONDS", 60)),
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--operators", type=int, default=3000)
    args = parser.parse_args(argv)

    install_missing()
    cluster = Cluster(operators=args.operators)

    def interrupted(signum, frame):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    problems: list[str] = []
    results: list[str] = []
    try:
        cluster.start()
        os.environ.update(cluster.primary_direct_env())
        os.environ["LOG_LEVEL"] = "WARNING"
        bench.setup_django()
        from django.utils import timezone

        since = timezone.now()
        people, sessions, validator_session, operators = soak.prepare(
            args.operators, 40, seed=False
        )
        check_rate_limits(cluster, results, problems)
        check_replica_lag(cluster, sessions[people[0].pk], operators[0], results, problems)
        survivor = log_in_through(cluster, "app1")
        log("a person logged in through app1; the rate-limit check is done")

        timeline = Timeline()
        run = ClusterSoak(
            cluster, timeline, people, sessions, validator_session, operators, args.seconds
        )
        run.deadline = time.monotonic() + args.seconds
        run.clients = args.clients
        faults = Faults(cluster, timeline, args.seconds, args.refuse_seconds)
        run.faults = faults
        log(f"{args.clients} clients through {cluster.url} for {args.seconds} s; faults in turn")
        threads = [
            threading.Thread(target=run.worker, args=(n,), daemon=True) for n in range(args.clients)
        ]
        for thread in [faults, *threads]:
            thread.start()
        checked_during = None
        faults_done = False
        while any(thread.is_alive() for thread in threads):
            time.sleep(1)
            if checked_during is None and any(
                fault == "app1 killed" and ended is None for fault, _b, ended in timeline.windows
            ):
                time.sleep(1)
                try:
                    checked_during = still_logged_in(survivor)
                except OSError as error:
                    checked_during = (False, f"no answer: {error}")
        faults.join(args.seconds + args.refuse_seconds + 300)
        for thread in threads:
            thread.join(60)
        faults_done = not faults.is_alive()
        timeline.note("load finished")
        problems += faults.errors
        if not faults_done:
            problems.append("the faults did not finish")

        try:
            after = still_logged_in(survivor)
        except OSError as error:
            after = (False, f"no answer: {error}")
        during = checked_during or (False, "-")
        results.append(
            f"session logged in through app1: while app1 was down "
            f"{'logged in' if during[0] else 'NOT logged in'} (served by {during[1]}); "
            f"after its restart {'logged in' if after[0] else 'NOT logged in'}"
        )
        if not (during[0] and after[0]):
            problems.append("the session logged in through the killed app1 was lost")

        from django.db import connections

        for name, alive in cluster.running().items():
            if not alive:
                problems.append(f"{name} stopped during the soak (see var/cluster/logs/{name}.log)")
        connections.close_all()  # the soak's own, broken by the primary's restart
        for check in (
            lambda: check_records(run, since, results, problems),
            lambda: check_errors(run, results, problems),
            lambda: check_mail(cluster, faults, results, problems),
        ):
            try:
                check()
            except Exception as error:  # noqa: BLE001 - reported as a failed check
                problems.append(f"a check could not run: {error!r}")
        try:
            # Each server's own count of the transactions it ran (pg_stat_database).
            sql = (
                "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'traces'"
            )
            results.append(
                f"transactions (pg_stat_database): replica {cluster.psql('replica', sql)}, "
                f"primary {cluster.psql('primary', sql)}"
            )
        except Exception as error:  # noqa: BLE001 - a figure, not a check
            results.append(f"transactions on the replica: not read ({error})")
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(run.statuses.items()))
        served = ", ".join(f"{k} {v}" for k, v in sorted(run.served_by.items()))
    finally:
        cluster.stop()

    print()
    print(f"cluster-soak: {args.seconds} s, {args.clients} clients through HAProxy (TLS)")
    print("action       answers")
    for action, count in sorted(run.actions.items()):
        print(f"{action:<12} {count}")
    print(f"by status:   {statuses}")
    print(f"served by:   {served}")
    if run.soak_db_errors:
        print(
            f"the soak's own database queries that failed during the faults: {run.soak_db_errors}"
        )
    for line in results:
        print(line)
    print("fault timeline (seconds from the load's start):")
    for moment, text in timeline.events:
        print(f"  {moment:>6.1f}  {text}")
    if problems:
        print("FAILED:\n  " + "\n  ".join(problems))
        return 1
    print("every check held")
    return 0


if __name__ == "__main__":
    sys.exit(main())
