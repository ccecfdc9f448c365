"""Domain errors. Services raise these; controllers turn them into form errors or JSON 4xx responses."""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Invalid(DomainError):
    """Input that breaks a rule; `field_errors` maps form field names to messages."""

    status_code = 400

    def __init__(self, message: str = "Please correct the errors below.", **field_errors: str) -> None:
        super().__init__(message if not field_errors else _join(message, field_errors))
        self.field_errors = field_errors


def _join(message: str, field_errors: dict[str, str]) -> str:
    if message != "Please correct the errors below.":
        return message
    return "; ".join(f"{name}: {text}" for name, text in field_errors.items())


class NotFound(DomainError):
    """Missing, or not visible to this person: the two are indistinguishable on purpose."""

    status_code = 404

    def __init__(self, message: str = "Not found") -> None:
        super().__init__(message)


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    status_code = 409


class TooManyAttempts(DomainError):
    status_code = 429
