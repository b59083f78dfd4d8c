"""What the rules say about a request: errors that block it, warnings that do not."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One reason a request cannot be written, and what to do about it."""

    field: str  # the tool argument at fault, e.g. "status_id"
    message: str  # what is wrong, e.g. "status 77 does not exist on this instance"
    fix: str  # what to do, e.g. "use one of: 1 New, 2 In Progress, ..."

    def __str__(self) -> str:
        return f"{self.field}: {self.message}. Fix: {self.fix}."


@dataclass(frozen=True)
class Verdict:
    errors: tuple[Problem, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    def __add__(self, other: Verdict) -> Verdict:
        return Verdict(self.errors + other.errors, self.warnings + other.warnings)


def one_error(field: str, message: str, fix: str) -> Verdict:
    """The verdict of a rule that found one thing wrong."""
    return Verdict(errors=(Problem(field, message, fix),))
