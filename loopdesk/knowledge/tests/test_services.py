"""Article lifecycle: revisions, restore, status rules, translations, permissions."""

import pytest

from loopdesk.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from loopdesk.core.search import SearchDocument, search_group_ids
from loopdesk.knowledge import services
from loopdesk.knowledge.models import Article, ArticleRevision, SearchGap

from .factories import make_article, make_category, make_editor

pytestmark = pytest.mark.django_db


def test_edit_writes_revision_and_restore_brings_old_content_back(agent):
    category = make_category()
    article = services.article_create(
        user=agent,
        language="en",
        title="Reset a password",
        body_md="Old *steps*",
        category=category,
    )
    article = services.article_update(user=agent, article=article, body_md="New steps", note="fix")
    assert article.revision == 2
    assert "New steps" in article.body_html
    # A change of visibility only is not a content revision.
    article = services.article_update(user=agent, article=article, visibility="internal")
    assert article.revision == 2
    article = services.article_restore(user=agent, article=article, number=1)
    assert article.revision == 3
    assert article.body_md == "Old *steps*" and "<em>steps</em>" in article.body_html
    assert list(article.revisions.values_list("number", flat=True)) == [3, 2, 1]
    with pytest.raises(NotFound):
        services.article_restore(user=agent, article=article, number=99)


def test_status_flow_and_who_may_publish(agent, supervisor):
    article = make_article(title="Warranty", editor=supervisor, status="draft")
    services.article_set_status(user=agent, article=article, status="review")
    with pytest.raises(PermissionDenied):
        services.article_set_status(user=agent, article=article, status="published")
    article.refresh_from_db()
    assert article.status == "review" and article.published_at is None
    article = services.article_set_status(user=supervisor, article=article, status="published")
    assert article.published_at is not None
    # An agent cannot change a published article; an editor can unpublish it.
    with pytest.raises(PermissionDenied):
        services.article_update(user=agent, article=article, title="Hacked")
    with pytest.raises(ValidationFailed):
        services.article_set_status(user=supervisor, article=article, status="review")
    services.article_set_status(user=supervisor, article=article, status="draft")


def test_search_index_follows_status_and_visibility(supervisor):
    article = make_article(title="发票抬头修改", editor=supervisor, status="draft")
    doc = SearchDocument.objects.get(kind="article", object_id=article.pk)
    assert doc.is_public is False
    services.article_set_status(user=supervisor, article=article, status="published")
    assert search_group_ids("发票", kinds=("article",), public_only=True) == [article.pk]
    services.article_update(user=supervisor, article=article, visibility="internal")
    assert search_group_ids("发票", kinds=("article",), public_only=True) == []
    services.article_delete(user=supervisor, article=article)
    assert not SearchDocument.objects.filter(kind="article", object_id=article.pk).exists()


def test_translations_share_a_key_one_per_language(supervisor):
    zh = make_article(title="退款政策", language="zh-hans", editor=supervisor)
    en = make_article(title="Refund policy", editor=supervisor, translation_of=zh)
    assert en.translation_key == zh.translation_key
    with pytest.raises(ValidationFailed):
        make_article(title="退款政策 2", language="zh-hans", editor=supervisor, translation_of=en)
    with pytest.raises(ValidationFailed):
        make_article(title="Refund policy 2", editor=supervisor, translation_of=zh)
    assert Article.objects.filter(translation_key=zh.translation_key).count() == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"body_md": "x" * 200_001}, "body"),
        ({"tags": [f"t{i}" for i in range(21)]}, "tags"),
        ({"visibility": "secret"}, "visibility"),
    ],
)
def test_invalid_changes_are_refused_and_nothing_changes(supervisor, changes, field):
    article = make_article(title="Install the app", body="Steps", editor=supervisor)
    with pytest.raises(ValidationFailed) as caught:
        services.article_update(user=supervisor, article=article, **changes)
    assert caught.value.field == field
    article.refresh_from_db()
    assert (article.title, article.revision) == ("Install the app", 1)
    assert ArticleRevision.objects.filter(article=article).count() == 1


def test_technician_cannot_write(technician):
    with pytest.raises(PermissionDenied):
        services.article_create(
            user=technician, language="en", title="x", body_md="", category=make_category()
        )


def test_section_must_belong_to_the_category(supervisor):
    first, second = make_category(supervisor), make_category(supervisor)
    section = services.section_create(user=supervisor, category=first, name_en="A", name_zh="甲")
    with pytest.raises(ValidationFailed):
        services.article_create(
            user=supervisor, language="en", title="x", body_md="", category=second, section=section
        )


def test_votes_once_per_voter_and_counted(supervisor):
    article = make_article(title="Shipping times", editor=supervisor)
    assert services.vote_record(article=article, voter="v1", helpful=True) is True
    assert services.vote_record(article=article, voter="v1", helpful=False) is False
    assert services.vote_record(article=article, voter="v2", helpful=False) is True
    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (1, 1)


def test_search_gaps_are_normalised_and_counted():
    services.search_gap_record(query="  Refund  ", language="en")
    services.search_gap_record(query="refund", language="en")
    services.search_gap_record(query="退款", language="zh-hans")
    services.search_gap_record(query="x", language="fr")  # not a help-centre language
    assert sorted(SearchGap.objects.values_list("query", "language", "count")) == [
        ("refund", "en", 2),
        ("退款", "zh-hans", 1),
    ]


def test_reply_becomes_a_draft_article(agent, ticket):
    from loopdesk.tickets.events import Actor
    from loopdesk.tickets.services import message_add

    make_category(make_editor())
    reply = message_add(
        ticket=ticket,
        kind="reply",
        body_text="1. Turn it off\n2. Turn it on",
        actor=Actor.person(agent),
        author_user=agent,
    )
    article = services.article_draft_from_message(user=agent, message=reply)
    assert article.status == "draft" and article.source_message_id == reply.pk
    assert article.title == ticket.subject
    assert "Turn it off" in article.body_text
    note = message_add(
        ticket=ticket, kind="note", body_text="secret", actor=Actor.person(agent), author_user=agent
    )
    with pytest.raises(ValidationFailed):
        services.article_draft_from_message(user=agent, message=note)
