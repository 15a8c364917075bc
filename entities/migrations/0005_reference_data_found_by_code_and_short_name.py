"""Control bodies are found by their code (FR-BIO-01), authorities by their short
name (INAO): both now follow the name in `search_name` (Organisation.refresh_search_fields)."""

from django.db import migrations

from entities.text import normalise


def add_codes_and_short_names(apps, schema_editor):
    Organisation = apps.get_model("entities", "Organisation")
    for organisation in Organisation.objects.exclude(kind="operator").only(
        "name", "short_name", "code"
    ):
        words = [organisation.name, organisation.short_name, organisation.code]
        Organisation.objects.filter(pk=organisation.pk).update(
            search_name=normalise(" ".join(w for w in words if w))
        )


def names_only(apps, schema_editor):
    Organisation = apps.get_model("entities", "Organisation")
    for organisation in Organisation.objects.exclude(kind="operator").only("name"):
        Organisation.objects.filter(pk=organisation.pk).update(
            search_name=normalise(organisation.name)
        )


class Migration(migrations.Migration):
    dependencies = [("entities", "0004_names_and_addresses_are_plain_text")]

    operations = [migrations.RunPython(add_codes_and_short_names, names_only)]
