"""PostgreSQL: the search GIN index without a pending list (fastupdate off).

With fastupdate on, new documents wait in an unsorted pending list (up to 4 MB) that
every search must scan: at 100,000 tickets a search for a word nobody used took 0.4-0.9 s
until autovacuum merged the list, and 6 ms after. Writing entries straight into the index
costs each insert a little; searches stay fast all the time.
"""

from django.db import migrations

INDEX = "core_searchdocument_vector_gin"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER INDEX {INDEX} SET (fastupdate = off)")
    schema_editor.execute(f"SELECT gin_clean_pending_list('{INDEX}'::regclass)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER INDEX {INDEX} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_searchdocument_fulltext")]

    operations = [migrations.RunPython(forwards, backwards)]
