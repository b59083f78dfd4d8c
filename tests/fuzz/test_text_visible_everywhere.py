"""The invisible-character filter on every code point there is, against the walk it
replaced (tests/rules/test_text_visible.py): the fast path's shortcuts must hold for
every character this Python's Unicode database knows, not only those drawn at random."""

import sys

from halopsa_mcp.rules.text import _visible
from tests.rules.test_text_visible import reference_visible

CHUNK = 4096


def test_every_character_is_judged_as_the_walk_judged_it() -> None:
    everything = [chr(c) for c in range(sys.maxunicode + 1)]
    for start in range(0, len(everything), CHUNK):
        chunk = everything[start : start + CHUNK]
        # Each character as text, and as the base of an emoji selector.
        for value in ("".join(chunk), "\ufe0f".join(chunk)):
            assert _visible(value) == reference_visible(value)
