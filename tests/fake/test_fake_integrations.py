"""Integrations: an account that declares none knows every id a request names; declared ones
are strict, as on Sendcloud ("Integration with id N does not exist")."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import orjson
import pytest

from sendcloud_contract.fake import BASE_URL, Account, FakeSendcloud, Reply, mock_sendcloud
from sendcloud_contract.fake.models import MAX_INTEGRATION_ID
from sendcloud_contract.fake.server import add_arguments, build_fake
from tests.fake.helpers import make_order

DEFAULT_AUTH = ("fake-public-key", "fake-secret-key")
DECLARED = Account("declared-public", "declared-secret", (7,))
BATCH_INTEGRATION = "/data/attributes/[0]/order_details/integration/id"


def call(
    fake: FakeSendcloud,
    method: str,
    path: str,
    body: Any = None,
    auth: tuple[str, str] = DEFAULT_AUTH,
) -> Reply:
    token = base64.b64encode(":".join(auth).encode()).decode()
    headers = {"authorization": f"Basic {token}", "content-type": "application/json"}
    content = b"" if body is None else orjson.dumps(body)
    return fake.handle(method, BASE_URL + path, headers, content)


def details(reply: Reply) -> list[tuple[str, str]]:
    return [(e.get("source", {}).get("pointer", ""), e["detail"]) for e in reply.body["errors"]]


def integrations_of(fake: FakeSendcloud) -> list[int]:
    return [o["order_details"]["integration"]["id"] for o in fake.orders()]


def test_the_default_fake_stores_an_order_of_any_integration() -> None:
    fake = FakeSendcloud()

    reply = call(fake, "POST", "/orders", [make_order("A", 7), make_order("B", 4711)])

    assert reply.status == 201, reply.body
    assert integrations_of(fake) == [7, 4711]


def test_an_undeclared_account_lists_and_patches_across_integrations() -> None:
    fake = FakeSendcloud()
    call(fake, "POST", "/orders", [make_order("A", 7), make_order("B", 8)])

    listed = call(fake, "GET", "/orders?integration=8")
    moved = call(fake, "PATCH", "/orders/1", {"order_details": {"integration": {"id": 9}}})

    assert [o["order_id"] for o in listed.body["data"]] == ["B"]
    assert moved.status == 200, moved.body
    assert integrations_of(fake) == [9, 8]


def test_an_upsert_key_still_holds_the_integration() -> None:
    fake = FakeSendcloud()

    first = call(fake, "POST", "/orders", [make_order("A", 7)])
    again = call(fake, "POST", "/orders", [make_order("A", 7), make_order("A", 8)])

    assert [o["id"] for o in again.body["data"]] == [first.body["data"][0]["id"], 2]


@pytest.mark.parametrize("integration", [0, -3, MAX_INTEGRATION_ID + 1])
def test_an_id_no_integration_can_have_is_refused_even_undeclared(integration: int) -> None:
    fake = FakeSendcloud()

    reply = call(fake, "POST", "/orders", [make_order("A", integration)])

    assert reply.status == 400
    assert (BATCH_INTEGRATION, f"Integration with id {integration} does not exist") in details(
        reply
    )


def test_declared_integrations_refuse_every_other_id() -> None:
    fake = FakeSendcloud([DECLARED])
    auth = (DECLARED.public_key, DECLARED.secret_key)
    call(fake, "POST", "/orders", [make_order("A", 7)], auth=auth)

    created = call(fake, "POST", "/orders", [make_order("B", 8)], auth=auth)
    moved = call(
        fake, "PATCH", "/orders/1", {"order_details": {"integration": {"id": 8}}}, auth=auth
    )
    listed = call(fake, "GET", "/orders?integration=8", auth=auth)

    assert details(created) == [(BATCH_INTEGRATION, "Integration with id 8 does not exist")]
    assert details(moved) == [
        ("/data/attributes/order_details/integration/id", "Integration with id 8 does not exist")
    ]
    assert listed.status == 400
    assert listed.body["errors"][0]["source"] == {"parameter": "integration"}
    assert integrations_of(fake) == [7]


def test_an_undeclared_account_cannot_name_another_accounts_integration() -> None:
    fake = FakeSendcloud([Account(*DEFAULT_AUTH), DECLARED])

    refused = call(fake, "POST", "/orders", [make_order("A", 7)])
    listed = call(fake, "GET", "/orders?integration=7")
    stored = call(fake, "POST", "/orders", [make_order("A", 8)])

    assert details(refused) == [(BATCH_INTEGRATION, "Integration with id 7 does not exist")]
    assert listed.status == 400
    assert stored.status == 201


def test_only_one_account_may_leave_its_integrations_undeclared() -> None:
    fake = FakeSendcloud()

    with pytest.raises(ValueError, match="only one account can leave its integrations"):
        fake.add_account(Account("other-public", "other-secret"))
    assert fake.add_account(DECLARED) is DECLARED


def test_an_integration_in_use_cannot_be_declared_by_another_account() -> None:
    fake = FakeSendcloud()
    call(fake, "POST", "/orders", [make_order("A", 7)])

    with pytest.raises(ValueError, match=r"integration\(s\) \[7\] already belong"):
        fake.add_account(DECLARED)


def test_mock_sendcloud_takes_a_first_order_of_any_integration() -> None:
    with mock_sendcloud() as fake:
        response = httpx.post(f"{BASE_URL}/orders", json=[make_order("A", 4711)], auth=DEFAULT_AUTH)

    assert response.status_code == 201, response.text
    assert integrations_of(fake) == [4711]


def serve_options(*argv: str) -> Any:
    import argparse

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(argv))


def test_serve_without_integrations_knows_every_id_and_with_them_only_those() -> None:
    open_fake = build_fake(serve_options())
    strict_fake = build_fake(serve_options("--integration", "7"))

    accepted = call(open_fake, "POST", "/orders", [make_order("A", 4711)])
    refused = call(strict_fake, "POST", "/orders", [make_order("A", 4711)])

    assert accepted.status == 201
    assert refused.status == 400
    assert details(refused)[0][1] == "Integration with id 4711 does not exist"
