"""A HaloPSA answer's body as JSON: the one decoder of whole HTTP bodies.

pydantic_core's parser reads a page of 100 tickets in little more than half the time
``json.loads`` takes, and the decoding runs on the event loop inside every call (issue
12). It refuses a few bodies ``json.loads`` read, some of which a .NET server behind IIS
could send; those are read by ``json.loads`` as before, so an answer is read, or refused,
as it always was.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic_core import from_json

_UTF8_BOM = b"\xef\xbb\xbf"


def parsed(content: bytes) -> Any:
    """The JSON value of ``content``; ValueError or RecursionError when it is not JSON."""
    try:
        # Keys repeat on every row of a page and are worth caching; values mostly do not.
        return from_json(content.removeprefix(_UTF8_BOM), cache_strings="keys")
    except ValueError:
        # UTF-16 or UTF-32, a lone surrogate (a .NET string cut inside an emoji),
        # nesting deeper than 200 levels: json.loads still takes these.
        return json.loads(content)
