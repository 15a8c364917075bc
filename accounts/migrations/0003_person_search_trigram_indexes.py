"""Trigram indexes for the validators' search of applicants (the validators' queue search).

The search asks `UPPER(col) LIKE UPPER('%word%')` (Django's icontains) of the
e-mail and the names: on PostgreSQL a pg_trgm GIN index on that same expression
serves it. SQLite has no such index: the search is correct, if slower.
"""

from django.db import migrations

COLUMNS = ["email", "first_name", "last_name"]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS user_{column}_upper_trgm ON accounts_user "
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )
    # Statistics of the indexed expressions: without them the planner guesses how
    # many rows a LIKE keeps, and joined a whole queue for a word every request has.
    schema_editor.execute("ANALYZE accounts_user")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS user_{column}_upper_trgm")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_create_cache_table")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
