from django.contrib import admin

from .models import Counter, IdempotencyRecord, SearchDocument

admin.site.register(Counter)


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    list_display = ("scope", "key", "owner_key", "status_code", "created_at")
    search_fields = ("key",)


@admin.register(SearchDocument)
class SearchDocumentAdmin(admin.ModelAdmin):
    """Read-only: documents are written by the services; rebuild with `search_reindex`."""

    list_display = ("kind", "object_id", "group_id", "is_public", "updated_at")
    list_filter = ("kind", "is_public")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
