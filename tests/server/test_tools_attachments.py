"""upload_attachment and list_attachments through a real MCP client."""

import base64
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.server import MCPServer

from halopsa_mcp.rules.wording import shown
from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server.services import Services

from .conftest import ok, records, refusal, writes

Make = Callable[..., MCPServer[Services]]
TICKET = 1001  # seed: an open ticket with no attachments of its own
LIMIT = int(0.001 * 1024 * 1024)  # HALOPSA_MAX_ATTACHMENT_MB="0.001", in bytes
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


async def refused_upload(
    sandbox: SandboxServer, server: MCPServer[Services], arguments: dict[str, Any]
) -> str:
    """The refusal of one upload_attachment call, after proving it wrote nothing."""
    before = records(sandbox)
    async with Client(server) as c:
        text = refusal(await c.call_tool("upload_attachment", arguments))
    assert records(sandbox) == before
    assert writes(sandbox) == []
    return text


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The one folder the server may read attachments from."""
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    return allowed


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A real, readable file outside the allowed folder."""
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("not for the model")
    return secret


# Uploading


async def test_upload_from_content_is_listed_and_stored(
    sandbox: SandboxServer, make_server: Make
) -> None:
    async with Client(make_server()) as c:
        saved = ok(
            await c.call_tool(
                "upload_attachment",
                {
                    "ticket_id": TICKET,
                    "filename": "screen.png",
                    "content_base64": b64(PNG),
                    "description": "Error dialog",
                },
            )
        )
        listed = ok(await c.call_tool("list_attachments", {"ticket_id": TICKET}))
    assert saved["dry_run"] is False
    row = saved["attachment"]
    assert row["filename"] == "screen.png"
    assert row["size_bytes"] == len(PNG)
    assert row["is_image"] is True
    assert row["description"] == "Error dialog"
    assert listed["ticket_id"] == TICKET
    assert [a["id"] for a in listed["attachments"]] == [row["id"]]
    assert listed["attachments"][0]["filename"] == "screen.png"
    stored = sandbox.state.attachments[row["id"]]
    assert stored.ticket_id == TICKET
    assert stored.data == PNG
    assert stored.isimage is True
    assert writes(sandbox) == ["POST /api/Attachment"]


async def test_upload_from_an_allowed_path_names_it_after_the_file(
    sandbox: SandboxServer, make_server: Make, folder: Path
) -> None:
    report = folder / "disk-report.txt"
    report.write_bytes(b"SMART: 12 reallocated sectors\n")
    async with Client(make_server(HALOPSA_ATTACHMENT_DIRS=str(folder))) as c:
        saved = ok(
            await c.call_tool("upload_attachment", {"ticket_id": TICKET, "path": str(report)})
        )
        listed = ok(await c.call_tool("list_attachments", {"ticket_id": TICKET}))
    row = saved["attachment"]
    assert row["filename"] == "disk-report.txt"
    assert row["is_image"] is False
    assert sandbox.state.attachments[row["id"]].data == report.read_bytes()
    assert sandbox.state.attachments[row["id"]].filename == "disk-report.txt"
    assert [a["filename"] for a in listed["attachments"]] == ["disk-report.txt"]


async def test_upload_from_a_path_keeps_an_explicit_filename(
    sandbox: SandboxServer, make_server: Make, folder: Path
) -> None:
    (folder / "nested").mkdir()
    source = folder / "nested" / "tmp123.log"
    source.write_bytes(b"boot log")
    async with Client(make_server(HALOPSA_ATTACHMENT_DIRS=str(folder))) as c:
        saved = ok(
            await c.call_tool(
                "upload_attachment",
                {"ticket_id": TICKET, "path": str(source), "filename": "boot.log"},
            )
        )
    assert sandbox.state.attachments[saved["attachment"]["id"]].filename == "boot.log"


async def test_dry_run_reports_the_size_and_writes_nothing(
    sandbox: SandboxServer, make_server: Make
) -> None:
    before = records(sandbox)
    async with Client(make_server()) as c:
        preview = ok(
            await c.call_tool(
                "upload_attachment",
                {
                    "ticket_id": TICKET,
                    "filename": "../shot.PNG",
                    "content_base64": b64(PNG),
                    "dry_run": True,
                },
            )
        )
    assert preview["dry_run"] is True
    assert preview["attachment"] is None
    sent = preview["would_send"]
    assert sent["size_bytes"] == len(PNG)
    assert sent["filename"] == "shot.PNG"
    assert sent["ticket_id"] == TICKET
    assert sent["isimage"] is True
    assert "content_base64" not in sent
    assert b64(PNG) not in str(preview)
    assert records(sandbox) == before
    assert writes(sandbox) == []


# File names


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ('re\x00po\x1brt<1>:"a|b?*.txt', "report_1___a_b__.txt"),
        ("\u202egnp.exe", "gnp.exe"),
        (".htaccess", "htaccess"),
        ("...", "attachment"),
    ],
)
async def test_unsafe_file_names_are_stored_safe(
    sandbox: SandboxServer, make_server: Make, given: str, stored: str
) -> None:
    async with Client(make_server()) as c:
        saved = ok(
            await c.call_tool(
                "upload_attachment",
                {"ticket_id": TICKET, "filename": given, "content_base64": b64(b"data")},
            )
        )
    assert saved["attachment"]["filename"] == stored
    assert sandbox.state.attachments[saved["attachment"]["id"]].filename == stored


async def test_a_long_file_name_is_cut_keeping_its_extension(
    sandbox: SandboxServer, make_server: Make
) -> None:
    async with Client(make_server()) as c:
        saved = ok(
            await c.call_tool(
                "upload_attachment",
                {
                    "ticket_id": TICKET,
                    "filename": "q" * 300 + ".pdf",
                    "content_base64": b64(b"%PDF-1.7"),
                },
            )
        )
    name = sandbox.state.attachments[saved["attachment"]["id"]].filename
    assert len(name) <= 200
    assert name.endswith(".pdf")
    assert name.startswith("qqqq")
    assert saved["attachment"]["filename"] == name


# Refusals: arguments


async def test_invalid_base64_is_refused(sandbox: SandboxServer, make_server: Make) -> None:
    text = await refused_upload(
        sandbox,
        make_server(),
        {"ticket_id": TICKET, "filename": "a.txt", "content_base64": "this is *not* base64!"},
    )
    assert "content_base64" in text
    assert "base64" in text.split("content_base64", 1)[1]


async def test_empty_content_is_refused(sandbox: SandboxServer, make_server: Make) -> None:
    text = await refused_upload(
        sandbox, make_server(), {"ticket_id": TICKET, "filename": "a.txt", "content_base64": ""}
    )
    assert "content_base64" in text
    assert "empty" in text


async def test_content_and_path_together_are_refused(
    sandbox: SandboxServer, make_server: Make, folder: Path
) -> None:
    source = folder / "a.txt"
    source.write_text("a")
    text = await refused_upload(
        sandbox,
        make_server(HALOPSA_ATTACHMENT_DIRS=str(folder)),
        {"ticket_id": TICKET, "filename": "a.txt", "content_base64": b64(b"a"),
         "path": str(source)},
    )  # fmt: skip
    assert "exactly one" in text
    assert "path" in text


async def test_neither_content_nor_path_is_refused(
    sandbox: SandboxServer, make_server: Make
) -> None:
    text = await refused_upload(sandbox, make_server(), {"ticket_id": TICKET, "filename": "a.txt"})
    assert "exactly one" in text
    assert "content_base64" in text
    assert "path" in text


@pytest.mark.parametrize("filename", [None, "", "   "])
async def test_content_without_a_filename_is_refused(
    sandbox: SandboxServer, make_server: Make, filename: str | None
) -> None:
    arguments: dict[str, Any] = {"ticket_id": TICKET, "content_base64": b64(b"hello")}
    if filename is not None:
        arguments["filename"] = filename
    text = await refused_upload(sandbox, make_server(), arguments)
    assert "filename" in text
    assert "required" in text


async def test_upload_to_an_unknown_ticket_is_refused(
    sandbox: SandboxServer, make_server: Make
) -> None:
    text = await refused_upload(
        sandbox,
        make_server(),
        {"ticket_id": 999_999, "filename": "a.txt", "content_base64": b64(b"hello")},
    )
    assert "999999" in text
    assert "search_tickets" in text


async def test_dry_run_to_an_unknown_ticket_is_refused(
    sandbox: SandboxServer, make_server: Make
) -> None:
    text = await refused_upload(
        sandbox,
        make_server(),
        {"ticket_id": 999_999, "filename": "a.txt", "content_base64": b64(b"hi"),
         "dry_run": True},
    )  # fmt: skip
    assert "999999" in text


# Refusals: size


async def test_oversize_content_is_refused(sandbox: SandboxServer, make_server: Make) -> None:
    server = make_server(HALOPSA_MAX_ATTACHMENT_MB="0.001")
    text = await refused_upload(
        sandbox,
        server,
        {"ticket_id": TICKET, "filename": "big.bin", "content_base64": b64(b"x" * (LIMIT + 1))},
    )
    assert "content_base64" in text
    assert "limit" in text
    # Just under the limit is fine (a length divisible by 3: base64 without padding).
    async with Client(server) as c:
        saved = ok(
            await c.call_tool(
                "upload_attachment",
                {
                    "ticket_id": TICKET,
                    "filename": "edge.bin",
                    "content_base64": b64(b"x" * (LIMIT - 10)),
                },
            )
        )
    assert len(sandbox.state.attachments[saved["attachment"]["id"]].data) == LIMIT - 10


@pytest.mark.parametrize(
    "encoded",
    [
        pytest.param(b64(b"x" * LIMIT), id="exactly-the-limit-with-padding"),
        pytest.param(
            "\n".join(re.findall(".{1,76}", b64(b"x" * (LIMIT - 8)))), id="mime-wrapped-under"
        ),
    ],
)
async def test_content_within_the_limit_is_accepted(
    sandbox: SandboxServer, make_server: Make, encoded: str
) -> None:
    size = len(base64.b64decode(encoded))
    assert size <= LIMIT
    async with Client(make_server(HALOPSA_MAX_ATTACHMENT_MB="0.001")) as c:
        saved = ok(
            await c.call_tool(
                "upload_attachment",
                {"ticket_id": TICKET, "filename": "edge.bin", "content_base64": encoded},
            )
        )
    assert len(sandbox.state.attachments[saved["attachment"]["id"]].data) == size


async def test_oversize_file_is_refused(
    sandbox: SandboxServer, make_server: Make, folder: Path
) -> None:
    big = folder / "big.bin"
    big.write_bytes(b"x" * 5000)
    text = await refused_upload(
        sandbox,
        make_server(HALOPSA_ATTACHMENT_DIRS=str(folder), HALOPSA_MAX_ATTACHMENT_MB="0.001"),
        {"ticket_id": TICKET, "path": str(big)},
    )
    assert "path" in text
    assert "limit" in text


async def test_empty_file_is_refused(
    sandbox: SandboxServer, make_server: Make, folder: Path
) -> None:
    empty = folder / "empty.txt"
    empty.touch()
    text = await refused_upload(
        sandbox, make_server(HALOPSA_ATTACHMENT_DIRS=str(folder)),
        {"ticket_id": TICKET, "path": str(empty)},
    )  # fmt: skip
    assert "empty" in text


async def test_oversize_message_tells_size_and_limit_apart(
    sandbox: SandboxServer, make_server: Make
) -> None:
    text = await refused_upload(
        sandbox,
        make_server(HALOPSA_MAX_ATTACHMENT_MB="0.001"),
        {"ticket_id": TICKET, "filename": "big.bin", "content_base64": b64(b"x" * 2000)},
    )
    size, limit = re.findall(r"(\d+(?:\.\d+)?) (?:MiB|KiB|bytes)", text)[:2]
    assert size != limit, text


# Refusals: paths


async def test_paths_are_refused_when_no_folder_is_allowed(
    sandbox: SandboxServer, make_server: Make, elsewhere: Path
) -> None:
    text = await refused_upload(
        sandbox, make_server(), {"ticket_id": TICKET, "path": str(elsewhere)}
    )
    assert "path" in text
    assert "HALOPSA_ATTACHMENT_DIRS" in text
    assert "content_base64" in text
    assert "not for the model" not in text


def _probes(folder: Path, elsewhere: Path) -> dict[str, str]:
    """Paths that must all be refused alike, whatever lies behind them."""
    link = folder / "innocent.txt"
    link.symlink_to(elsewhere)
    (folder / "subfolder").mkdir()
    return {
        "outside": str(elsewhere),
        "traversal": f"{folder}/../{elsewhere.parent.name}/{elsewhere.name}",
        "symlink": str(link),
        "missing": str(folder / "no-such-file.txt"),
        "missing outside": str(elsewhere.parent / "no-such-file.txt"),
        "directory": str(folder / "subfolder"),
        "folder itself": str(folder),
    }


@pytest.mark.parametrize(
    "probe",
    ["outside", "traversal", "symlink", "missing", "missing outside", "directory",
     "folder itself"],
)  # fmt: skip
async def test_paths_that_are_not_allowed_files_are_refused(
    sandbox: SandboxServer, make_server: Make, folder: Path, elsewhere: Path, probe: str
) -> None:
    path = _probes(folder, elsewhere)[probe]
    text = await refused_upload(
        sandbox,
        make_server(HALOPSA_ATTACHMENT_DIRS=str(folder)),
        {"ticket_id": TICKET, "path": path, "filename": "x.txt"},
    )
    assert "path" in text
    assert "not for the model" not in text


async def test_refused_paths_do_not_reveal_whether_the_file_exists(
    sandbox: SandboxServer, make_server: Make, folder: Path, elsewhere: Path
) -> None:
    probes = _probes(folder, elsewhere)
    server = make_server(HALOPSA_ATTACHMENT_DIRS=str(folder))
    before = records(sandbox)
    shapes = {}
    async with Client(server) as c:
        for probe, path in probes.items():
            text = refusal(await c.call_tool("upload_attachment", {"ticket_id": TICKET,
                                                                   "path": path}))  # fmt: skip
            # The caller's own path is echoed back; everything else must be identical.
            assert shown(path) in text
            shapes[probe] = text.replace(shown(path), "<PATH>")
    assert len(set(shapes.values())) == 1, shapes
    assert "HALOPSA_ATTACHMENT_DIRS" in shapes["missing"]
    for word in ("exist", "symlink", "link", "directory", "outside", "not found", "No such"):
        assert word not in shapes["missing"], shapes["missing"]
    assert records(sandbox) == before
    assert writes(sandbox) == []


async def test_a_symlink_to_a_file_inside_the_folder_is_allowed(
    sandbox: SandboxServer, make_server: Make, folder: Path
) -> None:
    real = folder / "real.txt"
    real.write_bytes(b"inside")
    (folder / "alias.txt").symlink_to(real)
    async with Client(make_server(HALOPSA_ATTACHMENT_DIRS=str(folder))) as c:
        saved = ok(
            await c.call_tool(
                "upload_attachment", {"ticket_id": TICKET, "path": str(folder / "alias.txt")}
            )
        )
    assert sandbox.state.attachments[saved["attachment"]["id"]].data == b"inside"


# Listing


async def test_list_attachments_of_a_seeded_ticket(
    sandbox: SandboxServer, make_server: Make
) -> None:
    ticket = min(a.ticket_id for a in sandbox.state.attachments.values())
    expected = {a.id: a for a in sandbox.state.attachments.values() if a.ticket_id == ticket}
    async with Client(make_server()) as c:
        listed = ok(await c.call_tool("list_attachments", {"ticket_id": ticket}))
    rows = listed["attachments"]
    assert {r["id"] for r in rows} == set(expected)
    for row in rows:
        assert row["filename"] == expected[row["id"]].filename
        assert row["size_bytes"] == len(expected[row["id"]].data)
        assert "data" not in row
        assert "data_base64" not in row


async def test_list_attachments_of_a_ticket_without_any_is_empty(make_server: Make) -> None:
    async with Client(make_server()) as c:
        listed = ok(await c.call_tool("list_attachments", {"ticket_id": TICKET}))
    assert listed == {"ticket_id": TICKET, "attachments": []}


async def test_list_attachments_of_an_unknown_ticket_says_how_to_find_one(
    make_server: Make,
) -> None:
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("list_attachments", {"ticket_id": 999_999}))
    assert "999999" in text
    assert "search_tickets" in text
