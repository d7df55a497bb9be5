from django.contrib import admin

from .models import Counter, IdempotencyRecord

admin.site.register(Counter)


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    list_display = ("scope", "key", "owner_key", "status_code", "created_at")
    search_fields = ("key",)
