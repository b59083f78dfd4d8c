"""The skill's duplicate check: an open ticket with a summary like the new one's."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from halopsa_mcp.rules.text import clean_text
from halopsa_mcp.rules.verdict import Problem, Verdict

# Words that make two summaries look different without changing what they report.
_STOP_WORDS = frozenset(
    {"a", "an", "the", "my", "our", "their", "his", "her", "on", "in", "at", "of", "to", "for"}
    | {"is", "are", "and", "with", "from", "it", "this", "that", "please"}
)
_PUNCTUATION = re.compile(r"[^\w\s]|_")


@dataclass(frozen=True)
class Candidate:
    id: int
    summary: str
    similarity: float  # 0..1
    status: str = ""  # the ticket's status by name; "" when not known
    done: bool = False  # its status resolves or closes it: a note there would go unread


# A match refuses the create, so a false alarm costs the user a retry. 0.82 catches
# typos, rewordings and extensions of the same summary ("Outlook not synching" 0.97,
# "... since Monday" 0.90, "Teams keeps crashing on startup" 0.83) but not tickets that
# merely share a template ("Password reset for John" / "... for Mary" 0.79, "Order new
# laptop for Sam" / "... monitor ..." 0.78). The threshold was set with difflib's ratio;
# the Indel ratio is never below it and equal on all these pairs. On 23,000 generated
# rewordings the two decided alike bar 23 pairs, which only the Indel ratio catches.
DEFAULT_THRESHOLD = 0.82


def similar_tickets(
    summary: str,
    open_tickets: Sequence[tuple[int, str]],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    status_of: Mapping[int, tuple[str, bool]] | None = None,
) -> tuple[Candidate, ...]:
    """The open tickets (id, summary) whose summary is at least ``threshold`` similar,
    most similar first, each with its (status name, done) from ``status_of``: an
    instance's "open" list may hold resolved tickets."""
    statuses = status_of or {}
    words = _words(summary)
    scored = ((id_, other, _similarity(words, _words(other))) for id_, other in open_tickets)
    found = (
        Candidate(id_, other, score, *statuses.get(id_, ("", False)))
        for id_, other, score in scored
        if score >= threshold
    )
    return tuple(sorted(found, key=lambda c: (-c.similarity, c.id)))


# A summary whose words all appear in another is a restatement of it ("Outlook not
# syncing on laptop" / "... since Monday"), but only once it says enough: three words
# ("New starter laptop") fit inside too many unrelated summaries.
_CONTAINED_MIN_WORDS = 4
_CONTAINED_SCORE = 0.9


def similarity(a: str, b: str) -> float:
    """How alike two summaries are, 0..1: the best of a character-level match (catches
    typos and word forms), word overlap (catches reordered words) and containment (one
    summary extends the other)."""
    return _similarity(_words(a), _words(b))


def _similarity(words_a: tuple[str, ...], words_b: tuple[str, ...]) -> float:
    if not words_a or not words_b:
        return 0.0
    ratio = _indel_ratio()(" ".join(words_a), " ".join(words_b)) / 100
    set_a, set_b = set(words_a), set(words_b)
    jaccard = len(set_a & set_b) / len(set_a | set_b)
    contained = min(len(set_a), len(set_b)) >= _CONTAINED_MIN_WORDS and (
        set_a <= set_b or set_b <= set_a
    )
    return max(ratio, jaccard, _CONTAINED_SCORE if contained else 0.0)


@cache
def _indel_ratio() -> Callable[[str, str], float]:
    """rapidfuzz's normalised Indel similarity, 0..100: difflib's ratio in C, exact where
    difflib's matching is greedy, and without its junk heuristic, which past 200
    characters scored a retyped summary 0.56. Imported on first use, as a server start
    should not pay for it."""
    from rapidfuzz.fuzz import ratio

    return ratio


# A client's open tickets are scanned again at each create: their words are kept for the
# next scan (a scan reads at most 500; short summaries, so about a megabyte at most).
@lru_cache(maxsize=1024)
def _words(summary: str) -> tuple[str, ...]:
    # Zero-width characters would split words; NFKC turns compatibility forms (fullwidth
    # letters, ligatures) into the plain letters they show, so they compare equal.
    folded = unicodedata.normalize("NFKC", clean_text(summary)).casefold()
    words = _PUNCTUATION.sub(" ", folded).split()
    meaningful = tuple(w for w in words if w not in _STOP_WORDS)
    # A summary of stop words alone ("It is on") is still compared, word for word.
    return meaningful or tuple(words)


def duplicates_verdict(candidates: Sequence[Candidate]) -> Verdict:
    if not candidates:
        return Verdict()
    named = ", ".join(
        f"#{c.id} '{c.summary}' ({round(c.similarity * 100)}% similar"
        f"{', ' + c.status if c.status else ''})"
        for c in candidates
    )
    advice = [_advice(c) for c in candidates]
    problem = Problem(
        "summary",
        f"this may duplicate ticket{'s' if len(candidates) > 1 else ''} {named}",
        "; ".join([*advice, "or pass not_duplicate=true if this is a different problem"]),
    )
    return Verdict(errors=(problem,))


def _advice(candidate: Candidate) -> str:
    """What to do about one candidate: a note on an open ticket reaches whoever works
    it; a done ticket is reopened if the problem is back, or referred to from a new one."""
    id_ = candidate.id
    said = f"#{id_} is {candidate.status}" if candidate.status else f"#{id_}"
    if not candidate.done:
        return f"{said}: add a note to it with add_action (ticket_id={id_})"
    return (
        f"{said}: if the problem is back, reopen it with update_ticket (ticket_id={id_} "
        f"and an open status_id), or create this one with not_duplicate=true and #{id_} "
        "named in details"
    )


def scan_verdict(compared: int, open_total: int) -> Verdict:
    """A warning when the client has more open tickets than the check compared: an older
    duplicate would then go unnoticed."""
    if open_total <= compared:
        return Verdict()
    return Verdict(
        warnings=(
            f"the duplicate check compared only the {compared} newest of this client's "
            f"{open_total} open tickets; an older duplicate would not be caught (search_tickets "
            "with client_id and a few words of the summary finds one)",
        )
    )
