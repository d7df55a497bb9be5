"""`python -m bench search`: search latency over the bench tickets plus N articles.

    python -m bench search [--database-url URL] [--articles 5000] [--runs 5]

Adds `--articles` published articles (zh-hans and en, made from the 32 sample topics
with product models, cities and numbers varied so the index is not 32 distinct texts)
once, then times, per query, with the database warm:

- help centre: `article_search` (every word must match; typo and "any word" fallbacks)
- deflection: `suggest_articles` on a customer's sentence (any word, ranked)
- agent search: `search_ticket_ids` over the tickets and their messages
- similar solved tickets for a ticket (any word over tickets, scoped to an admin)

Reports median and p95 in milliseconds per workload and writes bench/results/.
"""

import json
import platform
import random
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

import django
from django.db import connection, transaction

from loopdesk.accounts.models import Role, User
from loopdesk.core.search import delete_documents, index_document, search_ticket_ids
from loopdesk.core.search.models import DocumentKind
from loopdesk.knowledge.models import Article, ArticleRevision, Category
from loopdesk.knowledge.rendering import html_to_text, render_markdown
from loopdesk.knowledge.sample_articles import ARTICLES, CATEGORIES, QUALITY_QUERIES
from loopdesk.knowledge.selectors import article_search, similar_solved_tickets, suggest_articles
from loopdesk.tickets.models import Ticket

RESULTS_DIR = Path(__file__).resolve().parent / "results"
MARK = "bench-kb"  # tag of generated articles

MODELS = ["KFR-35GW", "BCD-520", "XQG100", "LD-8800", "P1108", "T-200", "M7", "Q3 Pro"]
CITIES = ["上海", "北京", "杭州", "成都", "深圳", "武汉", "Shanghai", "Beijing"]

SENTENCES = [
    "我买的空调坏了，想申请退款，还要开发票",
    "订单已经付款了，什么时候发货？快递单号在哪里看",
    "忘记密码了，账号登不上去，手机号也换了",
    "打印机装不上驱动，Windows 11 提示找不到设备",
    "My order arrived damaged, can I get a refund or an exchange?",
    "I need a VAT invoice for my company, the title on the invoice is wrong",
    "How long does the warranty last and how do I book a repair?",
    "The device won't connect to Wi-Fi after the firmware update",
]
TICKET_QUERIES = [
    "空调", "不制冷", "安装", "退款", "发票", "保修 上门", "冰箱 不制冷", "refund",
    "warranty", "installation", "invoice", "air conditioner", "technician", "序列号",
]  # fmt: skip


def _editor() -> User:
    user = User.objects.filter(role__in=[Role.ADMIN, Role.SUPERVISOR], is_active=True).first()
    if user is None:
        raise SystemExit("No admin or supervisor: run `python -m bench generate` first.")
    return user


def _ensure_articles(target: int, rng: random.Random) -> int:
    """Bulk-insert published articles up to `target` (rows and index as the services
    write them: rendered HTML, text, revision 1, a search document)."""
    have = (
        Article.objects.filter(tags__contains=[MARK]).count()
        if connection.vendor == "postgresql"
        else (Article.objects.filter(tags__icontains=MARK).count())
    )
    if have >= target:
        return have
    editor = _editor()
    categories = {}
    for slug, (name_en, name_zh) in CATEGORIES.items():
        categories[slug], _ = Category.objects.get_or_create(
            slug=slug, defaults={"name_en": name_en, "name_zh": name_zh}
        )
    print(f"Adding {target - have:,} articles…")
    started = time.monotonic()
    n = have
    while n < target:
        with transaction.atomic():
            batch = []
            for _ in range(min(500, target - n)):
                sample = ARTICLES[n % len(ARTICLES)]
                zh = (n // len(ARTICLES)) % 2 == 0  # every topic in both languages
                model, city, days = rng.choice(MODELS), rng.choice(CITIES), rng.randint(2, 30)
                title = f"{sample.zh_title if zh else sample.en_title}（{model}）"
                body = (sample.zh_body if zh else sample.en_body) + (
                    f"\n\n适用型号 {model}，{city}地区 {days} 天内处理。"
                    if zh
                    else f"\n\nApplies to {model}; handled within {days} days in {city}."
                )
                html = render_markdown(body)
                batch.append(
                    Article(
                        language="zh-hans" if zh else "en",
                        category=categories[sample.category],
                        title=title,
                        body_md=body,
                        body_html=html,
                        body_text=html_to_text(html),
                        tags=[*sample.tags, MARK],
                        status="published",
                        visibility="internal" if n % 25 == 0 else "public",
                        author=editor,
                        published_at=datetime.now(UTC),
                    )
                )
                n += 1
            created = Article.objects.bulk_create(batch)
            ArticleRevision.objects.bulk_create(
                ArticleRevision(article=a, number=1, title=a.title, body_md=a.body_md, tags=a.tags)
                for a in created
            )
            for article in created:
                index_document(
                    kind=DocumentKind.ARTICLE,
                    object_id=article.pk,
                    group_id=article.pk,
                    title=article.title,
                    body=" ".join(article.tags) + "\n" + article.body_text,
                    is_public=article.is_public,
                )
    print(f"  {time.monotonic() - started:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE core_searchdocument")
            cursor.execute("ANALYZE knowledge_article")
    return n


def _time(fn, runs: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def _summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(p95, 2),
        "max_ms": round(ordered[-1], 2),
    }


def _drop_generated() -> None:
    ids = list(Article.objects.filter(tags__icontains=MARK).values_list("pk", flat=True))
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        delete_documents(kind=DocumentKind.ARTICLE, object_ids=chunk)
        Article.objects.filter(pk__in=chunk).delete()
    print(f"Dropped {len(ids):,} generated articles.")


def run(*, articles: int, runs: int, fresh: bool = False, seed: int = 3) -> dict:
    rng = random.Random(seed)
    if fresh:
        _drop_generated()
    total_articles = _ensure_articles(articles, rng)
    tickets = Ticket.objects.count()
    admin = User.objects.filter(role=Role.ADMIN, is_active=True).first() or _editor()
    print(
        f"Database: {connection.vendor}; {tickets:,} tickets, "
        f"{Article.objects.count():,} articles ({total_articles:,} generated)"
    )
    samples: dict[str, list[float]] = {
        "help_search": [],
        "suggest": [],
        "ticket_search": [],
        "similar_tickets": [],
    }
    per_query: dict[str, dict] = {}
    for query, language, _relevant in QUALITY_QUERIES:
        times = _time(lambda q=query, lang=language: article_search(query=q, language=lang), runs)
        samples["help_search"] += times
        per_query[f"help:{query}"] = _summary(times)
    for sentence in SENTENCES:
        times = _time(lambda s=sentence: suggest_articles(s), runs)
        samples["suggest"] += times
        per_query[f"suggest:{sentence}"] = _summary(times)
    for query in TICKET_QUERIES:
        times = _time(lambda q=query: search_ticket_ids(q, limit=50), runs)
        samples["ticket_search"] += times
        per_query[f"tickets:{query}"] = _summary(times)
    some = (
        list(Ticket.objects.order_by("?")[:10])
        if connection.vendor == "postgresql"
        else list(Ticket.objects.filter(pk__in=[rng.randint(1, tickets) for _ in range(30)])[:10])
    )
    for ticket in some:
        times = _time(lambda t=ticket: similar_solved_tickets(user=admin, ticket=t), runs)
        samples["similar_tickets"] += times
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "tickets": tickets,
        "articles": Article.objects.count(),
        "runs_per_query": runs,
        "python": platform.python_version(),
        "django": django.get_version(),
        "workloads": {name: _summary(values) for name, values in samples.items() if values},
        "slowest_queries": dict(
            sorted(per_query.items(), key=lambda kv: kv[1]["p95_ms"], reverse=True)[:8]
        ),
    }
    print(f"{'workload':<18}{'n':>6}{'median ms':>12}{'p95 ms':>10}{'max ms':>10}")
    for name, s in result["workloads"].items():
        print(f"{name:<18}{s['n']:>6}{s['median_ms']:>12}{s['p95_ms']:>10}{s['max_ms']:>10}")
    print("slowest (p95):")
    for name, s in result["slowest_queries"].items():
        print(f"  {s['p95_ms']:>8} ms  {name}")
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"search-{connection.vendor}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(f"Wrote {path}")
    return result
