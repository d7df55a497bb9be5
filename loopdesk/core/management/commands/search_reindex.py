"""Rebuild the search documents of all tickets and messages (after a deploy that
changes tokenisation, or to repair an index)."""

from django.core.management.base import BaseCommand, CommandParser

from loopdesk.core.search import reindex_all


class Command(BaseCommand):
    help = "Rebuild the full-text search documents of all tickets and messages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size: int, **options) -> None:
        count = reindex_all(batch_size=batch_size)
        self.stdout.write(f"Indexed {count} documents.")
