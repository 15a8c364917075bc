import sys
import time

from django.core.management.base import BaseCommand, CommandError

from entities.demo import MissingReferenceData, operators_seed


class Command(BaseCommand):
    help = "Add N realistic demo operators (deterministic for a seed), in bulk."

    def add_arguments(self, parser):
        parser.add_argument("--operators", type=int, default=1000, help="how many to add")
        parser.add_argument(
            "--seed", type=int, default=1, help="random seed (same seed, same data)"
        )
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, operators, seed, batch_size, **options):
        if operators < 0:
            raise CommandError("--operators must be 0 or more.")
        started = time.monotonic()
        interactive = self.stdout.isatty()

        def progress(done, total):
            line = f"  {done:,} / {total:,} operators ({100 * done // max(total, 1)}%)"
            if interactive:
                self.stdout.write(f"\r{line}", ending="")
            elif done == total or done % (batch_size * 10) == 0:
                self.stdout.write(line)
            sys.stdout.flush()

        try:
            done = operators_seed(
                count=operators, seed=seed, batch_size=batch_size, progress=progress
            )
        except MissingReferenceData:
            raise CommandError(
                "No control body in the database: run `python manage.py load_reference_data` first."
            ) from None
        if interactive:
            self.stdout.write("")
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"Added {done:,} demo operators in {elapsed:.1f} s (seed {seed}).")
        )
