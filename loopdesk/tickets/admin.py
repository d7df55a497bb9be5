"""Admin for ticket configuration. Tickets, messages and events are read-only here:
every change to them must go through the services so that it is recorded as an event."""

from django.contrib import admin

from loopdesk.core.admin_base import ReadOnlyAdmin

from .models import (
    Attachment,
    Category,
    CustomFieldDefinition,
    Mention,
    Message,
    Status,
    Tag,
    Ticket,
    TicketEvent,
)


@admin.register(Status)
class StatusAdmin(admin.ModelAdmin):
    list_display = ("key", "name", "name_zh_hans", "category", "order", "is_default", "is_active")
    list_editable = ("order", "is_default", "is_active")
    filter_horizontal = ("allowed_next",)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("__str__", "parent")
    search_fields = ("name",)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(CustomFieldDefinition)
class CustomFieldDefinitionAdmin(admin.ModelAdmin):
    list_display = ("key", "label", "label_zh_hans", "kind", "required", "order", "is_active")
    list_editable = ("order", "is_active")


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ("number", "subject", "status", "priority", "team", "assignee", "updated_at")
    list_filter = ("status_category", "priority", "channel", "team")
    search_fields = ("=number", "subject")
    show_full_result_count = False  # no COUNT(*) over a million tickets


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "kind", "direction", "channel", "created_at")
    list_filter = ("kind", "direction", "channel")
    show_full_result_count = False


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("filename", "ticket", "size", "content_type", "created_at")
    show_full_result_count = False


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "type", "actor_user", "cause_kind", "cause_ref", "created_at")
    list_filter = ("type", "cause_kind")
    show_full_result_count = False


@admin.register(Mention)
class MentionAdmin(ReadOnlyAdmin):
    list_display = ("message", "user", "notified_at")
    show_full_result_count = False
