"""The email channel (F-02..F-05): parse, classify, thread, ingest and send mail.

Inbound paths (IMAP poller, `loopdesk ingest-email`, provider webhooks) all hand raw
RFC 822 bytes to `ingest.ingest_raw()`, which stores them first and then feeds the one
intake service. Outbound mail goes through `outbound`.
"""
