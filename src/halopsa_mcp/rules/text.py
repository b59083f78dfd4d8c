"""Plain text from an agent turned into what HaloPSA stores, in one place each."""

from __future__ import annotations

import html
import re

# C0 controls (bar tab and newline) and DEL: invisible, and NUL breaks some HaloPSA views.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def text_to_html(text: str) -> str:
    """``text`` as inert HTML: every character escaped, blank-line separated paragraphs
    as ``<p>``, single line breaks as ``<br>``. Markup in the text shows as text."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    paragraphs = (p.strip("\n") for p in _BLANK_LINE.split(text.strip()))
    return "".join(
        "<p>" + "<br>".join(html.escape(line, quote=True) for line in p.split("\n")) + "</p>"
        for p in paragraphs
        if p.strip()
    )


def minutes_to_hours(minutes: float) -> float:
    """The tool speaks minutes, HaloPSA's ``timetaken`` is hours: the only conversion."""
    return round(minutes / 60, 4)
