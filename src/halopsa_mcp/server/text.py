"""Text from HaloPSA made readable and inert for a model.

Ticket text is written by strangers. HTML is reduced to its readable text (scripts,
styles and comments dropped, tags removed), and invisible or control characters that
could hide instructions are removed.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from halopsa_mcp.rules.text import clean_text

_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
     "table", "ul", "ol", "hr"}
)  # fmt: skip
# Containers whose text is never shown. Not head or title: an unclosed one would hide
# the rest of the document, and their text is harmless once tags are gone.
_HIDDEN_TAGS = frozenset({"script", "style", "template", "noscript"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def readable(value: str | None, *, limit: int | None = None) -> str:
    """``value`` (HTML or plain text) as clean plain text, optionally cut to ``limit``."""
    if not value:
        return ""
    if "<" in value:
        parser = _TextExtractor()
        parser.feed(value)
        parser.close()
        value = "".join(parser.parts)
    else:
        value = html.unescape(value)
    # Angle brackets that survive are text the author typed (or escaped markup such as
    # "&lt;script&gt;"); shown as look-alike quotes they can never become live markup
    # in a client that renders the result.
    # The same cleaning as text going into HaloPSA: line separators become line breaks;
    # zero-width, bidi, control and blank-filler characters go.
    text = clean_text(value).replace("\t", " ").replace("<", "\u2039").replace(">", "\u203a")
    text = re.sub(r"[^\S\n]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text
