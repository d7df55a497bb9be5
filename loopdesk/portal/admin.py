from django.contrib import admin

from loopdesk.core.admin_base import ReadOnlyAdmin

from .models import CsatResponse, CsatSurvey, DeflectionClick, HeldSubmission, PortalAccount


@admin.register(PortalAccount)
class PortalAccountAdmin(admin.ModelAdmin):
    """Staff mark a contact as organisation admin here. The password hash is never shown
    or edited: customers set their own password in the portal."""

    list_display = ("contact", "is_org_admin", "last_login_at")
    list_filter = ("is_org_admin",)
    search_fields = ("contact__name", "contact__primary_email")
    raw_id_fields = ("contact",)
    fields = ("contact", "is_org_admin", "last_login_at")
    readonly_fields = ("last_login_at",)


@admin.register(CsatResponse)
class CsatResponseAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "score", "agent", "team", "created_at")
    list_filter = ("score",)
    raw_id_fields = ("ticket", "contact", "agent", "team")


@admin.register(CsatSurvey)
class CsatSurveyAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "email", "agent", "team", "sent_at", "mailed_at")
    raw_id_fields = ("ticket", "contact", "agent", "team")


@admin.register(HeldSubmission)
class HeldSubmissionAdmin(admin.ModelAdmin):
    """Probable spam from the web form, kept for review (delete when checked)."""

    list_display = ("created_at", "reason", "email", "subject")
    list_filter = ("reason",)
    readonly_fields = ("email", "subject", "body", "reason", "ip_hash", "created_at")

    def has_add_permission(self, request):
        return False


@admin.register(DeflectionClick)
class DeflectionClickAdmin(ReadOnlyAdmin):
    list_display = ("clicked_at", "article_title", "query", "submitted")
    list_filter = ("submitted",)
