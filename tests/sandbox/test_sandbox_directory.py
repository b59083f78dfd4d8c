"""The directory lookups (clients, end users) filter and page as HaloPSA documents."""

from typing import Any

import httpx


def get(api: httpx.Client, path: str, **params: Any) -> Any:
    response = api.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_users_page_like_the_other_lists(api: httpx.Client) -> None:
    every = get(api, "/Users", client_id=12)
    page = get(api, "/Users", client_id=12, pageinate="true", page_size=2, page_no=2)
    assert every["record_count"] > 2
    assert page["record_count"] == every["record_count"]
    assert [u["id"] for u in page["users"]] == [u["id"] for u in every["users"][2:4]]
    assert (page["page_no"], page["page_size"]) == (2, 2)


def test_client_and_user_searches_ignore_case(api: httpx.Client) -> None:
    clients = get(api, "/Client", search="hARBOURside")["clients"]
    assert [c["id"] for c in clients] == [12]
    first = get(api, "/Users", client_id=12)["users"][0]
    found = get(api, "/Users", client_id=12, search=first["surname"].upper())["users"]
    assert first["id"] in [u["id"] for u in found]
