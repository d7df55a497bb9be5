from django.contrib import admin

from .models import Contact, ContactIdentity, Organization


class IdentityInline(admin.TabularInline):
    model = ContactIdentity
    extra = 0


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "primary_email", "primary_phone", "organization", "tier")
    search_fields = ("name", "primary_email", "primary_phone")
    list_filter = ("tier",)
    raw_id_fields = ("organization",)
    inlines = [IdentityInline]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "domain", "tier")
    search_fields = ("name", "domain")


@admin.register(ContactIdentity)
class ContactIdentityAdmin(admin.ModelAdmin):
    list_display = ("kind", "value", "contact")
    search_fields = ("value",)
    raw_id_fields = ("contact",)
