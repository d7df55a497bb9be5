"""`loopdesk poll-mail [--once] [--mailbox ID]`: fetch mail from the IMAP mailboxes.

Without --once it runs the poller loop in the foreground (what `loopdesk worker` runs in
a thread unless started with --no-mail-poller). With --once it polls every active mailbox
with IMAP set up right now (or only --mailbox ID), prints one JSON line per mailbox and
exits 1 if any of them failed.
"""

import json
import threading

from django.core.management.base import BaseCommand, CommandError

from loopdesk.channels.email.imap import mail_poller_loop, poll_all, poll_mailbox
from loopdesk.channels.models import Mailbox


class Command(BaseCommand):
    help = "Fetch new mail from the IMAP mailboxes (once, or as a loop)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="poll every mailbox once")
        parser.add_argument("--mailbox", type=int, help="only this mailbox id (with --once)")

    def handle(self, *args, **options) -> None:
        if not options["once"]:
            self.stderr.write("mail poller running; Ctrl-C stops it")
            try:
                mail_poller_loop(threading.Event())
            except KeyboardInterrupt:
                return
            return
        if options["mailbox"] is not None:
            mailbox = Mailbox.objects.filter(pk=options["mailbox"]).exclude(imap_host="").first()
            if mailbox is None:
                raise CommandError(f"no mailbox {options['mailbox']} with an IMAP server")
            results = [poll_mailbox(mailbox)]
        else:
            results = poll_all(force=True)
        failed = False
        for result in results:
            failed = failed or bool(result.error)
            line = {
                "mailbox": result.mailbox_id,
                "fetched": result.fetched,
                "results": result.results,
                "more": result.more,
                "error": result.error or None,
            }
            self.stdout.write(json.dumps(line, ensure_ascii=False))
        if failed:
            raise SystemExit(1)
