"""The portal identity: a contact id in the session, never a Django User.

Staff and customers never share a session identity: logging in to the portal ends a
staff login in that browser (the session is flushed), and a session that carries a staff
login is never treated as a customer's.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import urlencode

from loopdesk.customers.models import Contact

from .models import PortalAccount

SESSION_CONTACT = "loopdesk_portal_contact"
SESSION_HASH = "loopdesk_portal_hash"


def _session_hash(account: PortalAccount | None) -> str:
    """Changes when the password changes, so a new password ends other sessions."""
    secret = account.password if account is not None else ""
    return salted_hmac("loopdesk.portal.session", secret, algorithm="sha256").hexdigest()


def portal_login(request: HttpRequest, contact: Contact) -> None:
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        logout(request)  # flushes the staff session
    else:
        request.session.flush()
    account = PortalAccount.objects.filter(contact=contact).first()
    request.session[SESSION_CONTACT] = contact.pk
    request.session[SESSION_HASH] = _session_hash(account)
    request.portal_contact = contact


def portal_logout(request: HttpRequest) -> None:
    request.session.flush()
    request.portal_contact = None


def portal_contact(request: HttpRequest) -> Contact | None:
    """The logged-in customer, or None (also for any staff session)."""
    if hasattr(request, "portal_contact"):
        return request.portal_contact
    contact = None
    user = getattr(request, "user", None)
    contact_id = request.session.get(SESSION_CONTACT)
    if contact_id and not (user is not None and user.is_authenticated):
        contact = (
            Contact.objects.select_related("organization", "portal_account")
            .filter(pk=contact_id)
            .first()
        )
        if contact is not None:
            account = account_of(contact)
            if not constant_time_compare(
                request.session.get(SESSION_HASH, ""), _session_hash(account)
            ):
                request.session.flush()
                contact = None
    request.portal_contact = contact
    return contact


def account_of(contact: Contact) -> PortalAccount | None:
    try:
        return contact.portal_account
    except PortalAccount.DoesNotExist:
        return None


def portal_login_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if portal_contact(request) is None:
            login = reverse("portal:login")
            return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapped
