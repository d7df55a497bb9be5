"""How the search index is stored on each database."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_the_index_structure_searches_rely_on():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # No GIN pending list: it made a search for an unknown word scan megabytes of
            # unsorted entries (0.4-0.9 s at 100,000 tickets) until autovacuum ran.
            cursor.execute(
                "SELECT reloptions FROM pg_class WHERE relname = 'core_searchdocument_vector_gin'"
            )
            assert cursor.fetchone()[0] == ["fastupdate=off"]
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'core_searchdocument_fts'")
            assert "fts5" in cursor.fetchone()[0].lower()
