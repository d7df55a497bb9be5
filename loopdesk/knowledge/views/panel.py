"""The knowledge panel on the ticket page (loaded lazily by htmx) and "turn this reply
into an article"."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from loopdesk.core.exceptions import LoopdeskError, NotFound
from loopdesk.tickets import selectors as ticket_selectors
from loopdesk.tickets.models import Message, Ticket

from .. import permissions, selectors, services
from ..constants import MAX_QUERY_CHARS


def _ticket(request: HttpRequest, number: int) -> Ticket:
    try:
        return ticket_selectors.ticket_get_for_user(user=request.user, number=number)
    except NotFound as exc:
        raise Http404 from exc


@login_required
@require_GET
def ticket_panel(request: HttpRequest, number: int) -> HttpResponse:
    """Suggested articles and similar solved tickets for this ticket, or search results
    for `q`. Agents see internal articles too; links open the staff view."""
    if not permissions.is_staff_reader(request.user):
        raise Http404
    ticket = _ticket(request, number)
    query = request.GET.get("q", "")[:MAX_QUERY_CHARS].strip()
    context = {"ticket": ticket, "query": query}
    if query:
        results = selectors.article_search(
            query=query, public_only=False, user=request.user, limit=8
        )
        context["hits"] = results.hits
        context["partial"] = results.partial
    else:
        first = (
            Message.objects.filter(ticket=ticket, direction="inbound")
            .order_by("pk")
            .values_list("body_text", flat=True)
            .first()
        )
        text = f"{ticket.subject}\n{(first or '')[:500]}"
        context["suggestions"] = selectors.suggest_articles(text, public_only=False, limit=5)
        context["similar"] = selectors.similar_solved_tickets(
            user=request.user, ticket=ticket, limit=5
        )
    articles = [h.article for h in context.get("hits", [])]
    context["rows"] = _rows(request, context, articles)
    template = (
        "knowledge/partials/_results.html"
        if query and request.htmx
        else "knowledge/partials/_panel.html"
    )
    return render(request, template, context)


def _rows(request, context, articles) -> list[dict]:
    """Each article with what the insert buttons put in the reply: its public link (or
    nothing for internal ones) and its text."""
    rows = []
    if "hits" in context:
        items = [
            (h.article, h.title_html, h.snippet_html, h.matched_terms) for h in context["hits"]
        ]
    else:
        ids = [s.id for s in context.get("suggestions", [])]
        by_id = {a.pk: a for a in selectors.Article.objects.filter(pk__in=ids)}
        items = [
            (by_id[s.id], s.title, s.snippet_html, s.matched_terms)
            for s in context.get("suggestions", [])
            if s.id in by_id
        ]
    for article, title_html, snippet_html, matched in items:
        public_url = (
            request.build_absolute_uri(selectors.article_url(article)) if article.is_public else ""
        )
        rows.append(
            {
                "article": article,
                "title_html": title_html,
                "snippet_html": snippet_html,
                "matched": matched,
                "public_url": public_url,
                "staff_url": selectors.article_url(article, public=False),
                "insert_text": f"{article.title}\n\n{article.body_text}",
            }
        )
    return rows


@login_required
@require_POST
def message_to_article(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: a draft article from an agent's public reply the user can see."""
    message = (
        Message.objects.filter(pk=pk, ticket__in=Ticket.objects.visible_to(request.user))
        .select_related("ticket")
        .first()
    )
    if message is None:
        raise Http404
    try:
        article = services.article_draft_from_message(user=request.user, message=message)
    except LoopdeskError as exc:
        from django.contrib import messages

        messages.error(request, exc.message)
        return redirect("tickets:detail", number=message.ticket.number)
    return redirect("knowledge:staff_edit", pk=article.pk)
