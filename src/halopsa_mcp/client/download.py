"""An answer that is a file rather than JSON: its bytes, media type and name.

HaloPSA answers ``GET /api/Attachment/{id}`` with the file itself, named in the
Content-Disposition header (RFC 6266), where other endpoints answer JSON.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import unquote

if TYPE_CHECKING:
    import httpx

# filename*=charset'language'percent-encoded-name: the exact name, preferred when given.
_EXTENDED = re.compile(r"""filename\*\s*=\s*([^';\s]*)'[^']*'([^;\s]*)""", re.IGNORECASE)
_PLAIN = re.compile(r"""filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))""", re.IGNORECASE)
_ESCAPED = re.compile(r"\\(.)")


@dataclass(frozen=True)
class Download:
    media_type: str
    filename: str | None
    content: bytes = field(repr=False)

    @classmethod
    def of(cls, response: httpx.Response) -> Download:
        media = response.headers.get("content-type", "").split(";")[0].strip().lower()
        name = filename(response.headers.get("content-disposition", ""))
        return cls(media, name, response.content)

    @property
    def is_json(self) -> bool:
        return self.media_type == "application/json" or self.media_type.endswith("+json")


def filename(disposition: str) -> str | None:
    """The file name a Content-Disposition header gives, or None when it gives none."""
    extended = _EXTENDED.search(disposition)
    if extended:
        charset = extended.group(1) or "utf-8"
        try:
            codecs.lookup(charset)
        except LookupError:
            pass  # an unknown charset: the plain name is the next best
        else:
            return unquote(extended.group(2), encoding=charset, errors="replace") or None
    plain = _PLAIN.search(disposition)
    if plain is None:
        return None
    quoted, bare = plain.groups()
    return (_ESCAPED.sub(r"\1", quoted) if quoted is not None else bare) or None
