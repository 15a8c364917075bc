"""Server time per page, in-process, on the bench database: where `make bench` goes to look closer.

It reuses scripts/bench.py's settings, data, people and pages: it tops the
database up to `--requests` (100,000: traces_bench, as `make bench` leaves it;
another number: its own database, e.g. traces_bench_1m, copied from traces_bench
when that is there), then requests each page through Django's test client, as the
bench's people, and prints the median wall time, the time spent in the database
(psycopg's calls) and the number of queries. `--profile KEY` prints cProfile's top
functions for one page.

`--growth` measures how each page's time grows with the requests (issue 12: at
1,000,000 requests at most 1.2 times its time at 100,000). It starts this script
once on each database and has them request each page in turn, one request each
at a time, so that both see the same load from the machine's neighbours; then it
prints the ratio of the medians per page with the target and whether it is met.

    .venv/bin/python scripts/bench_pages.py [--repeat 30] [--pages floor,profile] [--profile queue]
    .venv/bin/python scripts/bench_pages.py --requests 1000000
    .venv/bin/python scripts/bench_pages.py --growth [--repeat 30] [--pages queue,profile]
"""

# ruff: noqa: T201, S603 - a developer's command-line tool; it runs itself
from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # noqa: E402 - after the path above

GROWTH_REQUESTS = 1_000_000
GROWTH_TARGET = 1.2  # time at GROWTH_REQUESTS over time at 100,000, at most
REPLY = "@@ "  # a --worker's answers start with this; anything else is its log


def timed_requests(client, path: str, repeat: int) -> tuple[list[float], list[float], int]:
    from django.db import connection

    database = {"seconds": 0.0, "queries": 0}

    def timer(execute, sql, params, many, context):
        database["queries"] += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            database["seconds"] += time.perf_counter() - started

    walls, databases = [], []
    for _ in range(repeat):
        database.update(seconds=0.0, queries=0)
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            response = client.get(path)
            walls.append(time.perf_counter() - started)
        if response.status_code != 200:
            sys.exit(f"{path}: HTTP {response.status_code}")
        databases.append(database["seconds"])
    return walls, databases, database["queries"]


def open_pages(args):
    """The database topped up, the bench's people logged in: each page with its client."""
    bench.configure_environment(args)
    bench.ensure_database(args.database_url, template_url=args.template_url)
    bench.setup_django()
    from django.conf import settings
    from django.test import Client

    # Statistics as they are when nothing was seeded: a fresh ANALYZE samples anew,
    # and may change a plan between two runs that are meant to be compared.
    bench.prepare_data(args, analyse_unseeded=False)
    cast = bench.ensure_cast()
    cookies = {
        "applicant": bench.session_for(cast.applicant),
        "validator": bench.session_for(cast.validator),
    }
    pages = bench.build_pages(cast, bench.operator_count())
    if args.pages:
        pages = [p for p in pages if p.key in set(args.pages.split(","))]
    clients = {}
    for page in pages:
        client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
        if page.who:
            client.cookies[settings.SESSION_COOKIE_NAME] = cookies[page.who]
        clients[page.key] = client
    return pages, clients


def describe_data(args) -> dict:
    return {
        "database": args.database_url.rsplit("/", 1)[-1],
        "operators": bench.operator_count(),
        "requests": bench.request_count(),
    }


def measure(args) -> int:
    """The pages of one database: a line each."""
    pages, clients = open_pages(args)
    data = describe_data(args)
    print(
        f"{data['database']}: {data['operators']:,} operators, "
        f"{data['requests']:,} authorisation requests"
    )
    print(f"{'page':<16}{'median ms':>10}{'min ms':>8}{'db ms':>8}{'queries':>9}  note")
    for page in pages:
        client = clients[page.key]
        timed_requests(client, page.path, 3)  # warm-up: caches, compiled templates
        walls, databases, queries = timed_requests(client, page.path, args.repeat)
        print(
            f"{page.key:<16}{statistics.median(walls) * 1000:10.1f}{min(walls) * 1000:8.1f}"
            f"{statistics.median(databases) * 1000:8.1f}{queries:9d}  {page.note}",
            flush=True,
        )
        if page.key == args.sql:
            print_queries(client, page.path)
        if page.key == args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.repeat):
                client.get(page.path)
            profiler.disable()
            stats = pstats.Stats(profiler).sort_stats(args.sort)
            stats.print_stats(args.lines)
            if args.callers:
                stats.print_callers(args.callers)
            if args.callees:
                stats.print_callees(args.callees)
    return 0


def print_queries(client, path: str) -> None:
    """Each query of one request of the page, slowest first, with its time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    for query in sorted(captured.captured_queries, key=lambda q: -float(q["time"])):
        print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:300]}")


def worker(args) -> int:
    """For --growth: the pages of one database, requested when asked on stdin.

    It answers (lines starting with REPLY, JSON) first with its data and pages, then,
    for each line `KEY COUNT` it reads, with the wall and database times of COUNT
    requests of that page. It ends at the end of its input.
    """

    def reply(value) -> None:
        print(REPLY + json.dumps(value), flush=True)

    pages, clients = open_pages(args)
    paths = {page.key: page.path for page in pages}
    reply(
        {
            **describe_data(args),
            "pages": [{"key": p.key, "label": p.label, "note": p.note} for p in pages],
        }
    )
    for line in sys.stdin:
        key, count = line.split()
        walls, databases, queries = timed_requests(clients[key], paths[key], int(count))
        reply({"walls": walls, "databases": databases, "queries": queries})
    return 0


class Worker:
    """A `--worker` on one database, driven through its stdin and stdout."""

    def __init__(self, requests: int, args):
        command = [sys.executable, __file__, "--worker", "--requests", str(requests)]
        command += ["--operators", str(args.operators)]
        if args.pages:
            command += ["--pages", args.pages]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        self.ready = self.answer()  # after any seeding: minutes the first time

    def answer(self):
        for line in self.process.stdout:
            if line.startswith(REPLY):
                return json.loads(line[len(REPLY) :])
            print(line, end="", flush=True)  # the worker's log
        sys.exit(f"bench_pages: the worker stopped (exit code {self.process.wait()})")

    def request(self, key: str, count: int) -> dict:
        self.process.stdin.write(f"{key} {count}\n")
        return self.answer()

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def growth(args) -> int:
    """Each page at 100,000 and at --growth-requests requests, interleaved."""
    sizes = [bench.DEFAULT_REQUESTS, args.growth_requests]
    # The large one first: it may be created as a copy of the small one, which
    # needs nobody connected to that one.
    bench.log(f"opening the database of {sizes[1]:,} requests")
    large = Worker(sizes[1], args)
    bench.log(f"opening the database of {sizes[0]:,} requests")
    small = Worker(sizes[0], args)
    workers = {sizes[0]: small, sizes[1]: large}
    samples = {size: {} for size in sizes}  # size -> key -> {"walls", "databases", "queries"}
    try:
        notes = {p["key"]: p for p in large.ready["pages"]}
        for page in small.ready["pages"]:
            key = page["key"]
            if key not in notes:
                continue
            for worker_ in workers.values():
                worker_.request(key, 3)  # warm-up: caches, compiled templates
            for n in range(args.repeat):
                # One request each, in turn, the order swapped every time.
                for size in sizes if n % 2 == 0 else sizes[::-1]:
                    result = workers[size].request(key, 1)
                    kept = samples[size].setdefault(key, {"walls": [], "databases": []})
                    kept["walls"] += result["walls"]
                    kept["databases"] += result["databases"]
                    kept["queries"] = result["queries"]
            small_ms = statistics.median(samples[sizes[0]][key]["walls"]) * 1000
            large_ms = statistics.median(samples[sizes[1]][key]["walls"]) * 1000
            bench.log(f"{key:<16} {small_ms:8.1f} ms  {large_ms:8.1f} ms")
    finally:
        for worker_ in workers.values():
            worker_.close()
    print()
    print(growth_table(small.ready, large.ready, samples, sizes, args.repeat))
    return 0


def growth_table(small, large, samples, sizes, repeat: int) -> str:
    s, g = (bench.size_label(size) for size in sizes)
    lines = [
        f"| page | queries @{s} | queries @{g} | ms @{s} | ms @{g} | db ms @{s} | db ms @{g} "
        "| ratio | ratio of minimums | target | met |",
        "|" + "---|" * 11,
    ]
    large_pages = {p["key"]: p for p in large["pages"]}
    for page in small["pages"]:
        key = page["key"]
        if key not in samples[sizes[0]] or key not in samples[sizes[1]]:
            continue
        before, after = samples[sizes[0]][key], samples[sizes[1]][key]
        label = page["label"]
        other = large_pages[key]["note"]
        if page["note"] == other:
            label += f" ({page['note']})" if page["note"] else ""
        else:
            label += f" ({page['note']} / {other})"
        ms = [statistics.median(x["walls"]) * 1000 for x in (before, after)]
        db = [statistics.median(x["databases"]) * 1000 for x in (before, after)]
        ratio = ms[1] / ms[0]
        fastest = min(after["walls"]) / min(before["walls"])
        if ratio <= GROWTH_TARGET * (1 - bench.EDGE):
            met = "yes"
        elif ratio <= GROWTH_TARGET * (1 + bench.EDGE):
            met = "at the edge"
        else:
            met = "**no**"
        lines.append(
            f"| {label} | {before['queries']} | {after['queries']} | {ms[0]:.1f} | {ms[1]:.1f} "
            f"| {db[0]:.1f} | {db[1]:.1f} | {ratio:.2f} | {fastest:.2f} | ≤ {GROWTH_TARGET} "
            f"| {met} |"
        )
    return (
        "\n".join(lines)
        + f"\n\nIn-process server time, median of {repeat} requests per page on each "
        f"database, the two requested in turn; data: {small['operators']:,} operators, "
        f"{small['requests']:,} and {large['requests']:,} authorisation requests "
        f"({small['database']}, {large['database']}); at the edge: within "
        f"{bench.EDGE:.0%} of the target, either side.\n"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        help="default: traces_bench, or traces_bench_1m with --requests 1000000",
    )
    parser.add_argument("--operators", type=int, default=1_000_000)
    parser.add_argument(
        "--requests",
        type=int,
        default=bench.DEFAULT_REQUESTS,
        help="top the authorisation requests up to this many first (100000)",
    )
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--pages", help="comma-separated page keys (default: all)")
    parser.add_argument(
        "--growth",
        action="store_true",
        help="compare each page at --growth-requests with 100,000 requests",
    )
    parser.add_argument("--growth-requests", type=int, default=GROWTH_REQUESTS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile", help="a page key: print cProfile's top functions for it")
    parser.add_argument("--sql", help="a page key: print its queries, slowest first")
    parser.add_argument("--sort", default="cumulative", help="cProfile's sort key (cumulative)")
    parser.add_argument("--callers", help="with --profile: who calls functions matching this")
    parser.add_argument("--callees", help="with --profile: what functions matching this call")
    parser.add_argument("--lines", type=int, default=45, help="with --profile: lines shown")
    args = parser.parse_args(argv)
    if args.growth:
        if args.database_url or args.profile:
            parser.error("--growth uses the bench's two databases; no --database-url, --profile")
        return growth(args)
    bench.resolve_database(parser, args)
    return worker(args) if args.worker else measure(args)


if __name__ == "__main__":
    sys.exit(main())
