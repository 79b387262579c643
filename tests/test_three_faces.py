"""One contract, three faces: the validator, the fake and the strategies agree.

The differential tests draw a fixed budget of derandomized examples (the ``ci`` profile) and
hold the faces to each other; ``tests/contract/test_teeth.py`` breaks each face in turn and
shows that these checks notice. Below them, one test per decision of ``schemas/README.md``
("PATCH and the id of an upsert") holds all three faces to it.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from sendcloud_contract import patching
from sendcloud_contract.contract.documents import patched
from sendcloud_contract.strategies import (
    edge_case_batches,
    edge_case_orders,
    order_batches,
    order_updates,
    orders,
)
from sendcloud_contract.validation import validate
from tests.three_faces import FACES, Client, budget, errors_of, run_check, small_order


def test_drawn_batches_are_valid_accepted_and_read_back_as_sent() -> None:
    run_check("batches", FACES, budget("batches"))


def test_edge_case_batches_are_valid_accepted_and_read_back_as_sent() -> None:
    run_check("edge", FACES, budget("edge"))


def test_invalid_orders_are_refused_by_validator_and_fake_alike() -> None:
    run_check("invalid", FACES, budget("invalid"))


def test_drawn_updates_are_valid_accepted_and_change_exactly_what_they_name() -> None:
    run_check("updates", FACES, budget("updates"))


def test_the_fake_refuses_exactly_the_patches_the_validator_reports() -> None:
    run_check("refusals", FACES, budget("refusals"))


# ---------------------------------------------------------------------------------------------
# The four decisions, each held to all three faces
# ---------------------------------------------------------------------------------------------


def _order_violations(order: Any) -> list[Any]:
    return list(validate(order, "order").violations)


def _stored(order: dict[str, Any]) -> tuple[Client, int]:
    client = Client(FACES, [order["order_details"]["integration"]["id"]])
    return client, client.store(order)


# 1. An id in an upsert names a stored order.


@settings(max_examples=60)
@given(st.one_of(edge_case_batches(), order_batches(max_size=5)))
def test_an_upsert_id_the_strategies_never_make_up(batch: list[dict[str, Any]]) -> None:
    assert [o["id"] for o in batch if "id" in o] == []


def test_an_upsert_id_names_a_stored_order_on_every_face() -> None:
    order = small_order()
    made_up = order | {"id": "123"}
    assert validate([made_up], "order-batch").errors == []  # the validator cannot know

    client, pk = _stored(order)
    refused = client.post([order | {"id": "123"}])
    assert refused.status == 400
    assert errors_of(refused) == [("/data/attributes/[0]/id", "Order with id 123 does not exist")]
    assert len(client.fake.orders()) == 1

    again = client.post([order | {"id": str(pk), "order_number": "F-2"}])
    assert again.status == 201
    assert again.body["data"][0]["id"] == pk
    assert client.get(pk)["order_number"] == "F-2"


# 2. A PATCH that creates an object gives what that object requires.


def test_a_patch_creating_an_incomplete_object_is_refused_at_the_missing_member() -> None:
    client, pk = _stored(small_order())
    current = client.get(pk)
    body = {"customer_details": {"email": "a@b.example"}}
    assert validate(body, "order-update").errors == []  # alone, the body is fine

    [finding] = patching.merge_violations(current, body, _order_violations)
    assert (finding.pointer, finding.rule) == ("/customer_details", "required")
    assert finding.sendcloud_pointer == "/data/attributes/customer_details/name"
    assert finding.message == (
        "customer_details.name: Field required in the order this PATCH would make"
    )
    assert finding.hint is not None
    assert "the order has no customer_details" in finding.hint

    before = client.fake.orders()
    reply = client.call("PATCH", f"/orders/{pk}", body)
    assert reply.status == 400
    assert errors_of(reply) == [(finding.sendcloud_pointer, finding.message)]
    assert client.fake.orders() == before

    complete = {"customer_details": {"name": "Ann Lee", "email": "a@b.example"}}
    assert patching.merge_violations(current, complete, _order_violations) == []
    assert client.call("PATCH", f"/orders/{pk}", complete).status == 200
    assert client.get(pk)["customer_details"] == complete["customer_details"]


@settings(max_examples=100)
@given(st.data())
def test_order_updates_create_objects_whole(data: st.DataObject) -> None:
    order = data.draw(orders(), label="order")
    order.pop("customer_details", None)
    body = data.draw(order_updates(order), label="patch")
    if "customer_details" in body:
        assert "name" in body["customer_details"]
    assert patching.merge_violations(order, body, _order_violations) == []


# 3. A service point is replaced whole.


_POINT = {"id": "123", "post_number": "567890", "latitude": "52.37", "longitude": "4.89"}


def test_a_service_point_is_replaced_whole_on_every_face() -> None:
    client, pk = _stored(small_order() | {"service_point_details": _POINT})
    current = client.get(pk)
    body = {"service_point_details": {"carrier_service_point_id": "00042"}}

    assert validate(body, "order-update").errors == []
    assert patching.merge_violations(current, body, _order_violations) == []
    assert patching.merge(current, body)["service_point_details"] == body["service_point_details"]
    assert patched(current, body)["service_point_details"] == body["service_point_details"]

    reply = client.call("PATCH", f"/orders/{pk}", body)
    assert reply.status == 200, errors_of(reply)
    assert client.get(pk)["service_point_details"] == {"carrier_service_point_id": "00042"}


def test_order_updates_swap_a_service_points_key() -> None:
    stored = small_order() | {"service_point_details": _POINT}
    swaps = []

    @settings(max_examples=150, phases=[Phase.generate])
    @given(order_updates(stored))
    def draw(body: dict[str, Any]) -> None:
        assert patching.merge_violations(stored, body, _order_violations) == []
        if "carrier_service_point_id" in body.get("service_point_details", {}):
            swaps.append(body)

    draw()
    assert swaps


# 4. A body of an id alone names the order, and changes nothing.


def test_an_id_alone_is_accepted_for_its_own_order_and_refused_for_another() -> None:
    client, pk = _stored(small_order())
    current = client.get(pk)
    before = client.fake.orders()

    own = {"id": str(pk)}
    assert validate(own, "order-update").errors == []
    assert patching.merge_violations(current, own, _order_violations) == []
    assert client.call("PATCH", f"/orders/{pk}", own).status == 200
    assert client.fake.orders() == before  # nothing changed, modified_at included

    other = {"id": str(pk + 1)}
    assert validate(other, "order-update").errors == []
    [finding] = patching.merge_violations(current, other, _order_violations)
    assert finding.rule == patching.ID_MISMATCH
    assert finding.rule in patching.STATE_RULES
    assert finding.message == f"Order id {pk + 1} does not match the order {pk} in the URL"
    reply = client.call("PATCH", f"/orders/{pk}", other)
    assert reply.status == 400
    assert errors_of(reply) == [("/data/attributes/id", finding.message)]
    assert client.fake.orders() == before


@settings(max_examples=100)
@given(st.data())
def test_order_updates_name_only_the_orders_own_ids(data: st.DataObject) -> None:
    order = data.draw(st.one_of(orders(), edge_case_orders()), label="order")
    stored = copy.deepcopy(order) | {"id": "669"}
    body = data.draw(order_updates(stored), label="patch")
    assert body.get("id", "669") == "669"
    assert body.get("order_id", order["order_id"]) == order["order_id"]
