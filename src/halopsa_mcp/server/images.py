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
from urllib.parse import urlsplit

_HOSTED = r"(?:[a-z][a-z0-9+.-]*:|[\\/]{2})[^\s)>]*"
_DESTINATION = re.compile(r"\(\s*<?\s*(" + _HOSTED + r")[^)\n]*\)", re.IGNORECASE)
_BRACKETS = re.compile(r"\\.|!?\[|\]", re.DOTALL)
_REFERENCE = re.compile(r"\[([^\]\n]{0,999})\]")
_DEFINITION = re.compile(
    r"^ {0,3}\[([^\]]{1,999})\]:[ \t]*\n?[ \t]*<?(" + _HOSTED + r").*$",
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
    for token in _BRACKETS.finditer(text):
        if token.group().startswith("\\"):
            continue
        if token.group() != "]":
            openers.append((token.start(), token.group() == "!["))
            continue
        if not openers:
            continue
        start, image = openers.pop()
        if not image:
            continue
        after = token.end()
        inline = _DESTINATION.match(text, after)
        if inline is not None:
            while spans and spans[-1][0] >= start:
                spans.pop()
            spans.append((start, inline.end(), inline.group(1)))
            continue
        reference = _REFERENCE.match(text, after)
        own = text[start + 2 : token.start()]
        labels.add(_label(reference.group(1) or own if reference else own))
    return spans, labels


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
