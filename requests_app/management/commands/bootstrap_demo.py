import os

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from entities.models import Organisation
from requests_app.services import find_authority, validator_create

DEMO_VALIDATOR = "validator@inao.example"
DEMO_ADMIN = "admin@traces.example"
DEFAULT_DEMO_PASSWORD = "demo-password-traces"  # noqa: S105 - demo only, printed on purpose


class Command(BaseCommand):
    help = (
        "Demo set-up for `make run` (idempotent): reference data, demo operators when there are "
        "none, a demo INAO validator and a demo site administrator, then how to log in."
    )

    def add_arguments(self, parser):
        parser.add_argument("--operators", type=int, default=3000)

    def handle(self, *args, operators, **options):
        commands = get_commands()
        missing = [name for name in ("load_reference_data", "seed_demo") if name not in commands]
        if missing:
            raise CommandError(
                f"The entities app does not provide {', '.join(missing)} yet: cannot load the demo."
            )
        call_command("load_reference_data", verbosity=options["verbosity"])
        if not Organisation.objects.operators().exists():
            call_command("seed_demo", operators=operators, verbosity=options["verbosity"])

        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        validator_create(
            email=DEMO_VALIDATOR,
            authority=find_authority("INAO"),
            password=password,
            first_name="Demo",
            last_name="INAO",
        )
        self._site_administrator(password)

        url = "http://127.0.0.1:" + os.environ.get("PORT", "8000")
        source = "DEMO_PASSWORD" if os.environ.get("DEMO_PASSWORD") else "default demo password"
        self.stdout.write(
            self.style.SUCCESS("Demo accounts (development only):")
            + f"\n  Validators log in at {url}/admin/"
            + f"\n    INAO validator:       {DEMO_VALIDATOR}"
            + f"\n    site administrator:   {DEMO_ADMIN}"
            + f"\n    password (both):      {password}   ({source})"
            + f"\n  Applicants sign up at {url}/"
        )

    def _site_administrator(self, password: str) -> None:
        from allauth.account.models import EmailAddress
        from django.contrib.auth import get_user_model

        user_model = get_user_model()
        user = user_model.objects.filter(email=DEMO_ADMIN).first()
        if user is None:
            user = user_model.objects.create_superuser(
                email=DEMO_ADMIN, password=password, first_name="Demo", last_name="Administrator"
            )
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=DEMO_ADMIN, defaults={"verified": True, "primary": True}
        )
