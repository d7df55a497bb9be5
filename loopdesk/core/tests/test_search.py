"""core.search: tokenisation, indexing and querying, on SQLite and PostgreSQL alike."""

import pytest
from django.core.management import call_command
from django.db import connection

from loopdesk.core import search
from loopdesk.core.search import DocumentKind, SearchDocument
from loopdesk.core.search.backends import FTS_TABLE
from loopdesk.tickets.events import Actor
from loopdesk.tickets.services import message_add
from loopdesk.tickets.tests.factories import make_contact, make_intake, make_user

# --- tokenize ----------------------------------------------------------------------


def _case(text: str, expected: set[str], id: str):
    return pytest.param(text, expected, id=id)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        _case("我想申请退款和开发票", {"申请", "退款", "发票", "开发票"}, "chinese-search-mode"),
        _case("Refunds refunded REFUNDING", {"refund"}, "english-stemmed"),
        _case("订单12345无法退货 order #A-778", {"订单", "12345", "退货", "order", "778"}, "mixed"),
        _case("Café ＴＥＳＴ１２３ naïve", {"cafe", "test123", "naiv"}, "folded"),
        _case("+86 138-0013-8000", {"86", "138", "0013", "8000"}, "digits-kept"),
    ],
)
def test_tokenize_contains(text, expected):
    tokens = search.tokenize(text)
    assert expected <= set(tokens.split(" "))
    assert "  " not in tokens and tokens == tokens.strip()


def test_tokenize_drops_punctuation_and_bounds_input():
    assert search.tokenize('"NEAR(*) AND -x" \x00 ; -- ()') == "near and x"
    assert search.tokenize("?!。，……") == ""
    assert len(search.tokenize("ab " * 500_000).split()) == 200_000 // 3 + 1


def test_query_terms_drop_stopwords_unless_nothing_else():
    assert search.query_terms("How do I get a refund?") == ["get", "refund"]
    assert search.query_terms("the") == ["the"]


# --- index + search ------------------------------------------------------------------


def _intake(subject: str, text: str, email: str = "a@example.com"):
    result = make_intake(subject=subject, text=text, email=email)
    search.index_ticket(result.ticket)
    search.index_message(result.message)
    return result


def _note(ticket, text: str):
    agent = make_user()
    note = message_add(
        ticket=ticket, actor=Actor.person(agent), kind="note", author_user=agent, body_text=text
    )
    search.index_message(note)
    return note


@pytest.fixture
def refund(db):
    return _intake("申请退款 Refund request", "我想申请退款和开发票，订单号 88231。").ticket


@pytest.fixture
def printer(db):
    return _intake(
        "Printer broken", "The printer shows error E-17 after the update.", email="b@example.com"
    ).ticket


@pytest.mark.parametrize(
    "query",
    [
        "退款",
        "发票",
        "refund",
        "Refunds",
        "REFUNDED request",
        "88231",
        "退款 refund",
        "a@example.com",
    ],
)
def test_finds_ticket_by_subject_body_or_customer(refund, printer, query):
    assert search.search_ticket_ids(query) == [refund.pk]


def test_punctuated_words_are_a_phrase(refund, printer):
    assert search.search_ticket_ids("E-17") == [printer.pk]
    assert search.search_ticket_ids("after-error") == []  # both words present, not adjacent
    assert search.search_ticket_ids("b@example.com") == [printer.pk]


def test_returns_ticket_pks_and_finds_by_number(refund):
    assert search.search_ticket_ids(str(refund.number)) == [refund.pk]


def test_subject_match_ranks_above_body_only_match(db):
    body_only = _intake("Question about my account", "My printer is also making noise.").ticket
    subject = _intake("Printer jam", "Paper stuck in tray 2.", email="c@example.com").ticket
    assert search.search_ticket_ids("printer") == [subject.pk, body_only.pk]


def test_all_terms_must_match_but_may_match_different_documents(refund, printer):
    agent = make_user()
    search.index_message(
        message_add(
            ticket=printer,
            actor=Actor.person(agent),
            kind="reply",
            author_user=agent,
            body_text="Try a firmware downgrade.",
        )
    )
    assert search.search_ticket_ids("printer firmware") == [printer.pk]  # subject + message
    assert search.search_ticket_ids("printer 退款") == []
    assert search.search_ticket_ids("refund printer") == []


def test_public_only_ignores_internal_notes(refund):
    _note(refund, "Escalated to finance: chargeback risk")
    assert search.search_ticket_ids("chargeback") == [refund.pk]
    assert search.search_ticket_ids("chargeback", public_only=True) == []
    assert search.search_ticket_ids("退款", public_only=True) == [refund.pk]


def test_limit_bounds_results(db):
    for n in range(5):
        _intake(f"Toner order {n}", "Need toner", email=f"t{n}@example.com")
    assert len(search.search_ticket_ids("toner", limit=3)) == 3
    assert search.search_ticket_ids("toner", limit=0) == []


HOSTILE = [
    "",
    "   ",
    "?!。",
    '"',
    '""',
    "'",
    "*",
    "-",
    "NEAR",
    "NEAR(a b)",
    "a AND b",
    "OR",
    "NOT",
    "(",
    ")",
    "refund*",
    '"refund',
    "refund OR 1=1",
    "'; DROP TABLE core_searchdocument; --",
    "title_tokens:refund",
    "^refund",
    "{tokens}: x",
    "\x00refund\x00",
    "退款\x00",
    "a & b | !c",
    "'refund':*",
    "refund <-> x",
    "\\",
    "%s %s",
    "?" * 1000,
    "退款" * 5000,
    "refund " * 2000,
    "ª º ⅷ ① 〇 ᵃ ̈",
    "\ud800" if False else "\U0001f600 refund",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise(refund, query):
    result = search.search_ticket_ids(query)
    assert isinstance(result, list)
    assert set(result) <= {refund.pk}


def test_hostile_query_does_not_escape_quoting(refund):
    assert search.search_ticket_ids('refund" OR "zzz') == []
    assert search.search_ticket_ids("'; DROP TABLE core_searchdocument; --") == []
    assert SearchDocument.objects.exists()


def test_typo_fallback_finds_english_terms(refund, printer):
    assert search.search_ticket_ids("refnud") == [refund.pk]
    assert search.search_ticket_ids("pritner") == [printer.pk]
    assert search.search_ticket_ids("zzzzzz") == []


# --- updates, deletes, reindex ---------------------------------------------------------


def test_reindexing_a_ticket_replaces_its_document(refund):
    refund.subject = "Invoice copy"
    search.index_ticket(refund)
    assert SearchDocument.objects.filter(kind=DocumentKind.TICKET, object_id=refund.pk).count() == 1
    assert search.search_ticket_ids("invoice") == [refund.pk]
    assert search.search_ticket_ids("request") == []  # old subject word, not in the body


def test_message_moved_to_another_ticket_follows_it(refund, printer):
    message = refund.messages.get()
    message.ticket_id = printer.pk
    search.index_message(message)
    assert search.search_ticket_ids("88231") == [printer.pk]


def test_unindex_and_delete_remove_documents(refund, printer):
    search.unindex_ticket(refund.pk)
    assert search.search_ticket_ids("退款") == []
    assert not SearchDocument.objects.filter(group_id=refund.pk).exists()
    message = printer.messages.get()
    assert search.delete_documents(kind=DocumentKind.MESSAGE, object_ids=[message.pk]) == 1
    assert search.search_ticket_ids("E-17") == []
    assert search.search_ticket_ids("printer") == [printer.pk]


def test_reindex_all_rebuilds_and_drops_stale(db, capsys):
    contact = make_contact(name="王小明", email="wang@example.com")
    ticket = make_intake(subject="空调不制冷", text="室外机不转", contact=contact).ticket
    SearchDocument.objects.create(
        kind=DocumentKind.TICKET,
        object_id=999_999,
        group_id=999_999,
        title_tokens="ghost",
        tokens="",
    )
    # The services index as they write; drop those documents to simulate a stale index.
    SearchDocument.objects.exclude(object_id=999_999).delete()
    assert search.search_ticket_ids("空调") == []
    assert search.reindex_all(batch_size=1) == 2
    assert search.search_ticket_ids("空调") == [ticket.pk]
    assert search.search_ticket_ids("王小明") == [ticket.pk]
    assert search.search_ticket_ids("室外机") == [ticket.pk]
    assert search.search_ticket_ids("ghost") == []
    call_command("search_reindex")
    assert capsys.readouterr().out.strip() == "Indexed 2 documents."


def test_articles_share_storage_without_leaking_into_ticket_search(refund):
    search.index_document(
        kind=DocumentKind.ARTICLE,
        object_id=7,
        group_id=7,
        title="如何申请退款",
        body="Refunds take 3 days.",
    )
    assert search.search_ticket_ids("退款") == [refund.pk]
    assert search.search_group_ids("退款", kinds=("article",)) == [7]


def test_fulltext_structures_follow_the_table(refund):
    """The FTS index (SQLite) or generated vector (PostgreSQL) has one entry per document."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            fts = FTS_TABLE
            cursor.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")  # noqa: S608
            cursor.execute(f"SELECT COUNT(*) FROM {fts}")  # noqa: S608
        else:
            cursor.execute(
                "SELECT COUNT(*) FROM core_searchdocument WHERE search_vector IS NOT NULL"
            )
        assert cursor.fetchone()[0] == SearchDocument.objects.count() == 2


# --- ranking window (RANK_WINDOW) ----------------------------------------------------


def test_common_terms_are_ranked_among_their_newest_matches_only(db, monkeypatch):
    from loopdesk.core.search import backends

    monkeypatch.setattr(backends, "RANK_WINDOW", 3)
    old = make_intake(subject="Compressor noise", text="compressor rattles, error E5").ticket
    newer = [
        make_intake(subject=f"Compressor {i}", text="compressor", email=f"n{i}@example.com").ticket
        for i in range(4)
    ]
    # Every term matches more documents than the window (each ticket has two: subject and
    # message): only the three newest matching documents are ranked, those of the two
    # newest tickets.
    assert set(search.search_ticket_ids("compressor")) == {newer[3].pk, newer[2].pk}
    # A rarer term (fewer matches than the window) switches the window off: found.
    assert search.search_ticket_ids("compressor e5") == [old.pk]
