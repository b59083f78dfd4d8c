"""Halo's time format: UTC without an offset, to the second ("2026-11-01T09:00:00")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from halopsa_mcp.sandbox.errors import ErrorAnswer


def timestamp(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def parse_time(text: str, field: str, *, end_of_day: bool = False) -> datetime:
    """An ISO date or date-time sent by a client; a naive one is UTC, as Halo's are.

    With end_of_day a bare date means the first moment of the next day, so that an end
    date includes the whole of its day.
    """
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ErrorAnswer(
            400, f"sandbox: {field} '{text}' is not an ISO date or date-time"
        ) from None
    if end_of_day and len(text) == len("2026-11-01"):
        moment += timedelta(days=1)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
