"""/calendars: business calendars, their exceptions, the due-time preview and the China preset.

Reads need tickets:read (any staff user: agents see what their deadlines are based on);
writes need tickets:write and an admin user, as in the admin site.
"""

from datetime import date, datetime

from django.http import HttpRequest
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status

from loopdesk.accounts.api_auth import TICKETS_READ, TICKETS_WRITE, principal
from loopdesk.core.api_common import PageQuery, page_body, sent_fields
from loopdesk.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from loopdesk.core.pagination import SortKey, keyset_page

from ..models import BusinessCalendar
from ..presets import preset_years_missing
from ..schemas.calendars import (
    CalendarIn,
    CalendarOut,
    CalendarPageOut,
    CalendarPatch,
    DueOut,
    ExceptionIn,
    ExceptionOut,
    IntervalIn,
    PresetIn,
    PresetOut,
)
from ..services.calendars import (
    WeeklyInterval,
    calendar_create,
    calendar_delete,
    calendar_due,
    calendar_exception_delete,
    calendar_exception_set,
    calendar_load_china_preset,
    calendar_update,
    calendar_with_hours,
    parse_interval_strings,
)

router = Router(tags=["sla"])
WRITE_NOTE = "Scope: tickets:write; the key's user must be an admin."


def _calendar(calendar_id: int) -> BusinessCalendar:
    try:
        return calendar_with_hours(calendar_id)
    except (BusinessCalendar.DoesNotExist, OverflowError) as exc:
        raise NotFound(_("Calendar not found.")) from exc


def _require_admin(request: HttpRequest) -> None:
    if not principal(request).user.is_admin:
        raise PermissionDenied(_("Only admins can change business calendars."))


def _weekly(intervals: list[IntervalIn]) -> list[WeeklyInterval]:
    result = []
    for index, item in enumerate(intervals):
        ((start, end),) = parse_interval_strings(
            [[item.start, item.end]], field=f"intervals.{index}"
        )
        result.append(WeeklyInterval(weekday=item.weekday, start=start, end=end))
    return result


def _parse_start(value: str) -> datetime:
    # An unencoded "+08:00" arrives as " 08:00" in a query string; accept it.
    text = value.strip()
    if len(text) > 19 and text[-6] == " ":
        text = f"{text[:-6]}+{text[-5:]}"
    try:
        return datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValidationFailed(
            _("start must be an ISO 8601 date and time with a UTC offset."), field="start"
        ) from exc


@router.get(
    "/calendars",
    response=CalendarPageOut,
    auth=TICKETS_READ,
    operation_id="calendars_list",
    summary="List business calendars",
    description="Scope: tickets:read. With weekly hours and dated exceptions.",
)
def calendars_list(request: HttpRequest, page: Query[PageQuery]):
    qs = BusinessCalendar.objects.prefetch_related("intervals", "exceptions")
    result = keyset_page(qs, keys=[SortKey("name", False, "str")], size=page.size, after=page.after)
    return page_body(request, result, result.items)


@router.post(
    "/calendars",
    response={201: CalendarOut},
    auth=TICKETS_WRITE,
    operation_id="calendars_create",
    summary="Create a business calendar",
    description=f"{WRITE_NOTE} Intervals of a weekday must not overlap; `24:00` ends at midnight.",
)
def calendars_create(request: HttpRequest, payload: CalendarIn):
    _require_admin(request)
    calendar = calendar_create(
        name=payload.name,
        timezone=payload.timezone,
        description=payload.description,
        intervals=_weekly(payload.intervals),
    )
    return Status(201, _calendar(calendar.pk))


@router.get(
    "/calendars/{calendar_id}",
    response=CalendarOut,
    auth=TICKETS_READ,
    operation_id="calendars_get",
    summary="Get a business calendar",
    description="Scope: tickets:read.",
)
def calendars_get(request: HttpRequest, calendar_id: int):
    return _calendar(calendar_id)


@router.patch(
    "/calendars/{calendar_id}",
    response=CalendarOut,
    auth=TICKETS_WRITE,
    operation_id="calendars_update",
    summary="Update a business calendar",
    description=f"{WRITE_NOTE} Only the fields sent change; `intervals` replaces all weekly hours.",
)
def calendars_update(request: HttpRequest, calendar_id: int, payload: CalendarPatch):
    _require_admin(request)
    calendar = _calendar(calendar_id)
    fields = sent_fields(payload)
    if "intervals" in fields:
        fields["intervals"] = _weekly(payload.intervals or [])
    calendar_update(calendar=calendar, **fields)
    return _calendar(calendar.pk)


@router.delete(
    "/calendars/{calendar_id}",
    response={204: None},
    auth=TICKETS_WRITE,
    operation_id="calendars_delete",
    summary="Delete a business calendar",
    description=f"{WRITE_NOTE} 409 while an SLA policy uses it.",
)
def calendars_delete(request: HttpRequest, calendar_id: int):
    _require_admin(request)
    calendar_delete(calendar=_calendar(calendar_id))
    return Status(204, None)


@router.post(
    "/calendars/{calendar_id}/exceptions",
    response=ExceptionOut,
    auth=TICKETS_WRITE,
    operation_id="calendars_exception_set",
    summary="Set a dated exception (closed day or special working day)",
    description=f"{WRITE_NOTE} Replaces whatever that date had, including a preset row.",
)
def calendars_exception_set(request: HttpRequest, calendar_id: int, payload: ExceptionIn):
    _require_admin(request)
    return calendar_exception_set(
        calendar=_calendar(calendar_id),
        day=payload.date,
        kind=payload.kind,
        name=payload.name,
        intervals=payload.intervals,
    )


@router.delete(
    "/calendars/{calendar_id}/exceptions/{day}",
    response={204: None},
    auth=TICKETS_WRITE,
    operation_id="calendars_exception_delete",
    summary="Remove a dated exception",
    description=WRITE_NOTE,
)
def calendars_exception_delete(request: HttpRequest, calendar_id: int, day: date):
    _require_admin(request)
    if not calendar_exception_delete(calendar=_calendar(calendar_id), day=day):
        raise NotFound(_("No exception on this date."))
    return Status(204, None)


@router.get(
    "/calendars/{calendar_id}/due",
    response=DueOut,
    auth=TICKETS_READ,
    operation_id="calendars_due",
    summary="Preview: when are N business minutes from a start over?",
    description="Scope: tickets:read. `start` is ISO 8601 with a UTC offset; "
    "`minutes` is 0 to 10,000,000.",
)
def calendars_due(request: HttpRequest, calendar_id: int, start: str, minutes: int):
    calendar = _calendar(calendar_id)
    due_at = calendar_due(calendar=calendar, start=_parse_start(start[:64]), minutes=minutes)
    return {"due_at": due_at}


@router.post(
    "/calendars/{calendar_id}/china-preset",
    response=PresetOut,
    auth=TICKETS_WRITE,
    operation_id="calendars_china_preset",
    summary="Load China's statutory holidays and make-up working days for a year",
    description=f"{WRITE_NOTE} Replaces that year's preset rows, keeps manual ones; lists "
    "where the `holidays` package disagrees with `chinesecalendar`.",
)
def calendars_china_preset(request: HttpRequest, calendar_id: int, payload: PresetIn):
    _require_admin(request)
    differences = calendar_load_china_preset(calendar=_calendar(calendar_id), year=payload.year)
    return {
        "year": payload.year,
        "differences": [d.as_dict() for d in differences],
        "years_missing": preset_years_missing(dj_timezone.localdate()),
    }
