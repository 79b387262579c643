"""Any JSON value at any place of an order or a PATCH body: the fake answers as the contract
says (201, 200 or a JSON:API 400), never with a crash or a 500."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sendcloud_contract.fake import BASE_URL, FakeSendcloud, Reply
from sendcloud_contract.schemas import compiled
from sendcloud_contract.strategies import edge_case_orders, order_updates
from tests.anywhere import replace_somewhere
from tests.fake.helpers import ALICE, json_headers

URL = BASE_URL + "/orders"
HEADERS = json_headers(ALICE)


def _owned(order: dict[str, Any]) -> dict[str, Any]:
    """The order in an integration the account owns, so that it reaches the upsert."""
    order["order_details"]["integration"] = {"id": ALICE.integrations[0]}
    return order


def _answered_by_the_contract(reply: Reply, success: int, kind: str) -> None:
    assert reply.status in (success, 400), reply.body
    body_kind = kind if reply.status == success else "errors"
    problems = [e.message for e in compiled(body_kind).iter_errors(reply.body)]
    assert problems == [], reply.body


@given(data=st.data())
def test_a_post_with_any_value_anywhere_is_answered_by_the_contract(data: st.DataObject) -> None:
    order = _owned(data.draw(edge_case_orders()))
    path = replace_somewhere(data, order)
    fake = FakeSendcloud([ALICE])
    reply = fake.handle("POST", URL, HEADERS, json.dumps([order]).encode())
    _answered_by_the_contract(reply, 201, "order-batch-response")
    assert len(fake.orders()) == (1 if reply.status == 201 else 0), path


@given(data=st.data())
def test_a_patch_with_any_value_anywhere_is_answered_by_the_contract(
    data: st.DataObject,
) -> None:
    order = _owned(data.draw(edge_case_orders()))
    fake = FakeSendcloud([ALICE])
    created = fake.handle("POST", URL, HEADERS, json.dumps([order]).encode())
    assert created.status == 201, created.body
    [stored] = fake.orders()
    body = data.draw(order_updates(stored))
    if not body:
        return  # an empty body has no place to put a value
    path = replace_somewhere(data, body)
    reply = fake.handle("PATCH", f"{URL}/{stored['id']}", HEADERS, json.dumps(body).encode())
    _answered_by_the_contract(reply, 200, "order-update-response")
    if reply.status == 400:
        assert fake.orders() == [stored], f"a refused PATCH changed the order ({path})"
