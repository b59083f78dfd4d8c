"""The text block is written exactly as before text_of was made faster: byte for byte what
the frozen copy of the earlier implementation (compact_reference.py) writes, for tables
with every kind of cell and for results that are not tables."""

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from mcp import Client

from halopsa_mcp.server.compact import text_of
from tests.server import compact_reference
from tests.server.conftest import ok
from tests.server.test_context_budget import Make

# Characters a cell's text is judged by: separators, quotes, line breaks of every kind,
# blanks str.strip removes (tab, no-break space, the information separators), digits of
# other scripts (which the timestamp pattern's \d accepts) and the timestamp's own marks.
_TRICKY = ',"\n\r\u2028\u2029 \t\xa0\x1c\x85\u3000\x00\u0663-:.TZ+'
_CHARS = st.sampled_from(_TRICKY) | st.characters(codec="utf-8") | st.sampled_from("aZ09é")
_FREE_TEXT = st.text(_CHARS, max_size=14)
_DIGITS = st.sampled_from("0123456789\u0663")


@st.composite
def _time(draw: st.DrawFn) -> str:
    """A service-desk timestamp with or without a fraction, or one a character away."""
    n = draw(st.text(_DIGITS, min_size=14, max_size=14))
    day, time = f"{n[:4]}-{n[4:6]}-{n[6:8]}", f"{n[8:10]}:{n[10:12]}:{n[12:]}"
    fraction = draw(st.sampled_from(["", ".5", ".123456", "."]))
    text = f"{day}{draw(st.sampled_from('TT t'))}{time}{fraction}"
    cut = draw(st.integers(0, 3))
    return draw(st.sampled_from([text, text[: len(text) - cut], f" {text}", f"{text}Z",
                                 f"{text},x", f"{text}\n"]))  # fmt: skip


# Plain names, and texts that are plain but for a line break (a row faked in a cell).
_TEXT = (
    _FREE_TEXT
    | _time()
    | st.sampled_from(
        [
            "",
            " ",
            "Ann",
            "Ann ",
            "a,b",
            'q"',
            "\u2028",
            "Ann\nBob",
            "2026-11-01T06:05:09\n2026-11-01T06:05:09",
        ]
    )
)
_VALUE = (
    st.none()
    | st.booleans()
    | st.integers(-3, 10**12)
    | st.floats(allow_nan=True, allow_infinity=True)
    | _TEXT
)
# ID columns with and without their name columns, the column cut to the day, and others.
_COLUMNS = st.sampled_from(
    ["id", "agent_id", "agent", "client_id", "client", "site_id", "created", "last_action",
     "summary", "ok", "_id", "id_id"]
)  # fmt: skip
_ROW = st.dictionaries(_COLUMNS, _VALUE, max_size=9)
_SCALAR_FIELDS = st.dictionaries(
    st.sampled_from(["total", "page", "note", "has_more", "clients"]), _VALUE, max_size=4
)
# Lists that are no table (scalars, rows with a list or a dict in them) and nested fields.
_NESTED = st.sampled_from(
    [["x", 1], [{"id": 1, "ids": [1, 2]}], [{"id": 1}, 5], [{"a": {"b": None}}], {"a": [None]}]
)


@st.composite
def _result(draw: st.DrawFn) -> dict[str, Any]:
    """One list of flat rows beside other fields, or a result that is no table: two lists,
    an empty one, rows with nested values, a list of scalars, nested fields."""
    result = draw(_SCALAR_FIELDS)
    result[draw(st.sampled_from(["tickets", "rows", "total"]))] = draw(st.lists(_ROW, max_size=7))
    extra = st.lists(_ROW, max_size=3) | st.just([]) | st.lists(_NESTED, max_size=3) | _NESTED
    for key in draw(st.lists(st.sampled_from(["other", "more", "page"]), max_size=2)):
        result[key] = draw(extra)
    return result


@settings(max_examples=300, derandomize=True, deadline=None)
@given(_result())
def test_text_of_writes_what_the_earlier_implementation_wrote(structured: dict[str, Any]) -> None:
    assert text_of(structured) == compact_reference.text_of(structured)


@settings(max_examples=150, derandomize=True, deadline=None)
@given(st.lists(st.dictionaries(_COLUMNS, _TEXT | st.none(), min_size=1), min_size=1, max_size=5))
def test_columns_of_text_alone_are_written_as_before(rows: list[dict[str, Any]]) -> None:
    """Columns holding only text and blanks: the kind whose cells are judged as a whole."""
    assert text_of({"rows": rows}) == compact_reference.text_of({"rows": rows})


def test_a_line_break_in_one_cell_of_a_plain_column_is_quoted() -> None:
    """Names or times on either side of a line break: still one cell, quoted."""
    time = "2026-11-01T06:05:09"
    for column in (["Ann", "Ann\nBob", "Cy"], [time, f"{time}\n{time}", time]):
        rows = [{"id": i, "who": v} for i, v in enumerate(column)]
        text = text_of({"rows": rows})
        assert text == compact_reference.text_of({"rows": rows})
        assert len(text.split("\n")) == 6  # the JSON line, the name, the header, 3 rows


async def test_a_full_page_of_tickets_reads_as_before(make_server: Make) -> None:
    """The real 50-row search, every column filled: the text block a client shows."""
    async with Client(make_server()) as c:
        result = await c.call_tool("search_tickets", {"open_only": False, "limit": 50})
    page = ok(result)
    assert len(page["tickets"]) == 50
    text = result.content[0].text  # type: ignore[union-attr]
    assert text == compact_reference.text_of(page)
    assert json.loads(text.split("\n")[0])["total"] == page["total"]
