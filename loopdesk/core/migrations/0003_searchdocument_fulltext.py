"""Database-specific full-text structures over core_searchdocument.

SQLite: an external-content FTS5 table (title_tokens, tokens) whose rowid is the
document id, kept in sync by triggers. The unicode61 tokenizer only splits the
pre-tokenised, space-separated text again.

PostgreSQL: a stored generated tsvector column (title weighted 'A', body 'D') with a GIN
index. The table is new and empty here, so a plain CREATE INDEX is fine.

Neither is in the Django model state. On SQLite, a later migration that rebuilds
core_searchdocument (most AlterField/RemoveField) drops the triggers: re-run the
forward SQL below after it.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE core_searchdocument_fts USING fts5(
        title_tokens, tokens,
        content='core_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER core_searchdocument_fts_ai AFTER INSERT ON core_searchdocument BEGIN
        INSERT INTO core_searchdocument_fts(rowid, title_tokens, tokens)
        VALUES (new.id, new.title_tokens, new.tokens);
    END
    """,
    """
    CREATE TRIGGER core_searchdocument_fts_ad AFTER DELETE ON core_searchdocument BEGIN
        INSERT INTO core_searchdocument_fts(core_searchdocument_fts, rowid, title_tokens, tokens)
        VALUES ('delete', old.id, old.title_tokens, old.tokens);
    END
    """,
    # Reindexing rewrites every row; unchanged text skips the FTS work.
    """
    CREATE TRIGGER core_searchdocument_fts_au AFTER UPDATE OF title_tokens, tokens
    ON core_searchdocument
    WHEN old.title_tokens IS NOT new.title_tokens OR old.tokens IS NOT new.tokens BEGIN
        INSERT INTO core_searchdocument_fts(core_searchdocument_fts, rowid, title_tokens, tokens)
        VALUES ('delete', old.id, old.title_tokens, old.tokens);
        INSERT INTO core_searchdocument_fts(rowid, title_tokens, tokens)
        VALUES (new.id, new.title_tokens, new.tokens);
    END
    """,
    # Rows written before this migration (none today) become searchable too.
    "INSERT INTO core_searchdocument_fts(core_searchdocument_fts) VALUES ('rebuild')",
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS core_searchdocument_fts_au",
    "DROP TRIGGER IF EXISTS core_searchdocument_fts_ad",
    "DROP TRIGGER IF EXISTS core_searchdocument_fts_ai",
    "DROP TABLE IF EXISTS core_searchdocument_fts",
]

POSTGRES_FORWARD = [
    """
    ALTER TABLE core_searchdocument ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title_tokens), 'A')
        || setweight(to_tsvector('simple'::regconfig, tokens), 'D')
    ) STORED
    """,
    "CREATE INDEX core_searchdocument_vector_gin ON core_searchdocument USING GIN (search_vector)",
]

POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS core_searchdocument_vector_gin",
    "ALTER TABLE core_searchdocument DROP COLUMN IF EXISTS search_vector",
]


def _run(schema_editor, statements_by_vendor: dict[str, list[str]]) -> None:
    for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def forward(apps, schema_editor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD})


def reverse(apps, schema_editor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE})


class Migration(migrations.Migration):
    dependencies = [("core", "0002_searchdocument")]

    operations = [migrations.RunPython(forward, reverse)]
