"""Validation of tags and custom field values (one place for UI, API and intake)."""

import math
import re
from datetime import date

from django.utils.translation import gettext as _

from loopdesk.core.exceptions import ValidationFailed

from ..config import ticket_config
from ..constants import MAX_TAG_LENGTH, MAX_TAGS_PER_TICKET
from ..models import CustomFieldDefinition, CustomFieldKind, Tag

_TAG_BAD = re.compile(r"[\x00-\x1f\x7f,]")
MAX_TEXT_FIELD = 2000


def tags_normalise(names: list[str]) -> list[str]:
    if not isinstance(names, list | tuple):
        raise ValidationFailed(_("Tags must be a list of names."), field="tags")
    seen: dict[str, None] = {}
    for raw in names:
        if not isinstance(raw, str):
            raise ValidationFailed(_("Tags must be strings."), field="tags")
        name = raw.strip().casefold()
        if not name:
            continue
        if len(name) > MAX_TAG_LENGTH or _TAG_BAD.search(name):
            raise ValidationFailed(
                _("Invalid tag %(raw)s: at most %(max_tag_length)s characters, no commas.")
                % {"raw": f"{raw[:60]!r}", "max_tag_length": MAX_TAG_LENGTH},
                field="tags",
            )
        seen[name] = None
    if len(seen) > MAX_TAGS_PER_TICKET:
        raise ValidationFailed(
            _("A ticket can have at most %(max_tags_per_ticket)s tags.")
            % {"max_tags_per_ticket": MAX_TAGS_PER_TICKET},
            field="tags",
        )
    return list(seen)


def tags_get_or_create(names: list[str]) -> list[Tag]:
    if not names:
        return []
    # ON CONFLICT DO NOTHING (INSERT OR IGNORE): a tag another writer just added is no error.
    Tag.objects.bulk_create([Tag(name=n) for n in names], ignore_conflicts=True)
    return list(Tag.objects.filter(name__in=names))


def custom_field_definitions(ticket_type: str | None = None) -> list[CustomFieldDefinition]:
    defs = list(ticket_config().custom_fields)
    if ticket_type:
        defs = [d for d in defs if d.applies_to(ticket_type)]
    return defs


def validate_custom_fields(
    values: dict, *, ticket_type: str, existing: dict | None = None, creating: bool = False
) -> dict:
    """Return the merged, validated custom field dict. None (or "") clears a value."""
    if not isinstance(values, dict):
        raise ValidationFailed(_("custom_fields must be an object."), field="custom_fields")
    definitions = {d.key: d for d in custom_field_definitions()}
    result = dict(existing or {})
    for key, value in values.items():
        definition = definitions.get(key)
        if definition is None:
            raise ValidationFailed(
                _("Unknown custom field: %(key)s") % {"key": f"{str(key)[:60]}"},
                field="custom_fields",
            )
        if value is None or value == "" or value == []:
            result.pop(key, None)
            continue
        result[key] = _clean_value(definition, value)
    if creating:
        missing = [
            d.display_label
            for d in definitions.values()
            if d.required and d.applies_to(ticket_type) and d.key not in result
        ]
        if missing:
            raise ValidationFailed(
                _("Required fields missing: %(missing)s") % {"missing": ", ".join(missing)},
                field="custom_fields",
            )
    return result


def _clean_value(definition: CustomFieldDefinition, value):
    label = definition.display_label
    kind = definition.kind
    if kind == CustomFieldKind.TEXT:
        if not isinstance(value, str) or len(value) > MAX_TEXT_FIELD:
            raise ValidationFailed(
                _("%(label)s: text of at most %(max_text_field)s characters.")
                % {"label": label, "max_text_field": MAX_TEXT_FIELD},
                field=definition.key,
            )
        return value.strip()
    if kind == CustomFieldKind.NUMBER:
        if isinstance(value, str):
            try:
                value = float(value) if "." in value else int(value)
            except ValueError as exc:
                raise ValidationFailed(
                    _("%(label)s: a number is required.") % {"label": label}, field=definition.key
                ) from exc
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise ValidationFailed(
                _("%(label)s: a number is required.") % {"label": label}, field=definition.key
            )
        if abs(value) > 1e15:
            raise ValidationFailed(
                _("%(label)s: number out of range.") % {"label": label}, field=definition.key
            )
        return value
    if kind == CustomFieldKind.DATE:
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError as exc:
            raise ValidationFailed(
                _("%(label)s: a date (YYYY-MM-DD) is required.") % {"label": label},
                field=definition.key,
            ) from exc
    if kind == CustomFieldKind.CHECKBOX:
        if isinstance(value, bool):
            return value
        if value in ("true", "on", "1", 1):
            return True
        if value in ("false", "off", "0", 0):
            return False
        raise ValidationFailed(
            _("%(label)s: true or false.") % {"label": label}, field=definition.key
        )
    options = [str(o) for o in definition.options or []]
    if kind == CustomFieldKind.SELECT:
        if str(value) not in options:
            raise ValidationFailed(
                _("%(label)s: not one of the options.") % {"label": label}, field=definition.key
            )
        return str(value)
    if kind == CustomFieldKind.MULTISELECT:
        if not isinstance(value, list) or any(str(v) not in options for v in value):
            raise ValidationFailed(
                _("%(label)s: a list of the options.") % {"label": label}, field=definition.key
            )
        return list(dict.fromkeys(str(v) for v in value))
    raise ValidationFailed(
        _("%(label)s: unsupported field kind.") % {"label": label}, field=definition.key
    )
