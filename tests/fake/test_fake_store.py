"""The order store on its own: the operations on plain values, without HTTP."""

from __future__ import annotations

import itertools

import pytest

from sendcloud_contract.fake import ManualClock, OrderStore, Refusal
from tests.fake.helpers import ALICE, BOB, START, make_order


@pytest.fixture
def store() -> OrderStore:
    return OrderStore(clock=ManualClock(START), ids=itertools.count(1))


def test_the_operations_work_on_plain_values(store: OrderStore) -> None:
    [created] = store.create(ALICE, [make_order("S-1")])
    assert created == {"id": 1, "order_id": "S-1", "order_number": "N-S-1"}
    assert store.retrieve(ALICE, 1)["order_id"] == "S-1"

    store.update(ALICE, 1, {"order_number": "renamed"})
    data, links = store.list_orders(ALICE, {})
    assert [order["order_number"] for order in data] == ["renamed"]
    assert links == []

    store.delete(ALICE, 1)
    assert store.orders() == []


def test_the_store_refuses_with_sendclouds_errors(store: OrderStore) -> None:
    store.create(ALICE, [make_order("S-2")])

    with pytest.raises(Refusal) as other_account:
        store.retrieve(BOB, 1)
    with pytest.raises(Refusal) as foreign_integration:
        store.create(ALICE, [make_order("S-3", 3)])

    assert other_account.value.status == 404
    assert foreign_integration.value.status == 400
    assert foreign_integration.value.errors[0]["detail"] == "Integration with id 3 does not exist"
