"""The editor: article list and search, create/edit (Markdown), status changes,
translations, revision history with diff and restore, uploads, categories, content gaps."""

import difflib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from loopdesk.core.exceptions import LoopdeskError, NotFound

from .. import permissions, selectors, services
from ..constants import LANGUAGE_CODES, MAX_BODY_CHARS
from ..forms import ArticleForm, CategoryForm, SectionForm, UploadForm
from ..models import Article, ArticleStatus, Category, Section
from ..rendering import render_markdown


def _staff(request: HttpRequest) -> None:
    if not permissions.is_staff_reader(request.user):
        raise Http404


def _article(request: HttpRequest, pk: int) -> Article:
    _staff(request)
    try:
        return selectors.article_for_staff(user=request.user, article_id=pk)
    except NotFound as exc:
        raise Http404 from exc


def _form_error(form, exc: LoopdeskError) -> None:
    field = exc.field if exc.field in form.fields else None
    if exc.field == "body":
        field = "body_md"
    form.add_error(field, exc.message)


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    status = request.GET.get("status", "")
    language = request.GET.get("language", "")
    query = request.GET.get("q", "")[:200]
    articles = selectors.staff_article_list(
        user=request.user, status=status, language=language, query=query
    )
    return render(
        request,
        "knowledge/editor/list.html",
        {
            "articles": articles,
            "status": status,
            "language": language,
            "query": query,
            "statuses": ArticleStatus.choices,
            "languages": LANGUAGE_CODES,
            "can_write": permissions.can_write(request.user),
            "can_publish": permissions.can_publish(request.user),
        },
    )


def _initial_language(request) -> str:
    return "zh-hans" if (request.user.language or "").startswith("zh") else "en"


@login_required
@require_http_methods(["GET", "POST"])
def article_new(request: HttpRequest) -> HttpResponse:
    _staff(request)
    if not permissions.can_write(request.user):
        raise Http404
    form = ArticleForm(request.POST or None, initial={"language": _initial_language(request)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            article = services.article_create(
                user=request.user,
                language=data["language"],
                title=data["title"],
                body_md=data["body_md"],
                category=data["category"],
                section=data["section"],
                tags=data["tags"],
                visibility=data["visibility"],
                note=data["note"],
            )
        except LoopdeskError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("knowledge:staff_article", pk=article.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "knowledge/editor/edit.html", {"form": form, "article": None}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    if not permissions.can_write(request.user):
        raise Http404
    initial = {
        "title": article.title,
        "language": article.language,
        "category": article.category_id,
        "section": article.section_id,
        "tags": ", ".join(article.tags),
        "visibility": article.visibility,
        "body_md": article.body_md,
    }
    form = ArticleForm(request.POST or None, initial=initial)
    form.fields["language"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.article_update(
                user=request.user,
                article=article,
                title=data["title"],
                body_md=data["body_md"],
                tags=data["tags"],
                category=data["category"],
                section=data["section"],
                visibility=data["visibility"],
                note=data["note"],
            )
        except LoopdeskError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Article saved."))
            return redirect("knowledge:staff_article", pk=article.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "knowledge/editor/edit.html",
        {"form": form, "article": article, "upload_form": UploadForm()},
        status=status,
    )


@login_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    can_publish = permissions.can_publish(request.user)
    can_write = permissions.can_write(request.user)
    actions = []
    for target in services.TRANSITIONS[ArticleStatus(article.status)]:
        needs_editor = (
            target == ArticleStatus.PUBLISHED or article.status == ArticleStatus.PUBLISHED
        )
        if can_write and (can_publish or not needs_editor):
            actions.append((target.value, target.label))
    existing = {t.language for t in selectors.translations(article)} | {article.language}
    return render(
        request,
        "knowledge/editor/detail.html",
        {
            "article": article,
            "translations": selectors.translations(article),
            "missing_languages": [c for c in LANGUAGE_CODES if c not in existing],
            "attachments": list(article.attachments.all()),
            "actions": sorted(actions),
            "can_write": can_write and (can_publish or article.status != ArticleStatus.PUBLISHED),
            "public_url": selectors.article_url(article) if article.is_public else "",
        },
    )


@login_required
@require_POST
def article_status(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    try:
        services.article_set_status(
            user=request.user, article=article, status=request.POST.get("status", "")
        )
    except LoopdeskError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Status changed."))
    return redirect("knowledge:staff_article", pk=article.pk)


@login_required
@require_http_methods(["GET", "POST"])
def article_translate(request: HttpRequest, pk: int) -> HttpResponse:
    """A new language version, prefilled with the source so the translator edits in place."""
    source = _article(request, pk)
    if not permissions.can_write(request.user):
        raise Http404
    language = request.GET.get("language") or request.POST.get("language") or ""
    if language not in LANGUAGE_CODES or language == source.language:
        language = next(c for c in LANGUAGE_CODES if c != source.language)
    initial = {
        "title": source.title,
        "language": language,
        "category": source.category_id,
        "section": source.section_id,
        "tags": ", ".join(source.tags),
        "visibility": source.visibility,
        "body_md": source.body_md,
    }
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            article = services.article_create(
                user=request.user,
                language=data["language"],
                title=data["title"],
                body_md=data["body_md"],
                category=data["category"],
                section=data["section"],
                tags=data["tags"],
                visibility=data["visibility"],
                translation_of=source,
                note=data["note"],
            )
        except LoopdeskError as exc:
            _form_error(form, exc)
        else:
            return redirect("knowledge:staff_article", pk=article.pk)
    return render(
        request,
        "knowledge/editor/edit.html",
        {"form": form, "article": None, "source": source},
        status=422 if request.method == "POST" else 200,
    )


@login_required
def article_history(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    return render(
        request,
        "knowledge/editor/history.html",
        {
            "article": article,
            "revisions": selectors.revisions(article),
            "can_restore": permissions.can_write(request.user)
            and (
                permissions.can_publish(request.user) or article.status != ArticleStatus.PUBLISHED
            ),
        },
    )


def diff_lines(old: str, new: str) -> list[tuple[str, str]]:
    """(kind, line) of a unified diff: kind is 'add', 'del', 'hunk' or 'same'."""
    rows = []
    for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "same")
        rows.append((kind, line))
    return rows


@login_required
def revision_diff(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """What this revision changed compared with the one before it."""
    article = _article(request, pk)
    revision = article.revisions.filter(number=number).first()
    if revision is None:
        raise Http404
    previous = article.revisions.filter(number__lt=number).order_by("-number").first()
    old = f"# {previous.title}\n\n{previous.body_md}" if previous else ""
    new = f"# {revision.title}\n\n{revision.body_md}"
    return render(
        request,
        "knowledge/editor/diff.html",
        {
            "article": article,
            "revision": revision,
            "previous": previous,
            "rows": diff_lines(old, new),
        },
    )


@login_required
@require_POST
def revision_restore(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    article = _article(request, pk)
    try:
        services.article_restore(user=request.user, article=article, number=number)
    except LoopdeskError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Revision %(n)d restored as a new revision.") % {"n": number})
    return redirect("knowledge:staff_history", pk=article.pk)


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect("knowledge:staff_article", pk=article.pk)
    try:
        attachment = services.attachment_add(
            user=request.user, article=article, upload=form.cleaned_data["file"]
        )
    except LoopdeskError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Uploaded. Markdown to use it: %(md)s") % {"md": attachment_markdown(attachment)},
        )
    return redirect("knowledge:staff_article", pk=article.pk)


def attachment_markdown(attachment) -> str:
    from django.urls import reverse

    url = reverse("knowledge:help_file", args=[attachment.public_id])
    prefix = "!" if attachment.is_image else ""
    return f"{prefix}[{attachment.filename}]({url})"


@login_required
@require_http_methods(["GET", "POST"])
def categories(request: HttpRequest) -> HttpResponse:
    _staff(request)
    can_edit = permissions.can_publish(request.user)
    category_form = CategoryForm(prefix="c")
    section_form = SectionForm(prefix="s")
    if request.method == "POST":
        if not can_edit:
            raise Http404
        try:
            if "c-slug" in request.POST:
                category_form = CategoryForm(request.POST, prefix="c")
                if category_form.is_valid():
                    services.category_create(user=request.user, **category_form.cleaned_data)
                    return redirect("knowledge:staff_categories")
            else:
                section_form = SectionForm(request.POST, prefix="s")
                if section_form.is_valid():
                    services.section_create(user=request.user, **section_form.cleaned_data)
                    return redirect("knowledge:staff_categories")
        except LoopdeskError as exc:
            messages.error(request, exc.message)
    sections = list(Section.objects.order_by("position", "pk"))
    rows = [
        {"category": c, "sections": [s for s in sections if s.category_id == c.pk]}
        for c in Category.objects.order_by("position", "pk")
    ]
    return render(
        request,
        "knowledge/editor/categories.html",
        {
            "rows": rows,
            "can_edit": can_edit,
            "category_form": category_form,
            "section_form": section_form,
        },
    )


@login_required
def gaps(request: HttpRequest) -> HttpResponse:
    _staff(request)
    return render(request, "knowledge/editor/gaps.html", {"gaps": selectors.search_gaps()})


@login_required
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """The Markdown as the help centre will show it (same renderer and sanitiser)."""
    if not permissions.can_write(request.user):
        raise Http404
    source = request.POST.get("body_md", "")[:MAX_BODY_CHARS]
    return render(request, "knowledge/editor/_preview.html", {"html": render_markdown(source)})
