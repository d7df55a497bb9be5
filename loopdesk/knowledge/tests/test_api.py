"""/api/v1/kb: CRUD, search, scopes, problem+json errors."""

import json

import pytest
from django.test import Client

from loopdesk.accounts.models import ApiScope
from loopdesk.accounts.services import api_key_create
from loopdesk.knowledge.models import Article, Category

from .factories import make_article, make_category

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, user, scopes=None):
        issued = api_key_create(
            user=user, name="kb test", scopes=scopes or [ApiScope.KB_READ, ApiScope.KB_WRITE]
        )
        self.client = Client(headers={"Authorization": f"Bearer {issued.secret}"})

    def get(self, path, params=None):
        return self.client.get("/api/v1" + path, params or {})

    def send(self, method, path, body=None):
        return getattr(self.client, method)(
            "/api/v1" + path, json.dumps(body or {}), content_type="application/json"
        )


def problem(response, status, field=None):
    assert response.status_code == status, response.content[:400]
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    if field:
        assert field in [e["field"] for e in body.get("errors", [])], body
    return body


def test_article_crud_and_publish(supervisor):
    api = Api(supervisor)
    category = make_category(supervisor)
    created = api.send(
        "post",
        "/kb/articles",
        {
            "language": "zh-hans",
            "title": "发票怎么开",
            "body_md": "登录后在**订单详情**申请。[x](javascript:alert(1))",
            "category_id": category.pk,
            "tags": ["发票"],
        },
    )
    assert created.status_code == 201, created.content
    article = created.json()
    assert article["status"] == "draft" and article["url"] is None
    assert "<strong>订单详情</strong>" in article["body_html"]
    assert "javascript" not in article["body_html"].split("[x]")[0]
    updated = api.send(
        "patch", f"/kb/articles/{article['id']}", {"body_md": "新的步骤", "status": "published"}
    ).json()
    assert updated["revision"] == 2 and updated["status"] == "published"
    assert updated["url"].endswith(f"/help/zh-hans/articles/{article['id']}/")
    revisions = api.get(f"/kb/articles/{article['id']}/revisions").json()
    assert [r["number"] for r in revisions] == [2, 1]
    restored = api.send("post", f"/kb/articles/{article['id']}/revisions/1/restore").json()
    assert restored["revision"] == 3 and "订单详情" in restored["body_md"]
    translation = api.send(
        "post",
        "/kb/articles",
        {
            "language": "en",
            "title": "Invoices",
            "category_id": category.pk,
            "translation_of": article["id"],
        },
    ).json()
    assert translation["translation_key"] == article["translation_key"]
    assert api.send("delete", f"/kb/articles/{translation['id']}").status_code == 204
    assert not Article.objects.filter(pk=translation["id"]).exists()


def test_search_returns_highlights(supervisor):
    make_article(title="如何申请退款", body="退款三天到账", language="zh-hans", editor=supervisor)
    make_article(title="Reset your password", body="Use the link", editor=supervisor)
    api = Api(supervisor)
    data = api.get("/kb/articles", {"q": "退款"}).json()["data"]
    assert [d["title"] for d in data] == ["如何申请退款"]
    assert data[0]["search"]["title_html"] == "如何申请<mark>退款</mark>"
    assert data[0]["search"]["matched_terms"] == ["退款"]
    assert api.get("/kb/articles", {"q": '"NEAR(*'}).json()["data"] == []
    listing = api.get("/kb/articles", {"language": "en", "page[size]": 1}).json()
    assert [d["title"] for d in listing["data"]] == ["Reset your password"]


def test_agent_cannot_publish_and_nothing_changes(agent):
    api = Api(agent)
    article = make_article(title="Warranty", status="draft")
    body = problem(api.send("patch", f"/kb/articles/{article.pk}", {"status": "published"}), 403)
    assert body["detail"]
    article.refresh_from_db()
    assert article.status == "draft"
    problem(api.send("post", "/kb/categories", {"slug": "x", "name_en": "X", "name_zh": "X"}), 403)


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "field"),
    [
        ("get", "/kb/articles/999999", None, 404, None),
        ("patch", "/kb/articles/999999", {"title": "x"}, 404, None),
        ("delete", "/kb/articles/999999", None, 404, None),
        ("get", "/kb/categories/999999", None, 404, None),
        ("post", "/kb/articles/999999/revisions/1/restore", None, 404, None),
        (
            "post",
            "/kb/articles",
            {"language": "fr", "title": "x", "category_id": 1},
            400,
            "language",
        ),
        (
            "post",
            "/kb/articles",
            {"language": "en", "title": "x", "category_id": 999},
            400,
            "category_id",
        ),
        (
            "post",
            "/kb/articles",
            {"language": "en", "title": "x", "category_id": 1, "role": "admin"},
            400,
            None,
        ),
    ],
)
def test_bad_requests_are_problems(supervisor, method, path, body, status, field):
    make_category(supervisor)
    api = Api(supervisor)
    response = api.get(path) if method == "get" else api.send(method, path, body)
    problem(response, status, field)


def test_scopes_are_enforced(agent):
    article = make_article(title="Shipping")
    read_only = Api(agent, scopes=[ApiScope.KB_READ])
    assert read_only.get(f"/kb/articles/{article.pk}").status_code == 200
    problem(read_only.send("patch", f"/kb/articles/{article.pk}", {"title": "x"}), 403)
    tickets_only = Api(agent, scopes=[ApiScope.TICKETS_READ])
    problem(tickets_only.get("/kb/articles"), 403)
    assert Client().get("/api/v1/kb/categories").status_code == 401


def test_categories_crud(supervisor):
    api = Api(supervisor)
    created = api.send(
        "post", "/kb/categories", {"slug": "warranty", "name_en": "Warranty", "name_zh": "保修"}
    )
    assert created.status_code == 201
    cid = created.json()["id"]
    assert (
        api.send("patch", f"/kb/categories/{cid}", {"name_zh": "保修服务"}).json()["name_zh"]
        == "保修服务"
    )
    make_article(title="Warranty terms", category=Category.objects.get(pk=cid), editor=supervisor)
    problem(api.send("delete", f"/kb/categories/{cid}"), 400)
    assert [c["slug"] for c in api.get("/kb/categories").json()] == ["warranty"]
