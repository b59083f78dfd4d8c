"""readable's shortcuts (a look worked out once for every value, whitespace collapsed
only where it changes) against what it did before: the same text, whatever was read
earlier."""

import html
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from halopsa_mcp.rules.text import clean_text
from halopsa_mcp.server.for_the_model import _TextExtractor, readable
from halopsa_mcp.server.images import inert_images


def reference_readable(value: str | None, *, limit: int | None = None) -> str:
    """readable as it was, its regular expressions compiled per call."""
    if not value:
        return ""
    if "<" in value:
        parser = _TextExtractor(titles_close="</title" in value.lower())
        parser.feed(value)
        parser.close()
        value = "".join(parser.parts)
    else:
        value = html.unescape(value)
    text = inert_images(clean_text(value))
    text = text.replace("\t", " ").replace("<", "\u2039").replace(">", "\u203a")
    text = re.sub(r"[^\S\n]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


FRAGMENTS = [
    "<div>", "</div>", "<p>", "</p>", '<div style="display:none">', "<span hidden>",
    "</span>", "<br>", '<p class="x">', '<span style="color:#fff">', "<style>",
    ".x{display:none}", "</style>", "&nbsp;", "&lt;", "&amp;", "<", ">", "text", "word",
    " ", "  ", "\t", "\n", "\n\n\n", " \n ", "\xa0", "\u2003", "\u3000", "\u2028", "\r\n",
    "\x0b", "\x0c", "\x1c", "\u200b", "![i](//h/x)", "caf\u00e9", "\u2764\ufe0f",
]  # fmt: skip
SOUP = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=30)


@settings(max_examples=400, deadline=None, database=None)
@given(SOUP, st.one_of(st.none(), st.integers(min_value=1, max_value=40)))
@example(["a", " ", "\xa0", "b", "\t", "\u2003", " ", "c"], None)
@example(["x", " \n ", "\n\n\n", "y", "  "], 3)
def test_readable_reads_as_it_did(parts: list[str], limit: int | None) -> None:
    value = "".join(parts)
    assert readable(value, limit=limit) == reference_readable(value, limit=limit)


@settings(max_examples=300, deadline=None, database=None)
@given(
    st.text(st.sampled_from([chr(c) for c in range(0x20, 0x7F)] + ["\t", "\n"]), max_size=30),
    st.one_of(st.none(), st.integers(min_value=1, max_value=20)),
)
@example("  Printer  offline ", 20)
@example("a &amp; b &lt;x&gt; &#65;", None)
@example("![x](https://h/x)", None)
@example("[x]: https://h/x\n![x]", None)
def test_plain_ascii_reads_as_it_did(value: str, limit: int | None) -> None:
    assert readable(value, limit=limit) == reference_readable(value, limit=limit)


HIDDEN_BY_SHEET = '<style>.x{display:none}</style><p class="x">secret</p><p>shown</p>'
SAME_ELEMENT_PLAIN = '<p class="x">hello</p>'


@pytest.mark.parametrize("first", [HIDDEN_BY_SHEET, SAME_ELEMENT_PLAIN])
def test_a_style_sheet_applies_to_its_own_value_only(first: str) -> None:
    readable(first)
    assert readable(HIDDEN_BY_SHEET) == "shown"
    assert readable(SAME_ELEMENT_PLAIN) == "hello"


@settings(max_examples=150, deadline=None, database=None)
@given(st.lists(st.lists(st.sampled_from(FRAGMENTS), max_size=12), min_size=2, max_size=5))
def test_what_a_value_shows_does_not_depend_on_what_was_read_before(
    values: list[list[str]],
) -> None:
    texts = ["".join(parts) for parts in values]
    forward = [readable(text) for text in texts]
    backward = [readable(text) for text in reversed(texts)][::-1]
    assert forward == backward == [reference_readable(text) for text in texts]
