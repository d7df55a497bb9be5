from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """For rows only services may write (tickets, events, clocks): visible, never edited
    here, so every change keeps its event and cause."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
