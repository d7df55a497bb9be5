"""Contacts and organisations in the agent workspace. Contacts are visible to all staff;
their tickets are always read through the ticket scope (selectors.tickets_for_*)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from loopdesk.core.exceptions import ValidationFailed
from loopdesk.core.htmx import render_page
from loopdesk.core.pagination import SortKey, keyset_page
from loopdesk.tickets import selectors as ticket_selectors
from loopdesk.tickets.permissions import can_create_for_contact

from . import selectors, services
from .forms import ContactForm
from .models import Contact, Organization

PAGE_SIZE = 50


def can_edit_contacts(user) -> bool:
    """Whoever may open tickets for customers may also correct their details."""
    return can_create_for_contact(user)


@login_required
@require_GET
def contact_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    next_cursor = None
    error = ""
    if query:
        contacts = selectors.contact_search(query=query, limit=PAGE_SIZE)
    else:
        try:
            page = keyset_page(
                Contact.objects.select_related("organization"),
                keys=[SortKey("name", False, "str")],
                size=PAGE_SIZE,
                after=request.GET.get("after") or None,
            )
        except ValidationFailed as exc:
            error = exc.message
            contacts = []
        else:
            contacts, next_cursor = page.items, page.next_cursor
    return render_page(
        request,
        full="customers/contact_list.html",
        partial="customers/partials/_contact_rows.html",
        context={"contacts": contacts, "q": query, "next_cursor": next_cursor, "error": error},
    )


@login_required
@require_GET
def contact_picker(request: HttpRequest) -> HttpResponse:
    """Live search for the new-ticket form (htmx)."""
    query = request.GET.get("q", "").strip()[:200]
    # One character is a real query: many Chinese surnames are one character (王, 李).
    contacts = selectors.contact_search(query=query, limit=10) if query else []
    return render(
        request, "customers/partials/_picker_results.html", {"contacts": contacts, "q": query}
    )


def _contact_or_404(contact_id: int) -> Contact:
    try:
        return selectors.contact_get(contact_id=contact_id)
    except Contact.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_http_methods(["GET", "POST"])
def contact_detail(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = _contact_or_404(contact_id)
    can_edit = can_edit_contacts(request.user)
    organizations = selectors.organizations_all()
    form = ContactForm(
        initial={
            "name": contact.name,
            "organization": contact.organization_id,
            "tier": contact.tier,
            "language": contact.language,
            "notes": contact.notes,
        },
        organizations=organizations,
    )
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = ContactForm(request.POST, organizations=organizations)
        if form.is_valid():
            try:
                services.contact_update(contact=contact, **form.cleaned_data)
            except ValidationFailed as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Contact saved."))
                return redirect("customers:contact_detail", contact_id=contact.pk)
        status = 422
        contact = _contact_or_404(contact_id)  # show the stored values, not the rejected ones
    context = {
        "contact": contact,
        "identities": selectors.contact_identities(contact=contact),
        "tickets": ticket_selectors.tickets_for_contact(user=request.user, contact_id=contact.pk),
        "form": form,
        "can_edit": can_edit,
        "edit_open": status != 200,
    }
    return render(request, "customers/contact_detail.html", context, status=status)


@login_required
@require_GET
def organization_detail(request: HttpRequest, organization_id: int) -> HttpResponse:
    try:
        organization = Organization.objects.get(pk=organization_id)
    except Organization.DoesNotExist as exc:
        raise Http404 from exc
    context = {
        "organization": organization,
        "contacts": list(organization.contacts.order_by("name", "pk")[:200]),
        "tickets": ticket_selectors.tickets_for_organization(
            user=request.user, organization_id=organization.pk
        ),
    }
    return render(request, "customers/organization_detail.html", context)
