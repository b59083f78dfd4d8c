"""The part each of an instance's statuses plays, decided once as the statuses are read.

HaloPSA lets each instance define its own IDs; the skill document's 1 New, 2 In Progress,
8 Resolved, 9 Closed are only common defaults. A status named for a role wins; the
documented ID is used only when no status carries the name, so an instance that renamed
ID 9 is not mistaken for Closed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from halopsa_mcp.domain.records import Status, StatusRole

# The ticket skill's defaults, used only when the instance's names say nothing.
_DEFAULT_IDS: dict[StatusRole, int] = {"new": 1, "in_progress": 2, "resolved": 8, "closed": 9}
_NAMES: dict[StatusRole, str] = {
    "new": "new",
    "in_progress": "in progress",
    "resolved": "resolved",
    "closed": "closed",
}
# Any status named like Resolved or Closed ends work too (e.g. "Closed - Duplicate").
_CLOSING_WORD = re.compile(r"\b(resolved|closed)\b")


def with_roles(statuses: Sequence[Status]) -> tuple[Status, ...]:
    """``statuses`` with ``role`` and ``closes`` set from their names (and the
    documented IDs, as a fallback)."""
    roles: dict[int | None, StatusRole] = {}
    for role in _NAMES:
        # Should one status be found for two roles, the first role listed keeps it.
        roles.setdefault(_role_id(statuses, role), role)
    return tuple(
        replace(
            s,
            role=roles.get(s.id),
            closes=roles.get(s.id) in ("resolved", "closed")
            or bool(_CLOSING_WORD.search(s.name.casefold())),
        )
        for s in statuses
    )


def _role_id(statuses: Sequence[Status], role: StatusRole) -> int | None:
    key = _squashed(_NAMES[role])
    named = next((s.id for s in statuses if _squashed(s.name) == key), None)
    if named is not None:
        return named
    default_id = _DEFAULT_IDS[role]
    return default_id if any(s.id == default_id for s in statuses) else None


def _squashed(name: str) -> str:
    # "In Progress", "in  progress" and "InProgress" all name the same role.
    return "".join(name.casefold().split())
