"""`make cluster`: the production topology on this machine's loopback, in var/cluster/.

    HAProxy :18443 (TLS) -> app1 :18001, app2 :18002 (scripts/serve, /healthz checks)
    app servers -> PgBouncer :16432 (transaction pooling) -> primary PostgreSQL :15432
    directory reads -> streaming replica :15433 (pg_basebackup -R)
    cache and rate limits -> Redis :16379; task worker (e-mail) -> SMTP sink :12525

(the README has the picture)

Everything runs from var/cluster/ on its own ports: the machine's own PostgreSQL
(5432) and Redis (6379) are never touched. What the machine lacks (PostgreSQL,
HAProxy, PgBouncer, Redis, OpenSSL) is installed with apt-get first, and it says
so. The TLS certificate is made at each start (openssl, for 127.0.0.1 and
localhost). `make cluster` prints the public URL and a log-in, and stops
everything on Ctrl-C; scripts/cluster_soak.py drives the same cluster and its
faults through the `Cluster` class below.

PostgreSQL and PgBouncer refuse to run as root: run as root, they run as the
`postgres` user. The data is made anew at each start (CLUSTER_KEEP=on keeps it).
"""

# ruff: noqa: S603, S607 - fixed commands on loopback
from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "var" / "cluster"

# Below the kernel's ephemeral range (32768 to 60999): a port in it can be taken, at the
# moment the cluster starts, by any outgoing connection's own end (seen once in CI: the
# primary's 55432 "already in use" just after the test suites' connections).
PORTS = {
    "primary": 15432,
    "replica": 15433,
    "pgbouncer": 16432,
    "redis": 16379,
    "smtp": 12525,
    "app1": 18001,
    "app2": 18002,
    "https": 18443,
    "stats": 18404,
}
APPS = ("app1", "app2")
DATABASE = "traces"
# Debian's package for each command the cluster needs.
PACKAGES = {
    "haproxy": "haproxy",
    "pgbouncer": "pgbouncer",
    "redis-server": "redis-server",
    "openssl": "openssl",
}


def log(message: str) -> None:
    print(f"[cluster {time.strftime('%H:%M:%S')}] {message}", flush=True)


def pg_bin() -> Path | None:
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parent.parent.name),
    )
    return versions[-1].parent if versions else None


def install_missing() -> None:
    """apt-get install what is missing, saying so; nothing when all is there."""
    need = [package for command, package in PACKAGES.items() if not shutil.which(command)]
    if pg_bin() is None or not shutil.which("pg_basebackup", path=str(pg_bin() or "")):
        need.append("postgresql")
    if not need:
        return
    log(f"installing what this machine lacks: {' '.join(need)} (apt-get)")
    if os.geteuid() != 0:
        sys.exit(f"make cluster: run as root, or install first: apt-get install {' '.join(need)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    # Debian's packages would start their own services (a Redis on 6379, a PostgreSQL
    # on 5432...): policy-rc.d's 101 tells them not to. The cluster runs its own.
    policy = Path("/usr/sbin/policy-rc.d")
    added_policy = not policy.exists()
    if added_policy:
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
    try:
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *need],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
    finally:
        if added_policy:
            policy.unlink()


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.3)
        return sock.connect_ex((host, port)) == 0


def wait_for(what: str, check, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not come up within {seconds:.0f} s (logs in {BASE / 'logs'})")


class Cluster:
    def __init__(self, base: Path = BASE, *, web_concurrency: int = 3, operators: int = 3000):
        self.base = base
        self.logs = base / "logs"
        # What PostgreSQL and PgBouncer (the postgres user, when run as root) read and
        # write: var/cluster/ itself, unless a folder above the checkout is closed to
        # that user (a clone in a mktemp -d folder): then a folder of its own in /tmp.
        self.pg_home = base
        self.run_dir = base / "run"
        self.web_concurrency = web_concurrency
        self.operators = operators
        self.processes: dict[str, subprocess.Popen] = {}
        self.pg = pg_bin()
        self.as_postgres = os.geteuid() == 0
        self.url = f"https://127.0.0.1:{PORTS['https']}"
        self.cert = base / "haproxy" / "cert.pem"

    # --- Environment of the portal's processes -------------------------------------------

    def portal_env(self) -> dict[str, str]:
        secret = self.base / "secret_key"
        if not secret.exists():
            secret.write_text(secrets.token_urlsafe(50))
        return {
            "ENV_FILE": "/dev/null",
            "DJANGO_SETTINGS_MODULE": "traces.settings",
            "DEBUG": "off",
            "SECRET_KEY": secret.read_text().strip(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CSRF_TRUSTED_ORIGINS": self.url,
            "PORTAL_URL": self.url,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PORTS['pgbouncer']}/{DATABASE}",
            "DATABASE_POOLER": "pgbouncer",
            "REPLICA_DATABASE_URL": f"postgres://postgres@127.0.0.1:{PORTS['replica']}/{DATABASE}",
            "REDIS_URL": f"redis://127.0.0.1:{PORTS['redis']}/0",
            "EMAIL_URL": f"smtp://127.0.0.1:{PORTS['smtp']}",
            "EMAIL_RETRY_FIRST_SECONDS": os.environ.get("EMAIL_RETRY_FIRST_SECONDS", "2"),
            "EMAIL_RETRY_MAX_SECONDS": os.environ.get("EMAIL_RETRY_MAX_SECONDS", "10"),
            # A tight bound, so that make cluster-soak sees it act within seconds.
            "REPLICA_MAX_LAG_SECONDS": os.environ.get("REPLICA_MAX_LAG_SECONDS", "3"),
            "READ_YOUR_WRITES_SECONDS": os.environ.get("READ_YOUR_WRITES_SECONDS", "10"),
            "BEHIND_PROXY": "on",
            "TRUSTED_PROXY_COUNT": "1",
            "HTTPS_ONLY": "on",
            "STATIC_MANIFEST": "on",
            "PASSWORD_BREACH_CHECK": "off",
            "LOG_LEVEL": "INFO",
        }

    def primary_direct_env(self) -> dict[str, str]:
        """The same settings, straight to the primary (migrations: DDL not through a pooler)."""
        env = self.portal_env()
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{PORTS['primary']}/{DATABASE}"
        env.pop("DATABASE_POOLER")
        env.pop("REPLICA_DATABASE_URL")
        return env

    # --- Helpers -------------------------------------------------------------------------

    def _postgres(self, args: list[str], **kwargs) -> subprocess.CompletedProcess:
        command = [str(args[0]) if "/" in str(args[0]) else str(self.pg / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        # A working folder the postgres user may enter.
        return subprocess.run(command, check=True, cwd=self.pg_home, **kwargs)

    def _own(self, path: Path) -> None:
        if self.as_postgres:
            shutil.chown(path, "postgres", "postgres")

    def _spawn(self, name: str, command: list[str], env: dict | None = None, user=None):
        log_file = (self.logs / f"{name}.log").open("a")
        cwd = ROOT
        if user and self.as_postgres:
            command = ["runuser", "-u", user, "--", *command]
            cwd = self.pg_home
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: stopped, or killed, as one
        )
        self.processes[name] = process
        return process

    def _stop(self, name: str, sig=signal.SIGTERM, timeout: float = 20) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    # --- Start ---------------------------------------------------------------------------

    def prepare(self, keep: bool = False) -> None:
        for port_name, port in PORTS.items():
            if port_open(port):
                sys.exit(
                    f"make cluster: port {port} ({port_name}) is in use: another cluster "
                    "running? Stop it first (Ctrl-C in its terminal)."
                )
        if self.base.exists() and not keep:
            shutil.rmtree(self.base)
        for folder in (
            self.base,
            self.logs,
            self.run_dir,
            self.base / "haproxy",
            self.base / "mail",
        ):
            folder.mkdir(parents=True, exist_ok=True)
        for folder in (self.base, self.logs):
            folder.chmod(0o755)
        self._own(self.logs)
        if self.as_postgres and not self._postgres_reaches(self.base):
            digest = hashlib.sha256(str(self.base).encode()).hexdigest()[:10]
            self.pg_home = Path(tempfile.gettempdir()) / f"traces-cluster-{digest}"
            if self.pg_home.exists() and not keep:
                shutil.rmtree(self.pg_home)
            self.pg_home.mkdir(exist_ok=True)
            self.pg_home.chmod(0o755)
            self._own(self.pg_home)
            (self.base / "postgres").unlink(missing_ok=True)
            (self.base / "postgres").symlink_to(self.pg_home)
            log(
                f"PostgreSQL's folders in {self.pg_home}: the postgres user cannot reach "
                f"{self.base}"
            )
        self.run_dir = self.pg_home / "run"
        self.run_dir.mkdir(exist_ok=True)
        self.run_dir.chmod(0o755)
        self._own(self.run_dir)

    def _postgres_reaches(self, folder: Path) -> bool:
        probe = ["runuser", "-u", "postgres", "--", "test", "-x", str(folder)]
        return subprocess.run(probe, check=False).returncode == 0

    def pg_log(self, which: str) -> Path:
        folder = self.logs if self.pg_home == self.base else self.pg_home
        return folder / f"{which}.log"

    def start_primary(self) -> None:
        data = self.pg_home / "primary"
        if not (data / "PG_VERSION").exists():
            data.mkdir(parents=True, exist_ok=True)
            data.chmod(0o700)
            self._own(data)
            self._postgres(
                [
                    "initdb",
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ],
                stdout=subprocess.DEVNULL,
            )
            with (data / "postgresql.conf").open("a") as conf:
                conf.write(
                    f"\n# make cluster\nport = {PORTS['primary']}\nlisten_addresses = '127.0.0.1'\n"
                    f"unix_socket_directories = '{self.run_dir}'\n"
                    "wal_level = replica\nmax_wal_senders = 5\nhot_standby = on\n"
                    "timezone = 'UTC'\nshared_buffers = 64MB\nmax_connections = 120\n"
                    "wal_keep_size = 256MB\n"
                )
            with (data / "pg_hba.conf").open("a") as hba:
                hba.write("host replication all 127.0.0.1/32 trust\n")
        self.pg_ctl("primary", "start")

    def pg_ctl(self, which: str, action: str, mode: str = "fast") -> None:
        data = self.pg_home / which
        args = ["pg_ctl", "-D", str(data), "-l", str(self.pg_log(which)), "-w", "-t", "60"]
        if action in ("stop", "restart"):
            args += ["-m", mode]
        self._postgres([*args, action], stdout=subprocess.DEVNULL)

    def create_database(self) -> None:
        exists = self._postgres(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(PORTS["primary"]),
                "-U",
                "postgres",
                "-tAc",
                f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'",  # noqa: S608
            ],
            capture_output=True,
            text=True,
        ).stdout.strip()
        if not exists:
            self._postgres(
                [
                    "createdb",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(PORTS["primary"]),
                    "-U",
                    "postgres",
                    DATABASE,
                ]
            )

    def psql(self, which: str, sql: str) -> str:
        return self._postgres(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(PORTS[which]),
                "-U",
                "postgres",
                "-d",
                DATABASE,
                "-tAc",
                sql,
            ],
            capture_output=True,
            text=True,
        ).stdout.strip()

    def start_replica(self) -> None:
        data = self.pg_home / "replica"
        if not (data / "PG_VERSION").exists():
            data.mkdir(parents=True, exist_ok=True)
            data.chmod(0o700)
            self._own(data)
            # -R: standby.signal and primary_conninfo, so it follows the primary at once.
            self._postgres(
                [
                    "pg_basebackup",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(PORTS["primary"]),
                    "-U",
                    "postgres",
                    "-D",
                    str(data),
                    "-R",
                    "-X",
                    "stream",
                    "-c",
                    "fast",
                ]
            )
            with (data / "postgresql.conf").open("a") as conf:
                conf.write(f"\n# the replica\nport = {PORTS['replica']}\n")
        self.pg_ctl("replica", "start")

    def start_pgbouncer(self) -> None:
        folder = self.pg_home / "pgbouncer"
        folder.mkdir(exist_ok=True)
        (folder / "userlist.txt").write_text('"postgres" ""\n')
        (folder / "pgbouncer.ini").write_text(
            f"""[databases]
{DATABASE} = host=127.0.0.1 port={PORTS["primary"]} dbname={DATABASE}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {PORTS["pgbouncer"]}
unix_socket_dir =
auth_type = trust
auth_file = {folder / "userlist.txt"}
; Transaction pooling: a server connection per transaction, not per client.
pool_mode = transaction
max_client_conn = 400
default_pool_size = 20
reserve_pool_size = 5
; While the primary restarts, queries wait for it (up to query_wait_timeout)
; instead of failing at once; the app answers "try again" past that.
query_wait_timeout = 15
server_connect_timeout = 3
server_login_retry = 1
; Django asks for these at connect time; they do not matter to pooling.
ignore_startup_parameters = extra_float_digits,options
server_reset_query =
admin_users = postgres
"""
        )
        for path in (folder, folder / "userlist.txt", folder / "pgbouncer.ini"):
            self._own(path)
        self._spawn("pgbouncer", ["pgbouncer", str(folder / "pgbouncer.ini")], user="postgres")
        wait_for("PgBouncer", lambda: port_open(PORTS["pgbouncer"]))

    def start_redis(self) -> None:
        folder = self.base / "redis"
        folder.mkdir(exist_ok=True)
        # No persistence: a restart forgets the cache and the rate-limit counters.
        self._spawn(
            "redis",
            [
                "redis-server",
                "--port",
                str(PORTS["redis"]),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(folder),
                "--daemonize",
                "no",
                "--protected-mode",
                "yes",
            ],
        )
        wait_for("Redis", lambda: port_open(PORTS["redis"]))

    def start_smtp(self) -> None:
        self._spawn(
            "smtp",
            [
                sys.executable,
                str(ROOT / "scripts" / "smtp_sink.py"),
                "--port",
                str(PORTS["smtp"]),
                "--folder",
                str(self.base / "mail"),
            ],
        )
        wait_for("the SMTP sink", lambda: port_open(PORTS["smtp"]))

    def smtp_refuse(self, refusing: bool) -> None:
        flag = self.base / "mail" / "refuse"
        if refusing:
            flag.touch()
        else:
            flag.unlink(missing_ok=True)

    def migrate_and_seed(self) -> None:
        env = {**os.environ, **self.primary_direct_env()}
        py = str(ROOT / ".venv" / "bin" / "python")
        for command in (
            ["manage.py", "migrate", "--no-input", "--verbosity", "0"],
            ["manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
            ["manage.py", "load_reference_data", "--verbosity", "0"],
            [
                "manage.py",
                "seed_demo",
                "--operators",
                str(self.operators),
                "--seed",
                "7",
                "--verbosity",
                "0",
            ],
        ):
            subprocess.run([py, *command], cwd=ROOT, env=env, check=True)

    def start_app(self, name: str) -> None:
        env = {
            **self.portal_env(),
            "PORT": str(PORTS[name]),
            "BIND": "127.0.0.1",
            "WEB_CONCURRENCY": str(self.web_concurrency),
            "SERVE_SKIP_SETUP": "on",
            "TASK_WORKER": "off",  # the cluster's own worker, below
            "ACCESS_LOG": "off",
        }
        self._spawn(name, [str(ROOT / "scripts" / "serve")], env=env)

    def wait_app(self, name: str, seconds: float = 90) -> None:
        wait_for(name, lambda: port_open(PORTS[name]), seconds)

    def kill_app(self, name: str) -> None:
        """kill -9 of the whole app server: its gunicorn master and every worker."""
        self._stop(name, sig=signal.SIGKILL)

    def start_worker(self) -> None:
        self._spawn(
            "worker",
            [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "task_worker", "--interval", "1"],
            env=self.portal_env(),
        )

    def start_haproxy(self) -> None:
        config = self.write_haproxy_config()
        self._spawn("haproxy", ["haproxy", "-W", "-db", "-f", str(config)])
        wait_for("HAProxy", lambda: port_open(PORTS["https"]))

    def write_haproxy_config(self) -> Path:
        folder = self.base / "haproxy"
        key = folder / "key.pem"
        crt = folder / "crt.pem"
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout",
                str(key),
                "-out",
                str(crt),
            ],
            check=True,
            capture_output=True,
        )
        self.cert.write_bytes(crt.read_bytes() + key.read_bytes())
        (folder / "ca.pem").write_bytes(crt.read_bytes())
        for status, reason in (
            (502, "Bad Gateway"),
            (503, "Service Unavailable"),
            (504, "Gateway Timeout"),
        ):
            (folder / f"{status}.http").write_text(error_page(status, reason))
        checks = "inter 1s fall 3 rise 2"
        servers = "\n".join(
            f"    server {name} 127.0.0.1:{PORTS[name]} check {checks}" for name in APPS
        )
        forwarded_https = "hdr X-Forwarded-Proto https"
        (folder / "haproxy.cfg").write_text(
            f"""global
    maxconn 2000
    stats socket {self.run_dir / "haproxy.sock"} mode 600 level admin
    tune.ssl.default-dh-param 2048

defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout http-request 10s
    timeout check 3s
    option http-server-close
    # A request whose connection to an app server failed goes to the other one.
    retries 3
    option redispatch 1
    # GETs also when the server died before answering; a POST that reached a
    # server is never sent twice (disable-l7-retry below).
    retry-on conn-failure empty-response response-timeout
    errorfile 502 {folder / "502.http"}
    errorfile 503 {folder / "503.http"}
    errorfile 504 {folder / "504.http"}

frontend portal
    bind 127.0.0.1:{PORTS["https"]} ssl crt {self.cert}
    # The client's address, appended to what it sent (TRUSTED_PROXY_COUNT=1
    # takes the last entry); the scheme set, never taken from the client.
    option forwardfor
    http-request set-header X-Forwarded-Proto https
    http-request disable-l7-retry if METH_POST
    http-response set-header X-Served-By %s
    default_backend apps

backend apps
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1 {forwarded_https}
    http-check expect status 200
{servers}

listen stats
    bind 127.0.0.1:{PORTS["stats"]}
    stats enable
    stats uri /
"""
        )
        return folder / "haproxy.cfg"

    def haproxy_ready(self) -> bool:
        """Both app servers up in HAProxy's eyes."""
        try:
            with socket.socket(socket.AF_UNIX) as sock:
                sock.connect(str(self.run_dir / "haproxy.sock"))
                sock.sendall(b"show stat\n")
                data = b""
                while chunk := sock.recv(65536):
                    data += chunk
        except OSError:
            return False
        up = [
            line.split(",")[1]
            for line in data.decode().splitlines()
            if line.startswith("apps,") and ",UP," in line
        ]
        return all(name in up for name in APPS)

    def start(self, keep: bool = False) -> None:
        self.prepare(keep=keep)
        log(f"folder {self.base.relative_to(ROOT)}; logs in {self.logs.relative_to(ROOT)}")
        self.start_primary()
        log(f"PostgreSQL primary on 127.0.0.1:{PORTS['primary']} ({self.pg})")
        self.create_database()
        self.start_replica()
        log(f"streaming replica on 127.0.0.1:{PORTS['replica']} (pg_basebackup -R)")
        self.start_pgbouncer()
        log(f"PgBouncer (transaction pooling) on 127.0.0.1:{PORTS['pgbouncer']}")
        self.start_redis()
        log(f"Redis (no persistence) on 127.0.0.1:{PORTS['redis']}")
        self.start_smtp()
        log(f"SMTP sink on 127.0.0.1:{PORTS['smtp']} (messages in var/cluster/mail)")
        log(f"migrating and seeding {self.operators} operators (straight to the primary)")
        self.migrate_and_seed()
        for name in APPS:
            self.start_app(name)
        self.start_worker()
        for name in APPS:
            self.wait_app(name)
        log(f"app servers on 127.0.0.1:{PORTS['app1']} and :{PORTS['app2']}; task worker")
        self.start_haproxy()
        wait_for("both app servers healthy in HAProxy", self.haproxy_ready, 30)
        log(f"HAProxy: TLS on {self.url}, stats on http://127.0.0.1:{PORTS['stats']}/")

    def running(self) -> dict[str, bool]:
        return {name: process.poll() is None for name, process in self.processes.items()}

    def stop(self) -> None:
        for name in ("haproxy", "app1", "app2", "worker", "smtp", "redis", "pgbouncer"):
            self._stop(name)
        for which in ("replica", "primary"):
            if (self.pg_home / which / "postmaster.pid").exists():
                with contextlib.suppress(subprocess.CalledProcessError):
                    self.pg_ctl(which, "stop", mode="fast")
        log("stopped")


def error_page(status: int, reason: str) -> str:
    """HAProxy's own answer when no app server can answer: the portal's "try again"."""
    body = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>Try again in a moment · TRACES registration portal</title></head><body>"
        "<main><h1>Try again in a moment</h1><p>The portal cannot answer just now. "
        "Nothing you sent was half-saved: wait a few seconds, then send it again or reload "
        'the page.</p><h2 lang="fr">Réessayez dans un instant</h2><p lang="fr">Le portail '
        "ne peut pas répondre pour le moment. Rien de ce que vous avez envoyé n'a été "
        "enregistré à moitié : patientez quelques secondes, puis envoyez-le de nouveau ou "
        "rechargez la page.</p></main></body></html>\n"
    )
    length = len(body.encode())
    return (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {length}\r\nRetry-After: 5\r\nCache-Control: no-store\r\n"
        f"Connection: close\r\n\r\n{body}"
    )


def demo_login(cluster: Cluster) -> tuple[str, str]:
    """A person to log in with: created through the settings of the cluster."""
    password = secrets.token_urlsafe(12)
    email = "demo@cluster.invalid"
    code = (
        "import django; django.setup()\n"
        "from django.contrib.auth import get_user_model\n"
        "from allauth.account.models import EmailAddress\n"
        f"u, _ = get_user_model().objects.get_or_create(email={email!r}, "
        "defaults={'first_name': 'Demo', 'last_name': 'Person'})\n"
        f"u.set_password({password!r}); u.save()\n"
        "EmailAddress.objects.update_or_create(user=u, email=u.email, "
        "defaults={'verified': True, 'primary': True})\n"
    )
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-c", code],
        cwd=ROOT,
        env={**os.environ, **cluster.primary_direct_env()},
        check=True,
    )
    return email, password


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--operators", type=int, default=3000)
    parser.add_argument(
        "--keep", action="store_true", default=os.environ.get("CLUSTER_KEEP") == "on"
    )
    args = parser.parse_args(argv)
    install_missing()
    cluster = Cluster(operators=args.operators)
    stopping = False

    def interrupted(signum, frame):
        nonlocal stopping
        if stopping:
            return
        stopping = True
        raise KeyboardInterrupt

    # SIGINT too: a shell that starts it in the background ignores Ctrl-C's signal.
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    try:
        cluster.start(keep=args.keep)
        email, password = demo_login(cluster)
        print()
        print(f"  The portal: {cluster.url}/  (certificate: {cluster.base / 'haproxy' / 'ca.pem'})")
        print(f"  Log in as {email} with the password {password}")
        print("  Ctrl-C stops everything.")
        print()
        while True:
            time.sleep(2)
            # What a supervisor (systemd, the container runtime) would do.
            for name, alive in cluster.running().items():
                if not alive and name in (*APPS, "worker"):
                    log(f"{name} stopped (see {cluster.logs / (name + '.log')}): starting it again")
                    if name == "worker":
                        cluster.start_worker()
                    else:
                        cluster.start_app(name)
    except KeyboardInterrupt:
        print()
        log("stopping")
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
