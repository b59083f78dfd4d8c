"""GET and POST /api/Attachment: JSON with base64 data, not multipart."""

import base64
from collections.abc import Callable

import httpx

from halopsa_mcp.sandbox import SandboxServer

DATA = b"line one\nline two\n\x00\xff binary tail"


def upload(api: httpx.Client, ticket_id: int = 1001, **fields: object) -> httpx.Response:
    item = {"ticket_id": ticket_id, "filename": "notes.txt", "data_base64": b64(DATA)} | fields
    return api.post("/Attachment", json=[item])


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_upload_list_and_read_back(api: httpx.Client) -> None:
    response = upload(api, desc="router log")
    assert response.status_code == 200, response.text
    saved = response.json()
    assert saved["filename"] == "notes.txt"
    assert saved["filesize"] == len(DATA)
    assert saved["content_type"] == "text/plain"
    assert saved["isimage"] is False
    assert "data_base64" not in saved
    listed = api.get("/Attachment", params={"ticket_id": 1001}).json()
    assert listed["record_count"] == len(listed["attachments"])
    assert saved["id"] in {a["id"] for a in listed["attachments"]}
    assert all("data_base64" not in a for a in listed["attachments"])
    one = api.get(f"/Attachment/{saved['id']}")
    assert one.content == DATA
    assert api.get("/Tickets/1001").json()["attachment_count"] == listed["record_count"]


def test_one_attachment_is_answered_as_the_file(api: httpx.Client) -> None:
    """As live HaloPSA: the bytes, their type, and the name in Content-Disposition."""
    saved = upload(api, filename='Année "Q1" \\ plan.pdf').json()
    one = api.get(f"/Attachment/{saved['id']}", params={"includedetails": "true"})
    assert one.status_code == 200
    assert one.content == DATA
    assert one.headers["content-type"] == "application/pdf"
    assert one.headers["content-disposition"] == (
        'attachment; filename="Ann_e _Q1_ _ plan.pdf"; '
        "filename*=UTF-8''Ann%C3%A9e%20%22Q1%22%20%5C%20plan.pdf"
    )


def test_one_attachment_as_a_json_record_when_configured(
    start_sandbox: Callable[..., SandboxServer], connect: Callable[..., httpx.Client]
) -> None:
    client = connect(start_sandbox(attachment_by_id="record").url)
    saved = upload(client).json()
    one = client.get(f"/Attachment/{saved['id']}", params={"includedetails": "true"}).json()
    assert (one["filename"], base64.b64decode(one["data_base64"])) == ("notes.txt", DATA)
    assert "data_base64" not in client.get(f"/Attachment/{saved['id']}").json()


def test_image_is_recognised_from_the_filename(api: httpx.Client) -> None:
    saved = upload(api, filename="screen.png").json()
    assert (saved["isimage"], saved["content_type"]) == (True, "image/png")


def test_attached_to_an_action_of_the_ticket(sandbox: SandboxServer, api: httpx.Client) -> None:
    action = next(a for a in sandbox.state.actions.values() if a.ticket_id == 1001)
    saved = upload(api, action_id=action.id).json()
    assert saved["action_id"] == action.id
    by_action = api.get("/Attachment", params={"action_id": action.id}).json()
    assert [a["id"] for a in by_action["attachments"]] == [saved["id"]]
    other = next(a for a in sandbox.state.actions.values() if a.ticket_id != 1001)
    assert upload(api, action_id=other.id).status_code == 400


def test_invalid_uploads(api: httpx.Client) -> None:
    bad_base64 = upload(api, data_base64="not base64!")
    assert (bad_base64.status_code, "not valid base64" in bad_base64.text) == (400, True)
    assert upload(api, filename=" ").status_code == 400
    assert upload(api, data_base64="").status_code == 400
    assert upload(api, ticket_id=999999).status_code == 404
    only_data = upload(api, data=b64(DATA), data_base64=None)  # the bytes go in data_base64
    assert (only_data.status_code, only_data.text) == (400, "sandbox: data_base64 is required")
    multipart = api.post("/Attachment", files={"file": ("notes.txt", DATA)})
    assert multipart.status_code == 400


def test_oversize_is_413(
    start_sandbox: Callable[..., SandboxServer], connect: Callable[..., httpx.Client]
) -> None:
    server = start_sandbox(max_attachment_bytes=1024)
    client = connect(server.url)
    assert upload(client, data_base64=b64(b"x" * 1024)).status_code == 200
    response = upload(client, data_base64=b64(b"x" * 1025))
    assert response.status_code == 413
    assert "1024 bytes" in response.text


def test_unknown_attachment_is_404(api: httpx.Client) -> None:
    response = api.get("/Attachment/1")
    assert (response.status_code, response.text) == (404, "Attachment 1 not found")
