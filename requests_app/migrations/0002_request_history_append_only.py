"""The request history can be added to, never changed: PostgreSQL refuses UPDATE and DELETE.

On SQLite (development, tests) this is a no-op: there the services, which only
ever insert, and the absence of any edit path keep the history intact.
TRUNCATE (used to empty test databases) does not fire row triggers.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION requests_app_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the request history is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER requests_app_event_append_only
    BEFORE UPDATE OR DELETE ON requests_app_requestevent
    FOR EACH ROW EXECUTE FUNCTION requests_app_event_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS requests_app_event_append_only ON requests_app_requestevent;
DROP FUNCTION IF EXISTS requests_app_event_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0001_authorisation_requests")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
