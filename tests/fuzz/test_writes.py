"""Property 3: writes with valid shapes but random content either do exactly what they say
or are refused with nothing written; a dry run never writes.

Each example is first sent as a dry run (which must write nothing, ever), then, unless
the example itself is a dry run, for real. The real call must agree with its preview:

- preview refused: the real call is refused with the same words, and nothing changes;
- preview accepted: the real call is accepted too (the rules check every reference the
  sandbox does), and the sandbox holds exactly one new or changed record, carrying what
  the preview said would be sent.
"""

from __future__ import annotations

import base64
import html
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from halopsa_mcp.sandbox import SandboxServer
from tests.server.conftest import records

from .conftest import Session, error_text, fuzz_settings, live, no_leak
from .strategies import hostile_text

FUZZ = fuzz_settings(50)


# Any ID a tool's schema allows: HaloPSA's IDs are 32-bit.
ANY_ID = st.integers(0, 2**31 - 1)
ANY_ID1 = st.integers(1, 2**31 - 1)


class Pick:
    """Chooses each argument's strategy for one example. A plausible example keeps to values
    the rules accept (its text is still hostile, but never blank), so that writes really
    happen; any other example mixes in values anywhere in the schema's range."""

    def __init__(self, plausible: bool) -> None:
        self.plausible = plausible

    def __call__(self, good: st.SearchStrategy[Any], other: st.SearchStrategy[Any]) -> Any:
        return good if self.plausible else st.one_of(good, other)

    def some(self, draw: st.DrawFn, fields: dict[str, st.SearchStrategy[Any]]) -> dict[str, Any]:
        """Some of the optional ``fields``: each one in three, or each one in two."""
        odds = 2 if self.plausible else 1
        return {n: draw(v) for n, v in fields.items() if draw(st.integers(0, odds)) == 0}


def pick(draw: st.DrawFn) -> Pick:
    return Pick(draw(st.sampled_from([True, True, False])))


# Text that stays non-blank once cleaned (a word, then anything hostile), or any text.
TEXT = st.builds(
    "{} {}".format,
    st.sampled_from(["Rebooted the router", "Replaced toner", "Fixed"]),
    hostile_text(300),
)
ANY_TEXT = st.one_of(hostile_text(300), st.sampled_from(["", "  ", "\u200b\u202e", "\x00\r\n"]))
# Unique-ish, so that the duplicate check does not refuse every create.
SUMMARY = st.builds(
    "Fuzz {} {} on desk {}".format,
    st.sampled_from(["printer", "VPN", "laptop"]),
    hostile_text(20),
    st.integers(0, 10**9),
)
TEAM = st.sampled_from(["Service Desk", "Infrastructure", "Projects"])


@st.composite
def create_arguments(draw: st.DrawFn, state: Any) -> dict[str, Any]:
    p = pick(draw)
    active = sorted(c.id for c in state.clients.values() if not c.inactive)
    client = draw(
        p(st.sampled_from(active), st.one_of(st.sampled_from(sorted(state.clients)), ANY_ID1))
    )
    sites = sorted(s.id for s in state.sites.values() if s.client_id == client) or [1]
    users = sorted(u.id for u in state.users.values() if u.client_id == client) or [1]
    type_id = draw(p(st.sampled_from([1, 3, 4]), st.one_of(st.just(2), ANY_ID1)))
    return {
        "summary": draw(p(SUMMARY, hostile_text(255))),
        "client_id": client,
        "ticket_type_id": type_id,
        **p.some(
            draw,
            {
                "status_id": p(st.sampled_from([1, 2, 3]), ANY_ID),
                "priority_id": p(st.integers(1, 4), ANY_ID),
                "agent_id": p(st.integers(2, 8), ANY_ID),
                "site_id": p(st.sampled_from(sites), ANY_ID1),
                "user_id": p(st.sampled_from(users), ANY_ID1),
                "team": p(TEAM, hostile_text(100)),
                "category": hostile_text(255),
                "details": p(TEXT, ANY_TEXT),
                "resolution": p(TEXT, ANY_TEXT),
                "not_duplicate": st.booleans(),
            },
        ),
    }


@st.composite
def update_arguments(draw: st.DrawFn, state: Any) -> dict[str, Any]:
    p = pick(draw)
    return {
        "ticket_id": draw(p(st.sampled_from(sorted(state.tickets)), ANY_ID1)),
        **p.some(
            draw,
            {
                "summary": p(SUMMARY, hostile_text(255)),
                "details": p(TEXT, ANY_TEXT),
                "status_id": p(st.sampled_from([1, 2, 3, 4, 5, 8, 9]), ANY_ID),
                "priority_id": p(st.integers(3, 4), ANY_ID),
                "agent_id": p(st.integers(2, 8), ANY_ID),
                "team": p(TEAM, hostile_text(100)),
                "category": hostile_text(255),
                "resolution": p(TEXT, ANY_TEXT),
            },
        ),
    }


@st.composite
def action_arguments(draw: st.DrawFn, state: Any) -> dict[str, Any]:
    p = pick(draw)
    odd_minutes = st.one_of(
        st.sampled_from([0, 0.5, 1440.5, -1]), st.floats(-100, 3000, allow_nan=False)
    )
    note = {"note": draw(p(TEXT, ANY_TEXT))} if draw(p(st.just(True), st.booleans())) else {}
    return {
        "ticket_id": draw(p(st.sampled_from(sorted(state.tickets)), ANY_ID1)),
        **note,
        **p.some(
            draw,
            {
                "time_minutes": p(st.integers(1, 1440), odd_minutes),
                "outcome_id": p(st.integers(1, 9), ANY_ID1),
                "new_status_id": p(st.sampled_from([1, 2, 3, 5, 8, 9]), ANY_ID1),
                "visible_to_customer": st.booleans(),
                "billable": st.booleans(),
            },
        ),
    }


FILE_BYTES = st.binary(min_size=1, max_size=3000)
CONTENT = st.one_of(
    FILE_BYTES.map(lambda b: base64.b64encode(b).decode()),
    FILE_BYTES.map(
        lambda b: "data:application/octet-stream;base64," + base64.b64encode(b).decode()
    ),
    FILE_BYTES.map(lambda b: base64.encodebytes(b).decode()),  # with line breaks
)
ANY_CONTENT = st.one_of(hostile_text(200), st.just(""), st.just("AAAA" * 20))
FILENAME = st.builds(
    "{}{}{}".format,
    st.sampled_from(["report", "photo", "scan 2026-01-31", "ünïcødé", "../../etc/", "CON", "."]),
    hostile_text(30),
    st.sampled_from([".pdf", ".PNG", ".txt", ".tar.gz", ""]),
)
ANY_FILENAME = st.one_of(
    st.sampled_from(["", "  ", "\u202e", "\x00", "x" * 300 + ".log", "\uff0e\uff0e\uff0fetc"]),
    hostile_text(500),
)
PATHS = st.sampled_from(["/etc/passwd", "/etc", "relative.txt", "\x00"])


@st.composite
def upload_arguments(draw: st.DrawFn, state: Any) -> dict[str, Any]:
    p = pick(draw)
    ticket_id = draw(p(st.sampled_from(sorted(state.tickets)), ANY_ID1))
    if p.plausible:
        source = {"content_base64": draw(CONTENT), "filename": draw(FILENAME)}
    else:
        source = p.some(
            draw,
            {
                "content_base64": st.one_of(CONTENT, ANY_CONTENT),
                "filename": st.one_of(FILENAME, ANY_FILENAME),
                "path": PATHS,
            },
        )
    return {"ticket_id": ticket_id, **source, **p.some(draw, {"description": hostile_text(500)})}


def _decoded(content: str) -> bytes:
    if content.startswith("data:") and "," in content[:200]:
        content = content.split(",", 1)[1]
    return base64.b64decode("".join(content.split()), validate=True)


# --- Independent checks on what was stored ------------------------------------------------

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)[^>]*>")


def inert_html(value: str) -> bool:
    """Only paragraph and line-break tags; everything else escaped."""
    return all(tag.lower() in ("p", "br") for _, tag in _TAG.findall(value))


def hidden_chars(value: str, keep: str = "\n\t") -> list[str]:
    return [ch for ch in value if ch not in keep and unicodedata.category(ch) in ("Cc", "Cf")]


def check_stored_text(field: str, value: Any) -> None:
    if not isinstance(value, str):
        return
    if field in ("details_html", "note_html"):
        assert inert_html(value), (field, value)
        value = html.unescape(value)
    single_line = field in ("summary", "filename")
    assert not hidden_chars(value, keep="" if single_line else "\n\t"), (field, value)


def _created_ticket(
    before: tuple[Any, ...], after: tuple[Any, ...], answer: dict[str, Any], sent: dict[str, Any]
) -> None:
    new = set(after[0]) - set(before[0])
    assert new == {answer["ticket"]["id"]}
    assert {k: v for k, v in after[0].items() if k not in new} == before[0]
    assert after[1:] == before[1:]
    stored = after[0][answer["ticket"]["id"]]
    for name, value in sent.items():
        assert getattr(stored, name) == value, (name, value)
        check_stored_text(name, value)
    if "agent_id" not in sent:
        assert stored.agent_id == 0


def _updated_ticket(
    before: tuple[Any, ...], after: tuple[Any, ...], answer: dict[str, Any], sent: dict[str, Any]
) -> None:
    ticket_id = answer["ticket"]["id"]
    assert set(after[0]) == set(before[0])
    assert {k: v for k, v in after[0].items() if k != ticket_id} == {
        k: v for k, v in before[0].items() if k != ticket_id
    }
    assert after[1:] == before[1:]
    old, new = before[0][ticket_id], after[0][ticket_id]
    for name in (
        "summary",
        "details_html",
        "client_id",
        "site_id",
        "user_id",
        "tickettype_id",
        "status_id",
        "priority_id",
        "agent_id",
        "team",
        "category_1",
        "closure_note",
    ):
        expected = sent[name] if name in sent else getattr(old, name)
        assert getattr(new, name) == expected, (name, getattr(new, name), expected)
        check_stored_text(name, sent.get(name))


def _added_action(
    before: tuple[Any, ...], after: tuple[Any, ...], answer: dict[str, Any], sent: dict[str, Any]
) -> None:
    action_id = answer["action"]["id"]
    assert set(after[1]) - set(before[1]) == {action_id}
    assert {k: v for k, v in after[1].items() if k != action_id} == before[1]
    assert after[2] == before[2]
    ticket_id = sent["ticket_id"]
    assert {k: v for k, v in after[0].items() if k != ticket_id} == {
        k: v for k, v in before[0].items() if k != ticket_id
    }
    stored = after[1][action_id]
    assert stored.ticket_id == ticket_id
    assert stored.outcome_id == sent["outcome_id"]
    assert stored.hiddenfromuser == sent["hiddenfromuser"]
    assert stored.timetaken == sent.get("timetaken", 0.0)
    assert stored.actisbillable == sent.get("actisbillable", True)
    assert stored.new_status == sent.get("new_status", 0)
    if "note_html" in sent:
        assert stored.note_html == sent["note_html"]
        check_stored_text("note_html", stored.note_html)
    if sent.get("new_status"):
        assert after[0][ticket_id].status_id == sent["new_status"]


def _uploaded(
    before: tuple[Any, ...],
    after: tuple[Any, ...],
    answer: dict[str, Any],
    sent: dict[str, Any],
    arguments: dict[str, Any],
) -> None:
    attachment_id = answer["attachment"]["id"]
    assert set(after[2]) - set(before[2]) == {attachment_id}
    assert {k: v for k, v in after[2].items() if k != attachment_id} == before[2]
    assert after[:2] == before[:2]
    stored = after[2][attachment_id]
    assert stored.ticket_id == sent["ticket_id"]
    assert stored.filename == sent["filename"]
    assert stored.isimage == sent["isimage"]
    assert stored.desc == sent["desc"]
    assert stored.data == _decoded(arguments["content_base64"])
    assert len(stored.data) == sent["size_bytes"]
    name = stored.filename
    assert name
    assert "/" not in name
    assert "\\" not in name
    assert not name.startswith(".")
    check_stored_text("filename", name)


# --- The property -------------------------------------------------------------------------

Check = Callable[..., None]
Arguments = Callable[[Any], st.SearchStrategy[dict[str, Any]]]
WRITES: dict[str, tuple[Arguments, Check]] = {
    "create_ticket": (create_arguments, _created_ticket),
    "update_ticket": (update_arguments, _updated_ticket),
    "add_action": (action_arguments, _added_action),
    "upload_attachment": (upload_arguments, _uploaded),
}
REFUSED = re.compile(r"Nothing was written|Ticket \d+ does not exist\.")


def posts_since(sandbox: SandboxServer, mark: int) -> list[tuple[str, int]]:
    log = list(sandbox.state.request_log)[mark:]
    return [(r.path, r.status) for r in log if r.method == "POST" and r.path.startswith("/api/")]


@pytest.mark.parametrize("tool", sorted(WRITES))
@FUZZ
@given(data=st.data())
def test_a_write_does_what_its_preview_says_or_nothing(
    sandbox: SandboxServer, session: Session, tool: str, data: st.DataObject
) -> None:
    arguments_for, check = WRITES[tool]
    arguments = data.draw(arguments_for(sandbox.state), label="arguments")
    dry_run = data.draw(st.booleans(), label="dry_run")
    session.examples += 1
    state = sandbox.state

    before, mark = records(sandbox), len(state.request_log)
    preview = session.call(tool, {**arguments, "dry_run": True})
    no_leak(preview, arguments)
    assert posts_since(sandbox, mark) == [], "a dry run wrote"
    assert live(sandbox) == before, "a dry run changed a record"
    if preview.is_error:
        text = error_text(preview)
        assert "called with invalid arguments" not in text, text  # they fit the schema
        assert REFUSED.search(text), text
    else:
        answer = preview.structured_content or {}
        assert answer["dry_run"] is True
        assert answer["would_send"] or answer.get("would_add_action"), answer
    if dry_run:
        event(f"dry run: {'refused' if preview.is_error else 'accepted'}")
        return

    mark = len(state.request_log)
    result = session.call(tool, {**arguments, "dry_run": False})
    no_leak(result, arguments)
    after = live(sandbox)
    if preview.is_error:
        event("refused")
        assert result.is_error
        assert error_text(result) == error_text(preview)
        assert after == before
        assert posts_since(sandbox, mark) == []
    else:
        # The rules check every reference HaloPSA does, so what a dry run approves, the
        # (fault-free) sandbox accepts.
        assert not result.is_error, f"preview approved, HaloPSA refused: {error_text(result)}"
        event("written")
        answer = result.structured_content or {}
        assert answer["dry_run"] is False
        sent = (preview.structured_content or {})["would_send"] or {}
        resolving = (preview.structured_content or {}).get("would_add_action")
        assert len(posts_since(sandbox, mark)) == bool(sent) + bool(resolving)
        if tool == "upload_attachment":
            check(before, after, answer, sent, arguments)
        elif resolving:
            event("resolved by an action")
            after = _resolving_action(before, after, answer, resolving)
            check(before, after, answer, {**sent, "status_id": resolving["new_status"]})
        else:
            check(before, after, answer, sent)


def _resolving_action(
    before: tuple[Any, ...], after: tuple[Any, ...], answer: dict[str, Any], sent: dict[str, Any]
) -> tuple[Any, ...]:
    """The action a resolving ticket write added, checked against its preview; ``after``
    without it, for the ticket's own check."""
    action_id = answer["action"]["id"]
    assert set(after[1]) - set(before[1]) == {action_id}
    stored = after[1][action_id]
    assert stored.ticket_id == answer["ticket"]["id"]
    assert sent.get("ticket_id", stored.ticket_id) == stored.ticket_id
    assert (stored.outcome_id, stored.new_status) == (sent["outcome_id"], sent["new_status"])
    assert stored.note_html == sent["note_html"]
    check_stored_text("note_html", stored.note_html)
    assert (stored.hiddenfromuser, stored.sendemail) == (True, False)
    actions = {k: v for k, v in after[1].items() if k != action_id}
    return (after[0], actions, *after[2:])


# --- Found by this fuzzing: references the rules did not check -------------------------


NEW = {"summary": "Scanner on the second floor jams", "client_id": 12, "ticket_type_id": 1}


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("create_ticket", {**NEW, "client_id": 34}),  # seed: the inactive client
        ("create_ticket", {**NEW, "site_id": 43}),  # seed: a site of client 15
        ("create_ticket", {**NEW, "user_id": 206}),  # seed: a user of client 15
        ("create_ticket", {**NEW, "team": "No Such Team"}),
        ("update_ticket", {"ticket_id": 1116, "team": "No Such Team"}),
    ],
)
def test_a_dry_run_refuses_what_halopsa_would_refuse(
    sandbox: SandboxServer, session: Session, tool: str, arguments: dict[str, Any]
) -> None:
    """Once approved by a dry run, these were refused by HaloPSA itself, after a POST."""
    before, mark = records(sandbox), len(sandbox.state.request_log)
    for dry_run in (True, False):
        result = session.call(tool, {**arguments, "dry_run": dry_run})
        assert "Nothing was written: the request breaks" in error_text(result)
    assert live(sandbox) == before
    assert posts_since(sandbox, mark) == []
