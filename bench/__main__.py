"""Loopdesk benchmarks: a bulk data generator and in-process page measurements.

    python -m bench generate --tickets 100000 [--database-url URL] [--seed N] [--no-index]
    python -m bench sla-state [--database-url URL]   (data generated before it existed)
    python -m bench pages [--database-url URL] [--runs 30]
    python -m bench sla-tick [--database-url URL] [--clocks 1000000] [--due 1000] [--runs 5]
    python -m bench http [--database-url URL] [--duration 5] [--concurrency 1,16] [--repeat 3]
    python -m bench automation [--database-url URL] [--rules 50] [--runs 500]
    python -m bench routing [--database-url URL] [--agents 200] [--runs 300]
    python -m bench search [--database-url URL] [--articles 5000] [--runs 5]
    python -m bench profile URL [--runs 50] [--post-json BODY] [--sort tottime]

Data lives in bench/data (SQLite file, logs) unless LOOPDESK_DATA_DIR says otherwise, so
benchmark rows never land in ./var or a test database. For PostgreSQL pass
--database-url postgres://postgres@127.0.0.1:5432/loopdesk_bench.
"""

import argparse
import os
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def _configure(database_url: str | None, command: str = "") -> None:
    """Point Django at the bench database before anything imports settings."""
    os.environ.setdefault("LOOPDESK_DATA_DIR", str(BENCH_DIR / "data"))
    if command == "http":  # the server under test and the bench share bench.settings
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(BENCH_DIR.parent))
    import django

    django.setup()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--database-url", default=None, help="database to use (default: SQLite in bench/data)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="bulk-insert tickets, messages and events")
    gen.add_argument("--tickets", type=int, default=100_000)
    gen.add_argument("--seed", type=int, default=1)
    gen.add_argument("--chunk", type=int, default=5_000, help="tickets per transaction")
    gen.add_argument("--no-index", action="store_true", help="skip building the search index")

    sla_state = sub.add_parser(
        "sla-state", help="add the demo SLA policies and open tickets' clocks to generated data"
    )
    pages = sub.add_parser("pages", help="measure the inbox, ticket page and API in-process")
    pages.add_argument("--runs", type=int, default=30, help="measured runs per page")
    pages.add_argument("--warmup", type=int, default=3)
    pages.add_argument("--label", default="", help="free text stored in the JSON result")

    tick = sub.add_parser("sla-tick", help="time the SLA scheduler tick over many clocks")
    tick.add_argument("--clocks", type=int, default=1_000_000)
    tick.add_argument("--due", type=int, default=1000)
    tick.add_argument("--runs", type=int, default=5)
    tick.add_argument("--notify", action="store_true", help="the policy notifies the assignee")

    web = sub.add_parser("http", help="HTTP workloads against gunicorn, as ratios to hello-world")
    web.add_argument("--duration", type=float, default=5.0, help="seconds per cell")
    web.add_argument("--concurrency", default="1,16", help="comma-separated client counts")
    web.add_argument("--repeat", type=int, default=3, help="repeats of the whole set (medians)")
    web.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "4")))
    web.add_argument("--only", default="", help="comma-separated workload name parts")
    web.add_argument("--label", default="", help="free text stored in the JSON result")

    rout = sub.add_parser("routing", help="assignment decision for a team of 200 agents")
    rout.add_argument("--agents", type=int, default=200)
    rout.add_argument("--runs", type=int, default=300)

    auto = sub.add_parser("automation", help="rule engine: N active triggers on one event")
    auto.add_argument("--rules", type=int, default=50)
    auto.add_argument("--runs", type=int, default=500)

    kb = sub.add_parser("search", help="search p50/p95: help centre, suggestions, tickets")
    kb.add_argument("--articles", type=int, default=5_000, help="articles to add (once)")
    kb.add_argument("--runs", type=int, default=5, help="timed runs per query")
    kb.add_argument("--fresh", action="store_true", help="drop and re-add the articles")

    mail = sub.add_parser("email", help="email intake messages/s for a mixed corpus")
    mail.add_argument("--messages", type=int, default=1000)
    mail.add_argument("--seed", type=int, default=7)

    prof = sub.add_parser("profile", help="cProfile one URL in-process (where the CPU goes)")
    prof.add_argument("url")
    prof.add_argument("--runs", type=int, default=50)
    prof.add_argument("--post-json", default="", help="POST this JSON body instead of GET")
    prof.add_argument("--top", type=int, default=30, help="functions to print")
    prof.add_argument("--sort", default="", help="one pstats key (default: tottime, cumulative)")

    for p in (
        gen,
        sla_state,
        prof,
        pages,
        tick,
        web,
        mail,
        auto,
        kb,
        rout,
    ):  # accept the option after the sub-command too
        p.add_argument("--database-url", default=argparse.SUPPRESS)

    args = parser.parse_args(argv)
    _configure(args.database_url, args.command)
    if args.command == "generate":
        from bench.generate import generate

        generate(tickets=args.tickets, seed=args.seed, chunk=args.chunk, index=not args.no_index)
    elif args.command == "sla-state":
        from bench.sla_state import add_sla_state

        add_sla_state()
    elif args.command == "sla-tick":
        from bench.sla_tick import run

        run(
            clocks=args.clocks,
            due=args.due,
            runs=args.runs,
            notify=args.notify,
        )
    elif args.command == "routing":
        from bench.routing import run as routing_run

        routing_run(agents=args.agents, runs=args.runs)
    elif args.command == "automation":
        from bench.automation import run as automation_run

        automation_run(rules=args.rules, runs=args.runs)
    elif args.command == "search":
        from bench.search import run as search_run

        search_run(articles=args.articles, runs=args.runs, fresh=args.fresh)
    elif args.command == "email":
        from bench.email_intake import run as email_run

        email_run(messages=args.messages, seed=args.seed)
    elif args.command == "profile":
        from bench.profile import run as profile_run

        profile_run(
            url=args.url, runs=args.runs, post_json=args.post_json, top=args.top, sort=args.sort
        )
    elif args.command == "http":
        from bench.httpload import run as http_run

        http_run(
            duration=args.duration,
            concurrency=[int(c) for c in args.concurrency.split(",") if c.strip()],
            repeat=args.repeat,
            workers=args.workers,
            only=[o.strip() for o in args.only.split(",") if o.strip()] or None,
            label=args.label,
        )
    else:
        from bench.pages import measure

        measure(runs=args.runs, warmup=args.warmup, label=args.label)


if __name__ == "__main__":
    main()
