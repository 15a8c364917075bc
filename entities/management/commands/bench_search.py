"""Measure the directory's name search on PostgreSQL (make bench)."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from entities.models import Kind
from entities.services import DirectoryQuery, directory_search
from entities.views import COUNT_CAP, PAGE_SIZE, paginate

# The specific term is the name of an operator picked in the middle of the table.
TERMS = [
    ("specific, accents", "épicerie"),
    ("broad", "bio"),
    ("short (prefix)", "du"),
]


class Command(BaseCommand):
    help = (
        "Seed up to N operators if fewer exist, then print the name search's server time "
        "and EXPLAIN ANALYZE for specific and broad terms. PostgreSQL only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--operators", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--repeat", type=int, default=5, help="runs per term (median shown)")

    def handle(self, *args, operators, seed, repeat, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_search needs PostgreSQL: set DATABASE_URL=postgres://...")
        call_command("load_reference_data", verbosity=0)
        from entities.models import Organisation

        existing = Organisation.objects.operators().count()
        if existing < operators:
            self.stdout.write(f"Seeding {operators - existing:,} operators (have {existing:,})...")
            call_command("seed_demo", operators=operators - existing, seed=seed)
        total = Organisation.objects.operators().count()
        self.stdout.write(
            f"\n{total:,} operators. Page size {PAGE_SIZE}, pages stop at {COUNT_CAP:,} results."
        )
        middle = (
            Organisation.objects.operators()
            .order_by("pk")
            .values_list("name", flat=True)[total // 2]
        )
        for label, term in [("specific", middle), *TERMS]:
            queryset = directory_search(DirectoryQuery(kind=Kind.OPERATOR, name=term))
            timings = []
            for _ in range(repeat):
                started = time.perf_counter()
                page = paginate(queryset, "1")
                timings.append((time.perf_counter() - started) * 1000)
            timings.sort()
            count = f"{page.count:,}" if page.count is not None else f">{len(page.items)}"
            self.stdout.write(
                f"\n== {label}: {term!r} -> {count} results; first page (one query) "
                f"median {timings[len(timings) // 2]:.1f} ms, min {timings[0]:.1f} ms"
            )
            for what, qs in (("page", queryset[: PAGE_SIZE + 1]),):
                sql, params = qs.query.sql_with_params()
                with connection.cursor() as cursor:
                    # The SQL is Django's own for this queryset; values stay parameters.
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)  # noqa: S608
                    plan = "\n".join(f"    {row[0]}" for row in cursor.fetchall())
                self.stdout.write(f"  -- EXPLAIN ANALYZE ({what} query):\n{plan}")
