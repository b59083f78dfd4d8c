"""Plain text from an agent turned into what HaloPSA stores, in one place each."""

from __future__ import annotations

import html
import re
import unicodedata

# Kept among the control characters: the only ones plain text needs.
_KEPT_CONTROLS = frozenset("\n\t")
# Cc: C0/C1 controls and DEL, invisible, and NUL breaks some HaloPSA views. Cf: zero-width
# spaces and joiners, bidi overrides (U+202E shows "exe.txt" as "txt.exe"), BOM, tag
# characters: they hide or disguise text from the person reading the ticket.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf"})
_LINE_BREAK = re.compile(r"\r\n?")
_WHITESPACE = re.compile(r"\s+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def clean_text(value: str, *, single_line: bool = False) -> str:
    """``value`` as text fit to write to HaloPSA: NFC, no control characters but newline
    and tab, no invisible format characters, stripped; with ``single_line`` every run of
    whitespace, newlines included, becomes one space."""
    # Windows and old Mac line ends are still line ends, not controls to drop.
    value = _LINE_BREAK.sub("\n", unicodedata.normalize("NFC", value))
    value = "".join(
        ch
        for ch in value
        if ch in _KEPT_CONTROLS or unicodedata.category(ch) not in _DROPPED_CATEGORIES
    )
    if single_line:
        value = _WHITESPACE.sub(" ", value)
    return value.strip()


def text_to_html(text: str) -> str:
    """``text`` as inert HTML: cleaned, every character escaped, blank-line separated
    paragraphs as ``<p>``, single line breaks as ``<br>``. Markup in the text shows as text."""
    paragraphs = (p.strip("\n") for p in _BLANK_LINE.split(clean_text(text)))
    return "".join(
        "<p>" + "<br>".join(html.escape(line, quote=True) for line in p.split("\n")) + "</p>"
        for p in paragraphs
        if p.strip()
    )


def minutes_to_hours(minutes: float) -> float:
    """The tool speaks minutes, HaloPSA's ``timetaken`` is hours: the only conversion."""
    return round(minutes / 60, 4)
