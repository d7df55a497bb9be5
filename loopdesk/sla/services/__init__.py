"""SLA services (the only writers of sla models); import the submodule you need,
e.g. `from loopdesk.sla.services.calendars import calendar_create`."""
