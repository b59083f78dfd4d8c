"""The invisible-character filter behind clean_text (and so every text shown to a model)
against the algorithm it replaced: the per-character walk, kept here as the reference.
The fast version must drop exactly what the walk drops, on any text."""

import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from halopsa_mcp.rules.text import _visible

# The reference: the walk as it was, every character looked up in the Unicode database.
_SELECTORS = frozenset(
    [chr(c) for c in range(0xFE00, 0xFE10)] + [chr(c) for c in range(0xE0100, 0xE01F0)]
)
_INVISIBLE = _SELECTORS | frozenset(["\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"])


def _reference_invisible(ch: str) -> bool:
    return ch in _INVISIBLE or (ch not in "\n\t" and unicodedata.category(ch) in ("Cc", "Cf"))


def _reference_ideograph(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(("CJK UNIFIED", "CJK COMPATIBILITY IDEOGRAPH"))


def _reference_takes(base: str, selector: str) -> bool:
    category = unicodedata.category(base)
    if selector in "\ufe0e\ufe0f":
        return category in ("So", "Sm") or base in "0123456789#*" or 0x2000 <= ord(base) < 0x2C00
    if ord(selector) < 0xFE10:
        return category == "Sm" or _reference_ideograph(base)
    return _reference_ideograph(base)


def reference_visible(value: str) -> str:
    kept = []
    before = ""
    for ch in value:
        if ch in _SELECTORS:
            if before and not _reference_invisible(before) and _reference_takes(before, ch):
                kept.append(ch)
        elif not _reference_invisible(ch):
            kept.append(ch)
        before = ch
    return "".join(kept)


# What the filter decides on, drawn often: controls, format characters, selectors and
# blank fillers, and the bases a selector may or may not modify.
SPECIAL = (
    "\x00\x07\x1b\x7f\x85\x9b\r\n\t \xa0\u2028\u2029"
    "\u00ad\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202e\u2060\u2066\u2069\ufeff\U000e0041"
    "\ufe00\ufe0e\ufe0f\U000e0100\U000e01ef\u115f\u1160\u3164\uffa0\u2800"
    "\u2764\u203c\u2194\u00a9\u2229\u231a\U0001f44d\U0001f3fd\U0001f1f3\U0001f1f4\u20e3"
    "#*0a\u8fbb\u6f22\uf900\u00e9\u0416\ud55c\ud800"
)
TEXT = st.text(
    st.one_of(
        st.sampled_from(SPECIAL),
        st.characters(codec=None, exclude_categories=()),
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    ),
    max_size=40,
)


@settings(max_examples=800, deadline=None, database=None)
@given(TEXT)
# Always tried: a filler among printable text, selectors on a base that takes them, on
# one that does not, after a dropped character, and in a run.
@example("a\u3164b \u2800")
@example("#\ufe0f\u20e3 \u8fbb\U000e0100 \u2229\ufe00")
@example("a\ufe0f \u0416\ufe0e \u8fbb\ufe0f")
@example("\u2764\u200b\ufe0f \u2764\ufe0f\ufe0f\U000e0100")
@example("\x00\x1b[0m\x7f\x85\xa0\u202e")
def test_the_filter_drops_what_the_walk_dropped(value: str) -> None:
    assert _visible(value) == reference_visible(value)
