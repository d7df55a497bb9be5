"""The demo knowledge base: published articles in both languages plus an internal one."""

import pytest

from loopdesk.core.demo.knowledge import DEMO_TOPICS, ensure_knowledge
from loopdesk.core.demo.setup import DemoCast
from loopdesk.knowledge.models import Article
from loopdesk.knowledge.selectors import suggest_articles

from .factories import make_editor

pytestmark = pytest.mark.django_db


def test_demo_articles_are_published_searchable_and_loaded_once():
    cast = DemoCast()
    cast.staff["editor"] = make_editor()
    ensure_knowledge(cast)
    ensure_knowledge(cast)
    assert Article.objects.filter(status="published").count() == len(DEMO_TOPICS) * 2 + 1
    assert Article.objects.filter(visibility="internal").count() == 1
    titles = [s.title for s in suggest_articles("发票", language="zh-hans")]
    assert "如何开具发票" in titles[:2] and "增值税专用发票开具说明" in titles[:2]
