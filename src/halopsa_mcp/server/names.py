"""Names an agent gives turned into the IDs HaloPSA wants: the candidates fetched here,
the matching done by ``rules.names``.

An argument that takes a name takes an ID too: an int, or a string of digits (what a
model sends when it quotes an ID), is used as it is and costs no request.
"""

from __future__ import annotations

from halopsa_mcp.rules.names import resolve_name, search_term
from halopsa_mcp.rules.verdict import Problem
from halopsa_mcp.server.errors import halo_errors, invalid
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
