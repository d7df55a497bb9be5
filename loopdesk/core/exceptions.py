"""Domain errors. Views turn them into form messages, the API into problem+json."""


class LoopdeskError(Exception):
    """Base of every error a service raises on purpose; the message is safe to show."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(LoopdeskError):
    status_code = 400


class NotFound(LoopdeskError):
    status_code = 404


class PermissionDenied(LoopdeskError):
    status_code = 403


class Conflict(LoopdeskError):
    status_code = 409
