"""Full-text search for Chinese and English over tickets, messages and (later) articles.

Text is tokenised in Python (jieba for Chinese, folded and stemmed English), stored in
core.SearchDocument and indexed by the database: FTS5 on SQLite, tsvector + GIN on
PostgreSQL. Writers call index_ticket/index_message inside their transaction; readers
call search_ticket_ids and filter the ids through their own permission-scoped queryset.
"""

from .indexing import (
    delete_documents,
    index_document,
    index_message,
    index_ticket,
    reindex_all,
    unindex_ticket,
)
from .models import DocumentKind, SearchDocument
from .query import search_group_ids, search_ticket_ids
from .tokenizer import query_terms, tokenize

__all__ = [
    "DocumentKind",
    "SearchDocument",
    "delete_documents",
    "index_document",
    "index_message",
    "index_ticket",
    "query_terms",
    "reindex_all",
    "search_group_ids",
    "search_ticket_ids",
    "tokenize",
    "unindex_ticket",
]
