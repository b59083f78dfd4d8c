"""Names an agent gives turned into the IDs HaloPSA wants: the candidates fetched here,
the matching done by ``rules.names``.

An argument that takes a name takes an ID too: an int, or a string of digits (what a
model sends when it quotes an ID), is used as it is and costs no request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from halopsa_mcp.domain.records import Agent, Outcome, Status, TicketType
from halopsa_mcp.rules.catalog import Catalog, Lookup
from halopsa_mcp.rules.names import Named, resolve_name, search_term
from halopsa_mcp.rules.verdict import Problem, Verdict
from halopsa_mcp.server.errors import halo_errors, invalid, refused
from halopsa_mcp.server.for_the_model import readable
from halopsa_mcp.server.services import Services

FIND_CLIENTS = "search_directory (kind=clients)"
# One page of HaloPSA's largest: a name more common than this needs more words.
_CANDIDATES_READ = 100


def as_id(value: int | str) -> int | None:
    """``value`` as an ID when it is one (a whole number, maybe quoted), else None."""
    if isinstance(value, int):
        return value
    text = value.strip()
    return int(text) if text.isdigit() and text.isascii() else None


async def client_id_of(
    svc: Services,
    value: int | str,
    *,
    field: str = "client_id",
    write: bool,
    include_inactive: bool = False,
) -> int:
    """The ID of the client ``value`` is or names; an unknown or ambiguous name is
    refused with the candidates (``write``: the refusal says nothing was written)."""
    known = as_id(value)
    if known is not None:
        return known
    given = str(value).strip()
    if not search_term(given):
        raise invalid(Problem(field, "is empty", "give the client's ID or name"), write=write)
    with halo_errors("look up the client by name", write=write):
        page = await svc.halo.list_clients(
            search=search_term(given),
            include_inactive=include_inactive,
            limit=_CANDIDATES_READ,
        )
    candidates = [(c.id, readable(c.name, limit=100)) for c in page.items]
    found = resolve_name(field, "client", given, candidates, find_with=FIND_CLIENTS)
    if isinstance(found, Problem):
        raise invalid(found, write=write)
    return found


async def user_id_of(
    svc: Services, client_id: int, value: int | str | None, *, write: bool
) -> int | None:
    """The ID of the client's end user ``value`` is or names; an unknown or ambiguous
    name is refused with the candidates."""
    if value is None or (known := as_id(value)) is not None:
        return None if value is None else known
    given = str(value).strip()
    with halo_errors("look up the end user by name", write=write):
        page = await svc.halo.find_users(
            client_id=client_id, search=search_term(given), limit=_CANDIDATES_READ
        )
    candidates = [(u.id, readable(u.name, limit=100)) for u in page.items]
    find_with = f"search_directory (kind=users, client_id={client_id})"
    found = resolve_name("user_id", "end user", given, candidates, find_with=find_with)
    if isinstance(found, Problem):
        raise invalid(found, write=write)
    return found


Candidates = Callable[[Catalog], list[Named]]

# The arguments that take a name from the cached lookups: (what it is, the lookup it
# comes from, the tool that lists them, the candidates). Agents for a write are the
# enabled ones: a disabled agent cannot be assigned.
_CATALOG_ARGUMENTS: dict[str, tuple[str, Lookup, str, Candidates]] = {
    "status_id": ("status", "statuses", "list_statuses", lambda c: _named(c.statuses)),
    "new_status_id": ("status", "statuses", "list_statuses", lambda c: _named(c.statuses)),
    "ticket_type_id": (
        "ticket type",
        "ticket_types",
        "list_ticket_types",
        lambda c: _named(c.ticket_types),
    ),
    "outcome_id": ("outcome", "outcomes", "list_outcomes", lambda c: _named(c.outcomes)),
    # Priorities are per SLA; a name is matched across them, and the rules then check
    # the ID against the ticket's SLA.
    "priority_id": ("priority", "priorities", "list_priorities", lambda c: _priorities(c)),
    "agent_id": (
        "agent",
        "agents",
        "search_directory (kind=agents)",
        lambda c: _named(a for a in c.agents if not a.disabled),
    ),
}


def _named(records: Iterable[Status | TicketType | Outcome | Agent]) -> list[Named]:
    return [(r.id, readable(r.name, limit=100)) for r in records]


def _priorities(catalog: Catalog) -> list[Named]:
    pairs = {(p.priority_id, readable(p.name, limit=100)) for p in catalog.priorities}
    return sorted(pairs)


def names_needed(**given: int | str | None) -> tuple[Lookup, ...]:
    """The lookups the names among ``given`` are matched in (none for IDs)."""
    return tuple(
        _CATALOG_ARGUMENTS[field][1]
        for field, value in given.items()
        if value is not None and as_id(value) is None
    )


def catalog_ids(
    catalog: Catalog, *, write: bool, **given: int | str | None
) -> dict[str, int | None]:
    """``given`` (argument name: ID, name or None) with every name replaced by its ID,
    matched in ``catalog``; all the names that match none or several refused at once."""
    ids: dict[str, int | None] = {}
    problems: list[Problem] = []
    for field, value in given.items():
        found = _catalog_id(catalog, field, value)
        if isinstance(found, Problem):
            problems.append(found)
        else:
            ids[field] = found
    if problems:
        raise refused(Verdict(errors=tuple(problems)), write=write)
    return ids


def _catalog_id(catalog: Catalog, field: str, value: int | str | None) -> int | Problem | None:
    if value is None or (known := as_id(value)) is not None:
        return known if value is not None else None
    kind, lookup, find_with, candidates = _CATALOG_ARGUMENTS[field]
    if lookup in catalog.unreadable:
        return Problem(
            field,
            f"{kind} names cannot be matched: this instance does not let the server list them",
            "pass the ID (a ticket's agent_id shows in search_tickets rows)",
        )
    return resolve_name(field, kind, str(value), candidates(catalog), find_with=find_with)


async def named_ids(
    svc: Services, *, write: bool, **given: int | str | None
) -> dict[str, int | None]:
    """``given`` with every name replaced by its ID, the lookups read (cached) only when
    a name was given."""
    catalog = await svc.catalog(*names_needed(**given), write=write)
    return catalog_ids(catalog, write=write, **given)
