import pytest
from django.db import connection

from entities.models import Kind, Organisation
from entities.services import DirectoryQuery, directory_search
from entities.tests.factories import OperatorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def plan_without_scans(sql, params) -> str:
    """EXPLAIN with table scans switched off: on a tiny table the planner would rather
    scan, so this shows whether an index can serve the query at all."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)  # noqa: S608 - Django's own SQL
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_name_search_can_use_the_trigram_index():
    OperatorFactory.create_batch(3)
    # The very condition the directory search builds, alone.
    queryset = directory_search(DirectoryQuery(kind=Kind.OPERATOR, name="qualite"))
    where = queryset.query.where.children[-1]
    assert "search_name" in str(where.lhs)
    queryset = Organisation.objects.filter(search_name__contains="qualite")
    plan = plan_without_scans(*queryset.values("pk").query.sql_with_params())
    assert "org_search_name_trgm" in plan


def test_duplicates_are_found_by_trigram_similarity():
    from entities.services import similar_operators

    close = OperatorFactory(name="Jardins de Provence")
    assert similar_operators(name="Les Jardin de Provence", country="FR") == [close]
