"""Server time per page, in-process, on the bench database: where `make bench` goes to look closer.

It reuses scripts/bench.py's settings, cast and pages (run `make bench` once first,
so the database is seeded), then requests each page through Django's test client,
as the bench's people, and prints the median wall time, the time spent in the
database (psycopg's calls) and the number of queries. `--profile KEY` prints
cProfile's top functions for one page.

    .venv/bin/python scripts/bench_pages.py [--repeat 30] [--pages floor,profile] [--profile queue]
"""

# ruff: noqa: T201 - a developer's command-line tool
from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # noqa: E402 - after the path above


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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=bench.DEFAULT_DATABASE_URL)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--pages", help="comma-separated page keys (default: all)")
    parser.add_argument("--profile", help="a page key: print cProfile's top functions for it")
    parser.add_argument("--sort", default="cumulative", help="cProfile's sort key (cumulative)")
    parser.add_argument("--callers", help="with --profile: who calls functions matching this")
    parser.add_argument("--callees", help="with --profile: what functions matching this call")
    parser.add_argument("--lines", type=int, default=45, help="with --profile: lines shown")
    args = parser.parse_args(argv)
    bench.configure_environment(args)
    bench.setup_django()
    from django.conf import settings
    from django.test import Client

    cast = bench.ensure_cast()
    cookies = {
        "applicant": bench.session_for(cast.applicant),
        "validator": bench.session_for(cast.validator),
    }
    pages = bench.build_pages(cast, bench.operator_count())
    if args.pages:
        pages = [p for p in pages if p.key in set(args.pages.split(","))]
    print(f"{'page':<14}{'median ms':>10}{'min ms':>8}{'db ms':>8}{'queries':>9}")
    for page in pages:
        client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
        if page.who:
            client.cookies[settings.SESSION_COOKIE_NAME] = cookies[page.who]
        timed_requests(client, page.path, 3)  # warm-up: caches, compiled templates
        walls, databases, queries = timed_requests(client, page.path, args.repeat)
        print(
            f"{page.key:<14}{statistics.median(walls) * 1000:10.1f}{min(walls) * 1000:8.1f}"
            f"{statistics.median(databases) * 1000:8.1f}{queries:9d}"
        )
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


if __name__ == "__main__":
    sys.exit(main())
