"""Server time per page, in-process, on the bench database: where `make bench` goes to look closer.

It reuses scripts/bench.py's settings, data, people and pages: it tops the
database up to `--requests` (100,000: traces_bench, as `make bench` leaves it;
another number: its own database, e.g. traces_bench_1m, copied from traces_bench
when that is there), then requests each page through Django's test client, as the
bench's people, and prints the median wall time, the time spent in the database
(psycopg's calls) and the number of queries. `--profile KEY` prints cProfile's top
functions for one page.

`--growth` measures how each page's time grows with the requests (issue 12: at
1,000,000 requests at most 1.2 times its time at 100,000): it runs this script on
both databases in turn, `--rounds` times (the least disturbed median of each page
is kept: other work on the machine only ever adds time), and prints the ratio per
page with the target and whether it is met.

    .venv/bin/python scripts/bench_pages.py [--repeat 30] [--pages floor,profile] [--profile queue]
    .venv/bin/python scripts/bench_pages.py --requests 1000000
    .venv/bin/python scripts/bench_pages.py --growth [--rounds 2] [--repeat 30]
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
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # noqa: E402 - after the path above

GROWTH_REQUESTS = 1_000_000
GROWTH_TARGET = 1.2  # time at GROWTH_REQUESTS over time at 100,000, at most


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


def measure(args) -> int:
    """The pages of one database: a line each, and `--json` for --growth."""
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
    operators, requests = bench.operator_count(), bench.request_count()
    pages = bench.build_pages(cast, operators)
    if args.pages:
        pages = [p for p in pages if p.key in set(args.pages.split(","))]
    database = args.database_url.rsplit("/", 1)[-1]
    print(f"{database}: {operators:,} operators, {requests:,} authorisation requests")
    print(f"{'page':<16}{'median ms':>10}{'min ms':>8}{'db ms':>8}{'queries':>9}  note")
    results = []
    for page in pages:
        client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
        if page.who:
            client.cookies[settings.SESSION_COOKIE_NAME] = cookies[page.who]
        timed_requests(client, page.path, 3)  # warm-up: caches, compiled templates
        walls, databases, queries = timed_requests(client, page.path, args.repeat)
        result = {
            "key": page.key,
            "label": page.label,
            "note": page.note,
            "median_ms": statistics.median(walls) * 1000,
            "min_ms": min(walls) * 1000,
            "db_ms": statistics.median(databases) * 1000,
            "queries": queries,
        }
        results.append(result)
        print(
            f"{page.key:<16}{result['median_ms']:10.1f}{result['min_ms']:8.1f}"
            f"{result['db_ms']:8.1f}{queries:9d}  {page.note}",
            flush=True,
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
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "database": database,
                    "operators": operators,
                    "requests": requests,
                    "pages": results,
                }
            )
        )
    return 0


def growth(args) -> int:
    """Both databases in turn, `--rounds` times; then the ratio per page."""
    sizes = [bench.DEFAULT_REQUESTS, args.growth_requests]
    best: dict[int, dict] = {size: {} for size in sizes}  # size -> key -> best result
    totals: dict[int, int] = {}
    for round_number in range(1, args.rounds + 1):
        for size in sizes:
            bench.log(f"round {round_number} of {args.rounds}: {size:,} requests")
            with tempfile.NamedTemporaryFile(suffix=".json") as output:
                command = [
                    sys.executable,
                    __file__,
                    "--requests",
                    str(size),
                    "--operators",
                    str(args.operators),
                    "--repeat",
                    str(args.repeat),
                    "--json",
                    output.name,
                ]
                if args.pages:
                    command += ["--pages", args.pages]
                subprocess.run(command, check=True)
                measured = json.loads(Path(output.name).read_text())
            totals[size] = measured["requests"]
            for result in measured["pages"]:
                kept = best[size].get(result["key"])
                if kept is None or result["median_ms"] < kept["median_ms"]:
                    best[size][result["key"]] = result
    print()
    print(growth_table(best, sizes, totals, args.rounds, args.repeat))
    return 0


def growth_table(best, sizes, totals, rounds: int, repeat: int) -> str:
    small, large = sizes
    s, g = bench.size_label(small), bench.size_label(large)
    lines = [
        f"| page | queries @{s} | queries @{g} | ms @{s} | ms @{g} | ratio | target | met |",
        "|" + "---|" * 8,
    ]
    for key, before in best[small].items():
        after = best[large].get(key)
        if after is None:
            continue
        label = before["label"]
        if before["note"] == after["note"]:
            label += f" ({before['note']})" if before["note"] else ""
        else:
            label += f" ({before['note']} / {after['note']})"
        ratio = after["median_ms"] / before["median_ms"]
        if ratio <= GROWTH_TARGET * (1 - bench.EDGE):
            met = "yes"
        elif ratio <= GROWTH_TARGET * (1 + bench.EDGE):
            met = "at the edge"
        else:
            met = "**no**"
        lines.append(
            f"| {label} | {before['queries']} | {after['queries']} "
            f"| {before['median_ms']:.1f} | {after['median_ms']:.1f} | {ratio:.2f} "
            f"| ≤ {GROWTH_TARGET} | {met} |"
        )
    return (
        "\n".join(lines)
        + f"\n\nIn-process server time, the lowest median of {rounds} rounds of {repeat} "
        f"requests per page; data: {totals[small]:,} and {totals[large]:,} authorisation "
        f"requests; at the edge: within {bench.EDGE:.0%} of the target, either side.\n"
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
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument(
        "--growth",
        action="store_true",
        help="compare each page at --growth-requests with 100,000 requests",
    )
    parser.add_argument("--growth-requests", type=int, default=GROWTH_REQUESTS)
    parser.add_argument(
        "--rounds", type=int, default=2, help="with --growth: rounds over both databases (2)"
    )
    parser.add_argument("--profile", help="a page key: print cProfile's top functions for it")
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
    return measure(args)


if __name__ == "__main__":
    sys.exit(main())
