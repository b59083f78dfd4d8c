"""Markdown images that would make a client fetch a URL, made inert.

A client rendering markdown fetches an image's URL as soon as it shows the text, with
whatever data the URL carries: an exfiltration channel. Every image form CommonMark
knows is caught: inline (``![x](url)``, brackets nested to any depth in the
description) and by reference (``![x][r]``, ``![x][]``, ``![x]`` with ``[r]: url``).
A URL leaves for a host when it has a scheme or starts with two slashes; a backslash
counts as a slash, as browsers read web URLs. Plain links stay.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

_HOSTED = r"(?:[a-z][a-z0-9+.-]{0,31}:|[\\/]{2})"
# The opening of an inline destination that leaves for a host, and its URL, for the
# marker. The destination ends at the next ")", unless a blank line (the end of the
# paragraph) comes first. Every search is bounded or done once per text, so no text,
# however many unfinished images it holds, costs more than a pass or two over it.
_DESTINATION = re.compile(r"\(\s{0,64}<?\s{0,64}" + _HOSTED, re.IGNORECASE)
_URL = re.compile(r"\(\s{0,64}<?\s{0,64}([^\s)>]{0,2048})")
_CLOSE = re.compile(r"\)")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_BRACKETS = re.compile(r"\\.|!?\[|\]", re.DOTALL)
_REFERENCE = re.compile(r"\[([^\]\n]{0,999})\]")
_LABEL_CHARS = 999  # CommonMark's longest link label
_DEFINITION = re.compile(
    r"^ {0,3}\[([^\]]{1,999})\]:[ \t]*\n?[ \t]*<?(" + _HOSTED + r"[^\s)>]*).*$",
    re.IGNORECASE | re.MULTILINE,
)


def inert_images(text: str) -> str:
    """``text`` with every markdown image to a host replaced by a marker naming it."""
    spans, labels = _scan(text)
    parts, last = [], 0
    for start, end, url in spans:
        parts += [text[last:start], _marker(url)]
        last = end
    text = "".join(parts) + text[last:]
    if not labels:
        return text
    return _DEFINITION.sub(
        lambda m: _marker(m.group(2)) if _label(m.group(1)) in labels else m.group(0), text
    )


def _scan(text: str) -> tuple[list[tuple[int, int, str]], set[str]]:
    """The inline images to a host as (start, end, url), outermost only, and the
    reference labels images use. One pass, brackets matched with a stack."""
    openers: list[tuple[int, bool]] = []
    spans: list[tuple[int, int, str]] = []
    labels: set[str] = set()
    close, blank = _next(text, _CLOSE), _next(text, _BLANK_LINE)
    for token in _BRACKETS.finditer(text):
        if token.group().startswith("\\") or (spans and token.start() < spans[-1][1]):
            continue  # escaped, or inside an image already made inert
        if token.group() != "]":
            openers.append((token.start(), token.group() == "!["))
            continue
        start, image = openers.pop() if openers else (0, False)
        after = token.end()
        if not image:
            continue
        if _DESTINATION.match(text, after):
            end = close(after)
            if end >= 0 and not 0 <= blank(after) < end:
                while spans and spans[-1][0] >= start:
                    spans.pop()
                url = _URL.match(text, after)
                spans.append((start, end + 1, url.group(1) if url else ""))
                continue
        own = text[start + 2 : token.start()] if token.start() - start <= _LABEL_CHARS else ""
        reference = _REFERENCE.match(text, after)
        labels.add(_label(reference.group(1) or own if reference else own))
    return spans, labels


def _next(text: str, pattern: re.Pattern[str]) -> Callable[[int], int]:
    """Where ``pattern`` next occurs at or after a position (-1: nowhere), for positions
    that only grow: each search starts where the last one found nothing closer."""
    found = -2

    def at_or_after(position: int) -> int:
        nonlocal found
        if found == -1 or found >= position:
            return found
        match = pattern.search(text, position)
        found = match.start() if match else -1
        return found

    return at_or_after


def _label(label: str) -> str:
    # CommonMark matches labels case-insensitively, runs of whitespace as one space.
    return " ".join(label.split()).casefold()


def _marker(url: str) -> str:
    url = url.replace("\\", "/")
    if not url.startswith("//") and "://" not in url:
        return "[image link removed]"
    try:
        host = urlsplit(url if not url.startswith("//") else "https:" + url).hostname or ""
    except ValueError:  # a broken IPv6 literal: still a host, just not one to name
        host = ""
    host = re.sub(r"[^\w.-]", "", host)
    return f"[image link to {host} removed]" if host else "[image link removed]"
