"""Typed domain errors; each carries a message key so stations can show it in ru/en/kk."""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """A rule of the warehouse refused an operation; nothing was changed."""

    code: ClassVar[str] = "domain_error"
    http_status: ClassVar[int] = 409

    def __init__(self, message_key: str, /, **params: Any) -> None:
        self.message_key = message_key
        self.params = params
        super().__init__(self.render("en"))

    def render(self, language: str) -> str:
        """Render the message in one language (ru, en, kk)."""
        from wms.domain import prompts

        return prompts.render(self.message_key, **self.params)[language]

    def prompt(self) -> dict[str, str]:
        """Render the message in all languages."""
        from wms.domain import prompts

        return prompts.render(self.message_key, **self.params)


class IllegalTransition(DomainError):
    """The action is not allowed in the current state."""

    code = "illegal_transition"


class NotFound(DomainError):
    """The referenced object does not exist (or is not visible to the caller)."""

    code = "not_found"
    http_status = 404


class InvalidInput(DomainError):
    """The request is well-formed but its values break a rule."""

    code = "invalid_input"
    http_status = 422


class GradeRefused(DomainError):
    """The grade contradicts the inspection checklist under the merchant's rules."""

    code = "grade_refused"
    http_status = 422


class WrongZone(DomainError):
    """The bin scanned belongs to another zone than the unit needs."""

    code = "wrong_zone"
    http_status = 422


class DuplicateMarkingCode(DomainError):
    """A unit with this marking code is already in the warehouse."""

    code = "duplicate_marking_code"


class InsufficientStock(DomainError):
    """The stock change would make a level or the available quantity negative."""

    code = "insufficient_stock"


class Conflict(DomainError):
    """The operation conflicts with the current data (duplicate, already done, ...)."""

    code = "conflict"


class BadRequest(DomainError):
    """The request itself is unusable (a NUL character, JSON nested too deep …); nothing ran."""

    code = "bad_request"
    http_status = 400


class UnsupportedJson(DomainError):
    """A JSON endpoint got a body of another media type."""

    code = "unsupported_media_type"
    http_status = 415
