from django.core.management.base import BaseCommand

from entities.services import reference_data_load


class Command(BaseCommand):
    help = (
        "Load the central competent authorities of the EU member states, French border "
        "control posts and organic control bodies from entities/data/ (idempotent)."
    )

    def handle(self, *args, **options):
        counts = reference_data_load()
        message = "Reference data: {created} created, {updated} updated, {unchanged} unchanged."
        self.stdout.write(self.style.SUCCESS(message.format(**counts)))
