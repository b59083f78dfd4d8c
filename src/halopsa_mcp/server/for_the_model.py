"""Text from HaloPSA made readable and inert for a model.

Ticket text is written by strangers. HTML is reduced to the text a person reading the
ticket would see: scripts, styles, comments, form fields, SVG and every element hidden
by an attribute or a style (display, visibility, tiny fonts, text coloured like its
background, off-screen, clipped; see server/visibility.py) are dropped, tags removed.
Invisible or control characters that could hide instructions are removed, and markdown
images pointing at outside hosts, which a client rendering markdown would fetch with
whatever data the URL carries, are replaced by a marker naming the host.
"""

from __future__ import annotations

import functools
import html
import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

from halopsa_mcp.rules.text import clean_text
from halopsa_mcp.server.css import rules
from halopsa_mcp.server.images import inert_images
from halopsa_mcp.server.visibility import PAGE, Look, look_of, unseen

_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
     "table", "ul", "ol", "hr"}
)  # fmt: skip
# Elements with no content and no end tag: they never open a level.
_VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr", "keygen"}
)  # fmt: skip
# Containers whose text is never shown on the page. Not head: text in it lands in the body.
_HIDDEN_TAGS = frozenset(
    {"script", "style", "template", "noscript", "textarea", "svg", "iframe", "noembed",
     "noframes", "title", "object", "select"}
)  # fmt: skip
# Read as raw text up to their end tag, as a browser does, so tags inside cannot end them.
_RAW_TEXT_TAGS = frozenset({"textarea", "iframe", "noembed", "noframes"})
# An end tag does not reach past these to close an element opened outside them.
_SCOPE_TAGS = frozenset({"table", "td", "th", "caption", "template", "object", "html"})
_TABLE_TAGS = frozenset({"table", "tbody", "thead", "tfoot", "tr"})
# Start tags that end an open paragraph, as in a browser.
_ENDS_P = frozenset(
    {"address", "article", "aside", "blockquote", "div", "dl", "fieldset", "footer", "form",
     "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "main", "nav", "ol", "p", "pre",
     "section", "table", "ul", "li", "dd", "dt", "figure", "details"}
)  # fmt: skip
_FOREIGN_TAGS = frozenset({"svg", "math"})
# How far back an end tag looks for its element: bounds the work on deeply broken HTML;
# past it the element stays open, which hides more, never less.
_LOOK_BACK = 64
_COMMENT_END = re.compile(r"--!?>")
# A run of blanks other than a single space (tabs are spaces by then): one space. Single
# spaces, most of the blanks in any text, are left as they are instead of replaced.
_BLANKS = re.compile(r"[^\S\n]{2,}|[^\S\n ]")
_BLANKS_AT_LINE_END = re.compile(r" *\n *")
_BLANK_LINES = re.compile(r"\n{3,}")
# Printable ASCII without markup, entity, bracket or line-break characters: a value of
# these alone with no two spaces in a row is already clean, bar its outer spaces. Most
# names and summaries are.
_PLAIN = re.compile(r"[\x20-\x25\x27-\x3b\x3d\x3f-\x5a\x5c\x5e-\x7e]*")
# Without a style sheet an element's look depends on its tag, attributes and parent alone:
# worked out once for all values read, for elements whose attributes are short and whose
# parent carries no custom properties, so that the cache stays a few MB at most.
_SHARED_LOOKS = 1024
_SHARED_ATTRS_CHARS = 512


@dataclass(frozen=True)
class _Open:
    tag: str
    look: Look
    hides: bool


class _TextExtractor(HTMLParser):
    def __init__(self, *, titles_close: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._open: list[_Open] = []
        self._hiding = 0
        self._foreign = 0
        self._sheet: dict[str, dict[str, str]] = {}
        # Emails repeat the same few styled elements; their look is worked out once.
        self._looks: dict[tuple[object, ...], tuple[Look, bool]] = {}
        self._counts: Counter[str] = Counter()
        self._closing = False
        # An unclosed title would swallow the rest as raw text; one that is never closed
        # is read as ordinary markup instead, so it cannot hide the whole document.
        self._titles_close = titles_close

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._end_implied(tag)
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag in _VOID_TAGS:
            return
        parent = self._open[-1].look if self._open else PAGE
        look, hides = self._look(tag, tuple(attrs), parent)
        hides = hides or (tag in _HIDDEN_TAGS and (tag != "title" or self._titles_close))
        self._open.append(_Open(tag, look, hides))
        self._counts[tag] += 1
        self._hiding += hides
        self._foreign += tag in _FOREIGN_TAGS
        if tag in _RAW_TEXT_TAGS or (tag == "title" and self._titles_close):
            self.set_cdata_mode(tag)

    def _look(
        self, tag: str, attrs: tuple[tuple[str, str | None], ...], parent: Look
    ) -> tuple[Look, bool]:
        if not self._sheet and not parent.custom and _short(attrs):
            return _look_without_sheet(tag, attrs, parent)
        key = (tag, attrs, parent)
        if key not in self._looks:
            self._looks[key] = look_of(tag, list(attrs), parent, self._sheet)
        return self._looks[key]

    def set_cdata_mode(self, elem: str, **options: bool) -> None:
        # Newer Pythons read a title as raw text by themselves: not one never closed.
        if elem != "title" or self._titles_close:
            super().set_cdata_mode(elem, **options)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Only SVG and MathML elements close themselves with "/>"; a browser reads
        # <div/> as <div>, so a hidden one hides what follows.
        foreign = self._foreign or tag in _FOREIGN_TAGS
        self.handle_starttag(tag, attrs)
        if foreign and tag not in _VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        stops = {"table", "template", "html"} if tag in _TABLE_TAGS else _SCOPE_TAGS
        self._pop_to({tag}, stops - {tag})

    def handle_data(self, data: str) -> None:
        current = self._open[-1] if self._open else None
        if current is not None and current.tag == "style":
            for selector, found in rules(data):
                self._sheet.setdefault(selector, {}).update(found)
            self._looks.clear()
        if not self._hiding and not unseen(current.look if current else PAGE):
            self.parts.append(data)

    def _end_implied(self, tag: str) -> None:
        """Close what a browser closes when ``tag`` starts: an open paragraph before a
        block, the previous item of a list, cell or row."""
        if tag in _ENDS_P:
            self._pop_to({"p"}, _SCOPE_TAGS | {"button"})
        if tag == "li":
            self._pop_to({"li"}, _SCOPE_TAGS | {"ul", "ol"})
        elif tag in ("dd", "dt"):
            self._pop_to({"dd", "dt"}, _SCOPE_TAGS | {"dl"})
        elif tag in ("td", "th", "tr"):
            self._pop_to({"td", "th"} | ({"tr"} if tag == "tr" else set()), {"table", "html"})

    def _pop_to(self, tags: set[str], stops: frozenset[str] | set[str]) -> None:
        """Close the nearest open element named in ``tags`` and all inside it, unless an
        element in ``stops`` comes first."""
        if not any(self._counts[tag] for tag in tags):
            return
        for index in range(len(self._open) - 1, max(-1, len(self._open) - 1 - _LOOK_BACK), -1):
            name = self._open[index].tag
            if name in tags:
                closed = self._open[index:]
                del self._open[index:]
                self._counts.subtract(o.tag for o in closed)
                self._hiding -= sum(o.hides for o in closed)
                self._foreign -= sum(o.tag in _FOREIGN_TAGS for o in closed)
                return
            if name in stops:
                return

    # At the end of the input a browser reads an unfinished comment or declaration as
    # running to the end: nothing after it shows. The base parser would show it as
    # text, so "<!-- hidden ..." without its "-->" would come through. (An unfinished
    # tag is left to the base parser: "if a<b then" in plain text keeps its words.)
    def close(self) -> None:
        self._closing = True
        super().close()

    def _unfinished(self, end: int) -> int:
        return len(self.rawdata) if end < 0 and self._closing else end

    def parse_comment(self, i: int, report: bool = True) -> int:
        # "<!-->" and "<!--->" are whole (empty) comments to a browser.
        for empty in ("<!-->", "<!--->"):
            if self.rawdata.startswith(empty, i):
                return i + len(empty)
        # A browser ends a comment only at "-->" or "--!>"; the base parser also ends it
        # at "-- >", which would show text a browser hides.
        end = _COMMENT_END.search(self.rawdata, i + 4)
        return self._unfinished(end.end() if end else -1)

    def parse_html_declaration(self, i: int) -> int:
        try:
            end = super().parse_html_declaration(i)
        except AssertionError:
            # The base parser gives up on a marked section it does not know ("<![foo[");
            # a browser reads it as a comment up to the next ">".
            end = self.parse_bogus_comment(i)
        return self._unfinished(end)

    def parse_pi(self, i: int) -> int:
        return self._unfinished(super().parse_pi(i))


def _short(attrs: tuple[tuple[str, str | None], ...]) -> bool:
    return sum(len(name) + len(value or "") for name, value in attrs) <= _SHARED_ATTRS_CHARS


@functools.lru_cache(maxsize=_SHARED_LOOKS)
def _look_without_sheet(
    tag: str, attrs: tuple[tuple[str, str | None], ...], parent: Look
) -> tuple[Look, bool]:
    return look_of(tag, list(attrs), parent, {})


def readable(value: str | None, *, limit: int | None = None) -> str:
    """``value`` (HTML or plain text) as clean plain text, optionally cut to ``limit``."""
    if not value:
        return ""
    if _PLAIN.fullmatch(value) and "  " not in value:
        return _cut(value.strip(), limit)
    if len(value) <= _KEPT_CHARS:
        return _kept(value, limit)
    return _readable(value, limit)


# The texts of the tickets read lately, cleaned: a ticket and its notes are read again and
# again while it is worked, and parsing HTML is most of what a read costs. Bounded: at
# most 256 values of up to 8,192 characters each (a few megabytes), longer ones not kept.
_KEPT_CHARS = 8192


@functools.lru_cache(maxsize=256)
def _kept(value: str, limit: int | None) -> str:
    return _readable(value, limit)


def _readable(value: str, limit: int | None) -> str:
    if "<" in value:
        parser = _TextExtractor(titles_close="</title" in value.lower())
        parser.feed(value)
        parser.close()
        value = "".join(parser.parts)
    else:
        value = html.unescape(value)
    # The same cleaning as text going into HaloPSA: line separators become line breaks;
    # zero-width, bidi, control and blank-filler characters go.
    text = inert_images(clean_text(value))
    # Angle brackets that survive are text the author typed (or escaped markup such as
    # "&lt;script&gt;"); shown as look-alike quotes they can never become live markup
    # in a client that renders the result.
    text = text.replace("\t", " ").replace("<", "\u2039").replace(">", "\u203a")
    text = _BLANKS.sub(" ", text)
    text = _BLANKS_AT_LINE_END.sub("\n", text)
    return _cut(_BLANK_LINES.sub("\n\n", text).strip(), limit)


def _cut(text: str, limit: int | None) -> str:
    if limit is not None and len(text) > limit:
        return text[: limit - 1].rstrip() + "…"
    return text
