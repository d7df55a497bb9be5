"""The public help centre: no login, zh-hans or en by URL, search with highlights,
helpful votes (one per visitor session and article, rate limited per address)."""

from urllib.parse import quote, urlencode

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from loopdesk.core import ratelimit
from loopdesk.core.exceptions import NotFound

from .. import permissions, selectors, services
from ..constants import LANGUAGE_CODES, SEARCHES_PER_MINUTE, VOTES_PER_HOUR
from ..models import ArticleAttachment, Category

LANGUAGE_NAMES = {"zh-hans": "简体中文", "en": "English"}


def _lang(lang: str) -> str:
    if lang not in LANGUAGE_CODES:
        raise Http404
    return lang


def _client(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _render(request: HttpRequest, lang: str, template: str, context: dict, status=200):
    """Render in the page's language; the switch links to the same page in the other one."""
    context = {
        "lang": lang,
        "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGE_CODES],
        "switch_urls": context.pop("switch_urls", None)
        or {code: reverse("knowledge:help_home", args=[code]) for code in LANGUAGE_CODES},
        **context,
    }
    with translation.override(lang):
        response = render(request, template, context, status=status)
    response["Content-Language"] = lang
    return response


@require_GET
def root(request: HttpRequest) -> HttpResponse:
    language = translation.get_language_from_request(request)
    lang = "zh-hans" if (language or "").startswith("zh") else "en"
    return redirect("knowledge:help_home", lang=lang)


@require_GET
def home(request: HttpRequest, lang: str) -> HttpResponse:
    lang = _lang(lang)
    categories = selectors.categories_with_counts(language=lang)
    rows = [
        {
            "category": c,
            "name": c.name_for(lang),
            "description": c.description_for(lang),
            "count": c.article_count,
        }
        for c in categories
    ]
    return _render(request, lang, "knowledge/help/home.html", {"categories": rows})


@require_GET
def category(request: HttpRequest, lang: str, slug: str) -> HttpResponse:
    lang = _lang(lang)
    cat = get_object_or_404(Category, slug=slug)
    articles = selectors.category_articles(category=cat, language=lang)
    groups: list[dict] = []
    for article in articles:
        name = article.section.name_for(lang) if article.section else ""
        if not groups or groups[-1]["name"] != name:
            groups.append({"name": name, "articles": []})
        groups[-1]["articles"].append(article)
    switch_urls = {
        code: reverse("knowledge:help_category", args=[code, cat.slug]) for code in LANGUAGE_CODES
    }
    return _render(
        request,
        lang,
        "knowledge/help/category.html",
        {"category_name": cat.name_for(lang), "groups": groups, "switch_urls": switch_urls},
    )


@require_GET
def article(request: HttpRequest, lang: str, pk: int) -> HttpResponse:
    lang = _lang(lang)
    try:
        item = selectors.public_article(article_id=pk)
    except NotFound as exc:
        raise Http404 from exc
    if item.language != lang:
        # The same article in the page's language if it exists; else the page switches.
        other = selectors.public_translation(item, lang)
        return redirect(
            "knowledge:help_article", lang=(other or item).language, pk=(other or item).pk
        )
    services.article_record_view(article=item)
    switch_urls = {}
    for code in LANGUAGE_CODES:
        version = selectors.public_translation(item, code)
        switch_urls[code] = (
            reverse("knowledge:help_article", args=[code, version.pk])
            if version
            else reverse("knowledge:help_home", args=[code])
        )
    voted = request.session.get("kb_votes", {}).get(str(item.pk))
    return _render(
        request,
        lang,
        "knowledge/help/article.html",
        {
            "article": item,
            "category_name": item.category.name_for(lang),
            "switch_urls": switch_urls,
            "voted": voted,
        },
    )


@require_GET
def search(request: HttpRequest, lang: str) -> HttpResponse:
    lang = _lang(lang)
    query = request.GET.get("q", "")
    if not isinstance(query, str):
        query = ""
    query = query.strip()
    context: dict = {"query": query[:200], "results": None}
    if query:
        state = ratelimit.hit(
            bucket=f"kb-search:{_client(request)}", limit=SEARCHES_PER_MINUTE, window=60
        )
        if not state.allowed:
            context["error"] = _("Too many searches. Please wait a minute and try again.")
            response = _render(request, lang, "knowledge/help/search.html", context, status=429)
            response["Retry-After"] = str(state.reset_in)
            return response
        results = selectors.article_search(query=query, language=lang)
        if not results.hits:
            services.search_gap_record(query=query, language=lang)
        context["results"] = results
        context["rows"] = [
            {"hit": hit, "category": hit.article.category.name_for(lang)} for hit in results.hits
        ]
    suffix = "?" + urlencode({"q": query[:200]}) if query else ""
    switch_urls = {
        code: reverse("knowledge:help_search", args=[code]) + suffix for code in LANGUAGE_CODES
    }
    return _render(
        request, lang, "knowledge/help/search.html", {**context, "switch_urls": switch_urls}
    )


@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        item = selectors.public_article(article_id=pk)
    except NotFound as exc:
        raise Http404 from exc
    lang = item.language
    helpful = request.POST.get("helpful")
    if helpful not in ("yes", "no"):
        return _vote_answer(request, lang, item, _("Please choose yes or no."), status=400)
    state = ratelimit.hit(bucket=f"kb-vote:{_client(request)}", limit=VOTES_PER_HOUR, window=3600)
    if not state.allowed:
        return _vote_answer(
            request, lang, item, _("Too many votes from your network. Try again later."), 429
        )
    if not request.session.session_key:
        request.session.save()
    recorded = services.vote_record(
        article=item,
        voter=services.voter_key(request.session.session_key),
        helpful=helpful == "yes",
    )
    votes = dict(request.session.get("kb_votes", {}))
    votes[str(item.pk)] = helpful
    request.session["kb_votes"] = votes
    message = _("Thank you for your feedback.") if recorded else _("You have already voted.")
    return _vote_answer(request, lang, item, message)


def _vote_answer(request, lang, item, message: str, status: int = 200) -> HttpResponse:
    if request.htmx:
        return _render(
            request,
            lang,
            "knowledge/help/_vote_done.html",
            {"message": message, "article": item},
            status=status,
        )
    if status == 200:
        return redirect(reverse("knowledge:help_article", args=[lang, item.pk]) + "#vote")
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


@require_GET
def attachment(request: HttpRequest, public_id) -> HttpResponse:
    """A file of a published public article, or of any article for staff."""
    item = get_object_or_404(
        ArticleAttachment.objects.select_related("article"), public_id=public_id
    )
    if not (item.article.is_public or permissions.is_staff_reader(request.user)):
        raise Http404
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    disposition = "inline" if item.is_image else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{_quote(item.filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _quote(name: str) -> str:
    return quote(name, safe="")
