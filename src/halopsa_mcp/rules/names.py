"""Names an agent gives (a client, an agent, a status), matched to the records they mean.

People say "Contoso" or "sam", not an ID. The closest kind of match decides: the whole
name (any case, any spacing) first, then every word given being a word of the name, then
every word being part of the name. One record there is the one meant; several, or none,
are refused with the candidates and their IDs, so the caller picks instead of guessing.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Sequence

from halopsa_mcp.rules.verdict import Problem
from halopsa_mcp.rules.wording import shown, use_one_of

# Candidates listed in a refusal; past this many the caller needs a narrower name.
MAX_CANDIDATES = 10

Named = tuple[int, str]


def _words(name: str) -> list[str]:
    stripped = (word.strip(string.punctuation) for word in name.casefold().split())
    return [word for word in stripped if word]


def _same(given: list[str], name: list[str]) -> bool:
    return given == name


def _whole_words(given: list[str], name: list[str]) -> bool:
    return set(given) <= set(name)


def _parts_of_words(given: list[str], name: list[str]) -> bool:
    joined = " ".join(name)
    return all(word in joined for word in given)


_CLOSEST_FIRST: tuple[Callable[[list[str], list[str]], bool], ...] = (
    _same,
    _whole_words,
    _parts_of_words,
)


def search_term(given: str) -> str:
    """The one word of ``given`` to ask a service desk's search for (it matches one string
    anywhere in a name): the longest, which narrows the most, punctuation dropped so
    "Finch," still finds "Bramley & Finch"."""
    return max(_words(given), key=len, default="")


def named_like(given: str, candidates: Sequence[Named]) -> list[Named]:
    """Every candidate holding each word of ``given`` (any case), as a list shows them."""
    wanted = _words(given)
    return [c for c in candidates if _parts_of_words(wanted, _words(c[1]))]


def closest(given: str, candidates: Sequence[Named]) -> list[Named]:
    """The candidates of the closest kind of match to ``given``; empty when none match."""
    wanted = _words(given)
    if not wanted:
        return []
    for matches in _CLOSEST_FIRST:
        found = [c for c in candidates if matches(wanted, _words(c[1]))]
        if found:
            return found
    return []


def resolve_name(
    field: str, kind: str, given: str, candidates: Sequence[Named], *, find_with: str
) -> int | Problem:
    """The ID of the one ``kind`` named ``given``, or the problem to refuse: none or
    several match. ``find_with`` names the tool that finds others."""
    found = closest(given, candidates)
    if len(found) == 1:
        return found[0][0]
    # Nothing matched: the candidates there were (a short list, or what a search
    # turned up) are still the likeliest meant.
    offered = found or list(candidates)
    choices = f"{use_one_of(offered, limit=MAX_CANDIDATES)} (pass the ID), or find others"
    if not found:
        fix = f"{choices} with {find_with}" if offered else f"find its ID with {find_with}"
        return Problem(field, f"no {kind} is named like {shown(given)}", fix)
    kinds = kind + ("es" if kind.endswith("s") else "s")
    return Problem(
        field, f"{shown(given)} matches {len(found)} {kinds}", f"{choices} with {find_with}"
    )
