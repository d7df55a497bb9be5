"""Admin for SLA configuration: calendars (hours, exceptions, China preset) and policies
(targets inline). Ticket clocks and per-ticket SLA state are read-only: they are derived
from ticket events and only the SLA services write them.

The forms run the same validators as loopdesk.sla.services.calendars, so the admin cannot
store what the API would refuse (inverted or overlapping hours, an unknown time zone).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loopdesk.core.admin_base import ReadOnlyAdmin
from loopdesk.core.exceptions import LoopdeskError

from .calendars import normalise_end
from .models import (
    BusinessCalendar,
    CalendarException,
    CalendarInterval,
    SlaPolicy,
    SlaTarget,
    TicketClock,
    TicketSla,
)
from .presets import china_year_supported, preset_years_missing
from .services.calendars import (
    calendar_load_china_preset,
    calendar_recompute_open_tickets,
    check_day_intervals,
    parse_interval_strings,
    validate_timezone,
)


def _warn_missing_preset_years(request) -> None:
    missing = preset_years_missing(timezone.localdate())
    if missing:
        messages.warning(
            request,
            _(
                "No official China holiday data for %(years)s yet: calendars using the China "
                "preset will treat those holidays as working days. Update the chinesecalendar "
                "package once the State Council has published them, then load the preset."
            )
            % {"years": ", ".join(str(y) for y in missing)},
        )


class CalendarForm(forms.ModelForm):
    class Meta:
        model = BusinessCalendar
        fields = ("name", "timezone", "description")

    def clean_timezone(self) -> str:
        try:
            return validate_timezone(self.cleaned_data.get("timezone", ""))
        except LoopdeskError as exc:
            raise ValidationError(exc.message) from exc


class IntervalFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        by_day: dict[int, list] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if (
                not data
                or data.get("DELETE")
                or data.get("start") is None
                or data.get("end") is None
            ):
                continue
            by_day.setdefault(data["weekday"], []).append(
                (data["start"], normalise_end(data["end"]))
            )
        for spans in by_day.values():
            try:
                check_day_intervals(spans, field="intervals")
            except LoopdeskError as exc:
                raise ValidationError(exc.message) from exc


class IntervalInline(admin.TabularInline):
    model = CalendarInterval
    formset = IntervalFormSet
    extra = 0


class ExceptionForm(forms.ModelForm):
    class Meta:
        model = CalendarException
        fields = ("date", "kind", "name", "intervals", "source")

    def clean(self):
        data = super().clean()
        try:
            spans = parse_interval_strings(data.get("intervals") or [], field="intervals")
        except LoopdeskError as exc:
            raise ValidationError({"intervals": exc.message}) from exc
        if data.get("kind") == "closed" and spans:
            raise ValidationError({"intervals": _("A closed day has no hours.")})
        return data


class ExceptionInline(admin.TabularInline):
    model = CalendarException
    form = ExceptionForm
    extra = 0
    readonly_fields = ("source",)


@admin.action(description=gettext_lazy("Load the China preset (this year and next, if published)"))
def load_china_preset(modeladmin, request, queryset) -> None:
    today = timezone.localdate()
    years = [y for y in (today.year, today.year + 1) if china_year_supported(y)]
    for calendar in queryset:
        for year in years:
            try:
                differences = calendar_load_china_preset(calendar=calendar, year=year)
            except LoopdeskError as exc:
                messages.error(request, f"{calendar}: {exc.message}")
                continue
            messages.success(
                request,
                _("%(calendar)s: China preset %(year)s loaded.")
                % {"calendar": calendar, "year": year},
            )
            for d in differences:
                messages.warning(
                    request,
                    _(
                        "%(year)s: sources disagree on %(date)s (%(name)s): chinesecalendar "
                        "says %(ours)s, holidays says %(theirs)s."
                    )
                    % {
                        "year": year,
                        "date": d.date.isoformat(),
                        "name": d.name,
                        "ours": d.chinesecalendar,
                        "theirs": d.holidays,
                    },
                )
    _warn_missing_preset_years(request)


@admin.action(description=gettext_lazy("Recompute the SLA deadlines of open tickets"))
def recompute_open_tickets(modeladmin, request, queryset) -> None:
    for calendar in queryset:
        count = calendar_recompute_open_tickets(calendar=calendar)
        messages.success(
            request,
            _("%(calendar)s: deadlines of %(count)s open tickets recomputed.")
            % {"calendar": calendar, "count": count},
        )


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    form = CalendarForm
    list_display = ("name", "timezone", "updated_at")
    search_fields = ("name",)
    inlines = [IntervalInline, ExceptionInline]
    actions = [load_china_preset, recompute_open_tickets]

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            _warn_missing_preset_years(request)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            _warn_missing_preset_years(request)
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    form = ExceptionForm
    list_display = ("date", "kind", "name", "calendar", "source")
    list_filter = ("kind", "source", "calendar")
    date_hierarchy = "date"
    search_fields = ("name",)


class TargetFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [
            f
            for f in self.forms
            if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")
        ]
        if not kept:
            raise ValidationError(_("A policy needs at least one target."))


class TargetInline(admin.TabularInline):
    model = SlaTarget
    formset = TargetFormSet
    extra = 1


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ("name", "order", "is_active", "calendar", "warn_at_percent")
    list_editable = ("order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)
    inlines = [TargetInline]


@admin.register(TicketClock)
class TicketClockAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "metric", "cycle", "state", "due_at", "breached", "policy")
    list_filter = ("metric", "state", "breached")
    raw_id_fields = ("ticket", "policy")
    list_select_related = ("ticket", "policy")


@admin.register(TicketSla)
class TicketSlaAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "policy", "last_event_id", "updated_at")
    raw_id_fields = ("ticket", "policy")
    list_select_related = ("ticket", "policy")


@admin.register(CalendarInterval)
class CalendarIntervalAdmin(admin.ModelAdmin):
    """Mostly edited inline on the calendar; listed here to find a calendar's weekly hours."""

    list_display = ("calendar", "weekday", "start", "end")
    list_filter = ("calendar", "weekday")


@admin.register(SlaTarget)
class SlaTargetAdmin(admin.ModelAdmin):
    """Mostly edited inline on the policy."""

    list_display = ("policy", "metric", "priority", "minutes", "business_hours")
    list_filter = ("metric", "business_hours")
    list_select_related = ("policy",)
