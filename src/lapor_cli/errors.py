"""The refusals the core raises. Each carries its final Indonesian message and exit code.

The CLI turns them into one line on stderr in one place (``cli/_app.py``); anything else
that escapes is a bug and keeps its traceback.
"""

from __future__ import annotations


class LaporError(Exception):
    """A refusal: the command did not fit, nothing was written."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(LaporError):
    """A value given by the user is not acceptable (the field is named in the message)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class StatusError(LaporError):
    """The command does not fit the case's current status."""


class NotFoundError(LaporError):
    """An unknown case number, profile, date, ..."""


class RegisterError(LaporError):
    """The register cannot be used: damaged, locked, read-only, newer schema."""
