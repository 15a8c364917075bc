import getpass
import os

from django.core.management.base import BaseCommand, CommandError

from requests_app.services import RequestError, find_authority, validator_create


class Command(BaseCommand):
    help = (
        "Create (or update) a validator: a staff user in the Validators group, bound to one "
        "authority. The password comes from VALIDATOR_PASSWORD, else it is asked."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--authority", required=True, help="short name, code or name (e.g. INAO or FR-CCA)"
        )
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args, email, authority, first_name, last_name, **options):
        try:
            organisation = find_authority(authority)
        except RequestError as error:
            raise CommandError(f"{error} (run load_reference_data first?)") from error
        password = os.environ.get("VALIDATOR_PASSWORD") or self._ask_password()
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError

        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        user = validator_create(
            email=email,
            authority=organisation,
            password=password,
            first_name=first_name,
            last_name=last_name,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Validator {user.email} decides for {organisation} ({organisation.code})."
            )
        )

    def _ask_password(self) -> str:
        if not os.isatty(0):
            raise CommandError("Set VALIDATOR_PASSWORD, or run this command in a terminal.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first
