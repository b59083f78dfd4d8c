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
_LINE_BREAK = re.compile(r"\r\n?|[\u2028\u2029\x85]")
# Looking for each of these is quicker than a pass of the pattern over text without any.
_LINE_BREAK_CHARS = ("\r", "\u2028", "\u2029", "\x85")
_WHITESPACE = re.compile(r"\s+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


# Variation selectors choose how the character before them is drawn ("\u2764\ufe0f" is
# the red-heart emoji), but runs of them, alone or after any character, carry hidden
# bytes: one selector per byte.
_EMOJI_SELECTORS = frozenset("\ufe0e\ufe0f")
_SELECTORS = frozenset(
    [chr(c) for c in range(0xFE00, 0xFE10)] + [chr(c) for c in range(0xE0100, 0xE01F0)]
)
# Emoji that take a presentation selector beyond the symbols: keycap digits, # and *, and
# the punctuation-like emoji of General Punctuation and the symbol blocks after it.
_KEYCAP_BASES = frozenset("0123456789#*")
_EMOJI_SYMBOL_BLOCKS = range(0x2000, 0x2C00)
# Characters that render as nothing (or as blank space) but are neither format nor
# control characters, so the categories alone miss them: variation selectors, Hangul
# and Braille blanks.
_INVISIBLE = _SELECTORS | frozenset(["\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"])


def is_invisible(ch: str) -> bool:
    """Whether ``ch`` would hide in text shown to a person or a model."""
    return ch in _INVISIBLE or (
        ch not in _KEPT_CONTROLS and unicodedata.category(ch) in _DROPPED_CATEGORIES
    )


def _is_ideograph(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(("CJK UNIFIED", "CJK COMPATIBILITY IDEOGRAPH"))


def _takes_selector(base: str, selector: str) -> bool:
    """Whether ``selector`` right after ``base`` chooses how ``base`` is drawn: text or
    emoji presentation of a symbol, a math symbol's variant, an ideograph's glyph."""
    category = unicodedata.category(base)
    if selector in _EMOJI_SELECTORS:
        return (
            category in ("So", "Sm") or base in _KEYCAP_BASES or ord(base) in _EMOJI_SYMBOL_BLOCKS
        )
    if ord(selector) < 0xFE10:
        return category == "Sm" or _is_ideograph(base)
    return _is_ideograph(base)


def _char_class(chars: frozenset[str]) -> re.Pattern[str]:
    """A pattern matching any of ``chars``, runs of code points written as ranges: the
    regex engine checks the characters past U+FFFF a class lists one at a time."""
    points = set(map(ord, chars))
    starts = sorted(p for p in points if p - 1 not in points)
    ends = sorted(p for p in points if p + 1 not in points)
    ranges = (
        re.escape(chr(a)) + "-" + re.escape(chr(b)) for a, b in zip(starts, ends, strict=True)
    )
    return re.compile("[" + "".join(ranges) + "]")


# Every character is_invisible is true of lies outside printable ASCII (tab and newline
# aside): text is read in runs of such characters, and most runs are passed over whole.
_NOT_PLAIN_ASCII = re.compile(r"[^\x20-\x7e\n\t]+")
_ANY_INVISIBLE = _char_class(_INVISIBLE)


def _may_hide(text: str) -> bool:
    """Whether ``text`` may hold a character ``_visible`` drops: str.isprintable is false
    for every control and format character, and the other invisibles are named. Tab,
    newline and no-break space are not printable to it, but always stay."""
    plain = text.replace("\n", " ").replace("\t", " ").replace("\xa0", " ")
    return not plain.isprintable() or (
        not plain.isascii() and _ANY_INVISIBLE.search(plain) is not None
    )


def _kept(value: str, index: int) -> bool:
    ch = value[index]
    if ch in _SELECTORS:
        before = value[index - 1] if index else ""
        return bool(before) and not is_invisible(before) and _takes_selector(before, ch)
    return not is_invisible(ch)


def _visible(value: str) -> str:
    """``value`` without invisible characters; a variation selector stays only right
    after a character it modifies (in ``value``), so a second one, or one on its own,
    goes."""
    # Most text hides nothing: a few passes of C string methods tell.
    if not _may_hide(value):
        return value
    parts, start = [], 0
    for run in _NOT_PLAIN_ASCII.finditer(value):
        if not _may_hide(run.group()):
            continue
        for index in range(run.start(), run.end()):
            if not _kept(value, index):
                parts.append(value[start:index])
                start = index + 1
    if not parts:
        return value
    parts.append(value[start:])
    return "".join(parts)


def clean_text(value: str, *, single_line: bool = False) -> str:
    """``value`` as text fit to write to HaloPSA: NFC, no control characters but newline
    and tab, no invisible format characters (a variation selector only where it draws an
    emoji or variant), stripped; with ``single_line`` every run of
    whitespace, newlines included, becomes one space."""
    # Windows and old Mac line ends are still line ends, not controls to drop.
    value = unicodedata.normalize("NFC", value)
    if any(ch in value for ch in _LINE_BREAK_CHARS):
        value = _LINE_BREAK.sub("\n", value)
    value = _visible(value)
    if single_line:
        value = _WHITESPACE.sub(" ", value)
    return value.strip()


def clean_line(text: str) -> str:
    """``text`` as a one-line field fit to write to HaloPSA (summary, category, a file's
    description): cleaned to one line, then ``<``, ``>``, ``&`` and quotes escaped, since
    some HaloPSA views show these fields as HTML. Markup in the text shows as text; reads
    turn the entities back into the characters typed."""
    return html.escape(clean_text(text, single_line=True), quote=True)


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
