"""Rules for files sent as attachments: a safe name, a size cap, allowed folders."""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from pathlib import PurePath

from halopsa_mcp.rules.verdict import Problem

MAX_FILENAME = 200
# Characters Windows, HaloPSA's storage or a URL would choke on, plus path separators.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
# Blanks at either end, and leading dots (a hidden file) mixed with blanks in any order.
_EDGES = re.compile(r"^[\s.]+|\s+$")
# Windows opens a device, not a file, for these names whatever the extension ("nul.txt").
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"{port}{n}" for port in ("COM", "LPT") for n in range(1, 10)}
)


def safe_filename(name: str) -> str:
    """``name`` as a plain file name: no folders, no control or reserved characters,
    no leading dots (hidden files), no Windows device names, at most 200 characters with
    the extension kept."""
    # NFKC, so look-alike forms (fullwidth full stop and solidus, U+FF0E and U+FF0F) become
    # the dots and slashes they show, and are then treated as such.
    name = unicodedata.normalize("NFKC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cf", "Cc"))
    name = PurePath(name.replace("\\", "/")).name
    name = _not_a_device(_EDGES.sub("", _UNSAFE.sub("_", name)))
    if len(name) > MAX_FILENAME:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 16:
            name = stem[: MAX_FILENAME - len(ext) - 1] + "." + ext
        else:
            name = name[:MAX_FILENAME]
    return name or "attachment"


def _not_a_device(name: str) -> str:
    """``name`` with ``_`` after its first part when Windows would read it as a device.
    Before the length cut, which keeps the first part, so the cut cannot undo it."""
    first, dot, rest = name.partition(".")
    # Windows ignores trailing spaces here too: "NUL .txt" is the device.
    if first.rstrip(" ").upper() in _RESERVED:
        return f"{first}_{dot}{rest}"
    return name


# A text attachment read back for the model: a log or a note, not an archive. 64 KB of
# text is some 16,000 tokens, already a large part of a context.
TEXT_READ_LIMIT = 64 * 1024
# Text by nature, though the standard type table does not say so (or says application/).
_TEXT_SUFFIXES = frozenset(
    {".log", ".txt", ".csv", ".tsv", ".json", ".xml", ".yaml", ".yml", ".ini", ".cfg",
     ".conf", ".md", ".html", ".htm", ".eml", ".ps1", ".sh", ".bat", ".cmd", ".reg", ".sql"}
)  # fmt: skip


def unreadable_as_text(filename: str, size: int | None) -> str | None:
    """Why an attachment is not read back as text, or None when it may be: it must be
    named as a text file and known to be at most ``TEXT_READ_LIMIT`` bytes."""
    suffix = PurePath(filename).suffix.lower()
    guessed = mimetypes.guess_type(f"x{suffix}")[0] or ""
    if suffix not in _TEXT_SUFFIXES and not guessed.startswith("text/"):
        return "not a text file (by its name); only its details are shown"
    if size is None:
        return "HaloPSA did not give its size, so it is not read; only its details are shown"
    if size > TEXT_READ_LIMIT:
        return f"{size:,} bytes, over the 64 KB read as text; only its details are shown"
    return None


def text_of(data: bytes) -> str | None:
    """``data`` as text when it is UTF-8 (a byte-order mark dropped) and holds no NUL,
    which no text file does; else None."""
    if b"\x00" in data:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def size_problem(size: int, limit: int, field: str) -> Problem | None:
    if size == 0:
        return Problem(field, "the file is empty", "attach a file with content")
    if size > limit:
        return Problem(
            field,
            f"the file is {_size(size, limit)}, over the {_size(limit, size)} limit",
            "attach a smaller file, or compress it first",
        )
    return None


def _size(count: int, other: int) -> str:
    # Exact bytes where mebibytes would round ``count`` and the ``other`` size it is
    # compared with to the same figure ("10.00 MiB, over the 10.00 MiB limit").
    if min(count, other) >= 1_048_576 and _mib(count) != _mib(other):
        return _mib(count)
    return f"{count:,} bytes"


def _mib(count: int) -> str:
    return f"{count / 1_048_576:.2f} MiB"
