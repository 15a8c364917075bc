"""A trigram index for the validators' search of organisations by name (the validators' queue search).

The search asks `UPPER(name) LIKE UPPER('%word%')` (Django's icontains, as the
admin's own search did): on PostgreSQL a pg_trgm GIN index on that same
expression serves it (4 s to build over a million operators). SQLite has no
such index: the search is correct, if slower.
"""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS org_name_upper_trgm ON entities_organisation "
            'USING gin ((UPPER("name"::text)) gin_trgm_ops)'
        )
        # Statistics of the indexed expression, for the planner (see accounts 0003).
        schema_editor.execute("ANALYZE entities_organisation")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS org_name_upper_trgm")


class Migration(migrations.Migration):
    dependencies = [("entities", "0002_search_name_and_proxies")]

    operations = [migrations.RunPython(create_index, drop_index)]
