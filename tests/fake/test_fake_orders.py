"""The fake's documented behaviour, each test run through respx and through the ASGI app."""

from __future__ import annotations

import base64
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
import respx

from sendcloud_contract import validate
from sendcloud_contract.fake import ManualClock, RateLimit
from tests.fake.helpers import ALICE, BOB, START, Api, make_order


def errors_of(response: httpx.Response) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = response.json()["errors"]
    return errors


def details(response: httpx.Response) -> list[tuple[str | None, str]]:
    return [(e.get("source", {}).get("pointer"), e["detail"]) for e in errors_of(response)]


def ids_of(response: httpx.Response) -> list[str]:
    return [order["id"] for order in response.json()["data"]]


# ----------------------------------------------------------------------------- POST /orders


def test_batch_creates_orders_in_request_order(api: Api) -> None:
    response = api.alice.post("/orders", json=[make_order("a"), make_order("b", 2)])

    assert response.status_code == 201
    assert response.json() == {
        "data": [
            {"id": 1, "order_id": "a", "order_number": "N-a"},
            {"id": 2, "order_id": "b", "order_number": "N-b"},
        ]
    }


@pytest.mark.parametrize("body", [b'{"order_id": "a"}', b'"orders"', b"7", b"null"])
def test_batch_body_must_be_a_list(api: Api, body: bytes) -> None:
    response = api.alice.post("/orders", content=body, headers={"Content-Type": "application/json"})

    assert response.status_code == 400
    assert errors_of(response) == [
        {
            "status": "400",
            "code": "non_field_errors",
            "title": "Wrong format",
            "detail": "Wrong request format, expected list of objects",
        }
    ]


def test_batch_of_more_than_100_orders_is_refused_whole(api: Api) -> None:
    batch = [make_order(f"o-{n}") for n in range(101)]

    response = api.alice.post("/orders", json=batch)

    assert response.status_code == 400
    assert errors_of(response) == [
        {
            "status": "400",
            "code": "invalid",
            "detail": "Orders list should have at most 100 items, not 101",
            "source": {"pointer": "/data/attributes/"},
        }
    ]
    assert api.fake.orders() == []
    assert api.alice.post("/orders", json=batch[:100]).status_code == 201


def test_every_violation_comes_back_at_sendcloud_pointers(api: Api) -> None:
    missing = make_order("a")
    del missing["order_details"]["integration"]
    bad_quantity = make_order("b")
    bad_quantity["order_details"]["order_items"][0]["quantity"] = 0
    no_order_id = make_order("c")
    del no_order_id["order_id"]

    response = api.alice.post(
        "/orders", json=[make_order("ok"), missing, bad_quantity, no_order_id]
    )

    assert response.status_code == 400
    pointers = [pointer for pointer, _ in details(response)]
    assert pointers == [
        "/data/attributes/[1]/order_details/integration",
        "/data/attributes/[2]/order_details/order_items/0/quantity",
        "/data/attributes/[3]/order_id",
    ]
    assert all(e["code"] == "invalid" and e["status"] == "400" for e in errors_of(response))
    assert details(response)[1][1] == "Input should be greater than 0"
    assert details(response)[0][1] == details(response)[2][1] == "Field required"
    assert api.fake.orders() == []


def test_upsert_by_order_id_and_integration_replaces_keeping_id_and_created_at(
    api: Api, clock: ManualClock
) -> None:
    [first] = api.create(make_order("a", customer_details={"name": "Jan"}))
    clock.advance(60)

    changed = make_order("a", order_number="N-a-2", status="cancelled")
    response = api.alice.post("/orders", json=[changed])

    assert response.json()["data"] == [{"id": first, "order_id": "a", "order_number": "N-a-2"}]
    stored = api.alice.get(f"/orders/{first}").json()["data"]
    assert stored["order_number"] == "N-a-2"
    assert stored["order_details"]["status"]["code"] == "cancelled"
    assert "customer_details" not in stored, "an upsert replaces the order, it does not merge"
    assert stored["created_at"] == START.isoformat(timespec="microseconds")
    assert stored["modified_at"] == (START + timedelta(seconds=60)).isoformat(
        timespec="microseconds"
    )
    assert len(api.fake.orders()) == 1


def test_same_order_id_in_another_integration_is_another_order(api: Api) -> None:
    assert api.create(make_order("a", 1), make_order("a", 2)) == [1, 2]
    assert api.create(make_order("a", 2)) == [2]


def test_explicit_string_id_targets_that_order(api: Api) -> None:
    [first] = api.create(make_order("a"))

    response = api.alice.post("/orders", json=[make_order("a", 2, id=str(first))])

    assert response.status_code == 201
    assert response.json()["data"][0]["id"] == first
    moved = api.alice.get(f"/orders/{first}").json()["data"]
    assert moved["order_details"]["integration"]["id"] == 2
    assert len(api.fake.orders()) == 1


def test_integer_id_is_refused_as_sendcloud_does(api: Api) -> None:
    [first] = api.create(make_order("a"))

    response = api.alice.post("/orders", json=[make_order("a", id=first)])

    assert response.status_code == 400
    assert details(response) == [("/data/attributes/[0]/id", "Input should be a valid string")]


def test_unknown_explicit_id_is_an_error(api: Api) -> None:
    response = api.alice.post("/orders", json=[make_order("a"), make_order("b", id="999")])

    assert response.status_code == 400
    assert details(response) == [("/data/attributes/[1]/id", "Order with id 999 does not exist")]
    assert api.fake.orders() == []


def test_explicit_id_cannot_change_the_order_id(api: Api) -> None:
    [first] = api.create(make_order("abc-123"))

    response = api.alice.post("/orders", json=[make_order("xyz", id=str(first))])

    assert response.status_code == 400
    assert details(response) == [
        ("/data/attributes/[0]/order_id", "Order id abc-123 cannot be changed")
    ]


def test_integration_of_another_account_does_not_exist(api: Api) -> None:
    response = api.alice.post("/orders", json=[make_order("a"), make_order("b", 3)])

    assert response.status_code == 400
    assert details(response) == [
        (
            "/data/attributes/[1]/order_details/integration/id",
            "Integration with id 3 does not exist",
        )
    ]
    assert api.fake.orders() == []


def test_batch_is_all_or_nothing(api: Api) -> None:
    api.create(make_order("kept"))
    before = api.fake.orders()
    broken = make_order("new-2")
    broken["order_details"]["order_items"][1]["quantity"] = 0

    response = api.alice.post(
        "/orders",
        json=[make_order("kept", order_number="changed"), make_order("new-1"), broken],
    )

    assert response.status_code == 400
    assert [pointer for pointer, _ in details(response)] == [
        "/data/attributes/[2]/order_details/order_items/1/quantity"
    ]
    assert api.fake.orders() == before


def test_still_processing_conflict_refuses_the_batch_then_clears(api: Api) -> None:
    api.fake.still_processing("busy", times=1)
    batch = [make_order("other"), make_order("busy")]

    refused = api.alice.post("/orders", json=batch)
    accepted = api.alice.post("/orders", json=batch)

    assert refused.status_code == 400
    assert errors_of(refused) == [
        {
            "status": "400",
            "code": "invalid",
            "detail": "We are still processing a previous request. Please try again in a moment.",
            "source": {"pointer": "/data"},
        }
    ]
    assert accepted.status_code == 201
    assert [o["order_id"] for o in api.fake.orders()] == ["other", "busy"]


def test_identical_upsert_leaves_modified_at_alone(api: Api, clock: ManualClock) -> None:
    [first] = api.create(make_order("a"))
    before = api.alice.get(f"/orders/{first}").json()["data"]["modified_at"]
    clock.advance(3600)

    api.create(make_order("a"))

    assert api.alice.get(f"/orders/{first}").json()["data"]["modified_at"] == before


def test_modified_at_moves_forward_on_every_change_even_with_a_frozen_clock(api: Api) -> None:
    [first] = api.create(make_order("a"))
    stamps = [api.alice.get(f"/orders/{first}").json()["data"]["modified_at"]]
    for number in ("2", "3"):
        api.create(make_order("a", order_number=number))
        stamps.append(api.alice.get(f"/orders/{first}").json()["data"]["modified_at"])
    api.alice.patch(f"/orders/{first}", json={"order_details": {"notes": "fragile"}})
    stamps.append(api.alice.get(f"/orders/{first}").json()["data"]["modified_at"])

    assert stamps == sorted(set(stamps)), stamps


def test_read_only_fields_sent_by_the_client_are_ignored(api: Api) -> None:
    sent = make_order("a", created_at="2000-01-01T00:00:00Z", modified_at="2000-01-01T00:00:00Z")
    [first] = api.create(sent)

    stored = api.alice.get(f"/orders/{first}").json()["data"]

    assert stored["created_at"] == START.isoformat(timespec="microseconds")
    assert stored["modified_at"] == START.isoformat(timespec="microseconds")


# ----------------------------------------------------------------------------- GET /orders/{id}


def test_retrieve_answers_the_order_with_a_digit_string_id(api: Api) -> None:
    sent = make_order("a")
    [first] = api.create(sent)

    response = api.alice.get(f"/orders/{first}")

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["id"] == str(first)
    assert data["created_at"] == data["modified_at"] == START.isoformat(timespec="microseconds")
    assert {k: v for k, v in data.items() if k not in ("id", "created_at", "modified_at")} == sent


@pytest.mark.parametrize("path", ["/orders/999", "/orders/0"])
def test_retrieve_unknown_order_is_404(api: Api, path: str) -> None:
    response = api.alice.get(path)

    assert response.status_code == 404
    assert errors_of(response) == [
        {
            "status": "404",
            "code": "not_found",
            "title": "Not found",
            "detail": "The order could not be found with the search criteria given",
        }
    ]


# ----------------------------------------------------------------------------- PATCH /orders/{id}


def test_patch_deep_merges_and_answers_the_integer_id(api: Api, clock: ManualClock) -> None:
    [first] = api.create(make_order("a"))
    clock.advance(5)

    response = api.alice.patch(
        f"/orders/{first}",
        json={
            "id": str(first),
            "order_id": "a",
            "order_details": {
                "status": {"code": "shipped"},
                "tags": ["october_campaign"],
                "order_items": [{"name": "Scented candle", "quantity": 3}],
            },
            "shipping_address": {"city": "Amersfoort"},
        },
    )

    assert response.status_code == 200
    assert response.json() == {"data": {"id": first, "order_id": "a", "order_number": "N-a"}}
    data = api.alice.get(f"/orders/{first}").json()["data"]
    details_ = data["order_details"]
    assert details_["status"] == {"code": "shipped", "message": "Fulfilled"}
    assert details_["tags"] == ["october_campaign"]
    assert [(i["name"], i["quantity"]) for i in details_["order_items"]] == [
        ("Cylinder candle", 1),
        ("Scented candle", 3),
    ]
    assert details_["order_items"][1]["unit_price"] == {"value": 5.5, "currency": "EUR"}
    assert data["shipping_address"]["city"] == "Amersfoort"
    assert data["shipping_address"]["postal_code"] == "3511 AB"
    assert data["modified_at"] == (START + timedelta(seconds=5)).isoformat(timespec="microseconds")
    assert data["created_at"] == START.isoformat(timespec="microseconds")


def test_patch_with_an_unknown_item_name_changes_nothing(api: Api) -> None:
    [first] = api.create(make_order("a"))
    before = api.fake.orders()

    response = api.alice.patch(
        f"/orders/{first}",
        json={
            "order_number": "changed",
            "order_details": {
                "status": {"code": "shipped"},
                "order_items": [
                    {"name": "Cylinder candle", "quantity": 9},
                    {"name": "Teapot", "quantity": 1},
                ],
            },
            "shipping_address": {"city": "Elsewhere"},
        },
    )

    assert response.status_code == 400
    assert errors_of(response) == [
        {
            "status": "400",
            "code": "invalid",
            "detail": "Could not find specified item. The order has no item named 'Teapot': "
            "PATCH changes items by name and never adds one (POST /orders does)",
            "source": {"pointer": "/data/attributes/order_details/order_items/1/name"},
        }
    ]
    assert api.fake.orders() == before


def test_patch_cannot_add_or_remove_items(api: Api) -> None:
    [first] = api.create(make_order("a"))

    api.alice.patch(
        f"/orders/{first}",
        json={"order_details": {"order_items": [{"name": "Cylinder candle", "quantity": 4}]}},
    )
    added = api.alice.patch(
        f"/orders/{first}",
        json={"order_details": {"order_items": [{"name": "New thing", "quantity": 1}]}},
    )

    items = api.alice.get(f"/orders/{first}").json()["data"]["order_details"]["order_items"]
    assert [(i["name"], i["quantity"]) for i in items] == [
        ("Cylinder candle", 4),
        ("Scented candle", 2),
    ]
    assert added.status_code == 400


def test_patch_unknown_order_is_404(api: Api) -> None:
    response = api.alice.patch("/orders/404", json={"order_number": "x"})

    assert response.status_code == 404
    assert details(response) == [(None, "Could not find specified item.")]


def test_patch_cannot_change_the_order_id(api: Api) -> None:
    [first] = api.create(make_order("abc-123"))

    response = api.alice.patch(f"/orders/{first}", json={"order_id": "other"})

    assert response.status_code == 400
    assert details(response) == [
        ("/data/attributes/order_id", "Order id abc-123 cannot be changed")
    ]


def test_patch_body_is_validated_with_the_contract(api: Api) -> None:
    [first] = api.create(make_order("a"))

    response = api.alice.patch(
        f"/orders/{first}",
        json={"order_details": {"order_items": [{"name": "Cylinder candle", "quantity": 0}]}},
    )

    assert response.status_code == 400
    assert details(response) == [
        (
            "/data/attributes/order_details/order_items/0/quantity",
            "Input should be greater than 0",
        )
    ]


def test_patch_null_removes_an_optional_field(api: Api) -> None:
    [first] = api.create(make_order("a", customs_details={"shipment_type": "gift"}))

    response = api.alice.patch(
        f"/orders/{first}", json={"customs_details": None, "order_details": {"notes": None}}
    )

    assert response.status_code == 200
    data = api.alice.get(f"/orders/{first}").json()["data"]
    assert "customs_details" not in data
    assert "notes" not in data["order_details"]


def test_patch_to_an_integration_of_another_account_is_refused(api: Api) -> None:
    [first] = api.create(make_order("a"))

    response = api.alice.patch(
        f"/orders/{first}", json={"order_details": {"integration": {"id": 3}}}
    )

    assert response.status_code == 400
    assert details(response) == [
        ("/data/attributes/order_details/integration/id", "Integration with id 3 does not exist")
    ]


def test_patch_that_changes_nothing_keeps_modified_at(api: Api, clock: ManualClock) -> None:
    [first] = api.create(make_order("a"))
    clock.advance(10)

    response = api.alice.patch(f"/orders/{first}", json={"order_number": "N-a"})

    assert response.status_code == 200
    modified = api.alice.get(f"/orders/{first}").json()["data"]["modified_at"]
    assert modified == START.isoformat(timespec="microseconds")


def test_patch_creating_an_object_must_give_its_required_members(api: Api) -> None:
    [first] = api.create(make_order("a"))
    assert "billing_address" not in api.fake.orders()[0]

    response = api.alice.patch(
        f"/orders/{first}", json={"billing_address": {"city": "Utrecht", "name": "Ann Lee"}}
    )

    assert response.status_code == 400
    assert [pointer for pointer, _ in details(response)] == [
        "/data/attributes/billing_address/address_line_1",
        "/data/attributes/billing_address/postal_code",
        "/data/attributes/billing_address/country_code",
    ]
    assert details(response)[0][1] == (
        "billing_address.address_line_1: Field required in the order this PATCH would make"
    )


def test_patch_replaces_a_service_point_whole(api: Api) -> None:
    point = {"id": "10875349", "post_number": "123456", "type": "packstation"}
    [first] = api.create(make_order("a", service_point_details=point))

    response = api.alice.patch(
        f"/orders/{first}", json={"service_point_details": {"carrier_service_point_id": "00042"}}
    )

    assert response.status_code == 200, response.text
    data = api.alice.get(f"/orders/{first}").json()["data"]
    assert data["service_point_details"] == {"carrier_service_point_id": "00042"}


def test_patch_of_an_id_alone_names_the_order(api: Api, clock: ManualClock) -> None:
    first, second = api.create(make_order("a"), make_order("b"))
    clock.advance(10)
    before = api.fake.orders()

    own = api.alice.patch(f"/orders/{first}", json={"id": str(first)})
    other = api.alice.patch(f"/orders/{first}", json={"id": str(second)})

    assert own.status_code == 200
    assert own.json() == {"data": {"id": first, "order_id": "a", "order_number": "N-a"}}
    assert other.status_code == 400
    assert details(other) == [
        ("/data/attributes/id", f"Order id {second} does not match the order {first} in the URL")
    ]
    assert api.fake.orders() == before


def test_patch_body_must_be_an_object(api: Api) -> None:
    [first] = api.create(make_order("a"))

    response = api.alice.patch(f"/orders/{first}", json=[{"order_number": "x"}])

    assert response.status_code == 400
    assert errors_of(response)[0]["code"] == "non_field_errors"


# ----------------------------------------------------------------------------- DELETE /orders/{id}


def test_delete_then_404_everywhere(api: Api) -> None:
    first, second = api.create(make_order("a"), make_order("b"))

    deleted = api.alice.delete(f"/orders/{first}")

    assert deleted.status_code == 204
    assert deleted.content == b""
    assert api.alice.get(f"/orders/{first}").status_code == 404
    assert api.alice.patch(f"/orders/{first}", json={"order_number": "x"}).status_code == 404
    assert api.alice.delete(f"/orders/{first}").status_code == 404
    assert ids_of(api.alice.get("/orders")) == [str(second)]
    targeted = api.alice.post("/orders", json=[make_order("a", id=str(first))])
    assert details(targeted) == [
        ("/data/attributes/[0]/id", f"Order with id {first} does not exist")
    ]


# ----------------------------------------------------------------------------- GET /orders


def test_list_defaults_to_newest_first(api: Api) -> None:
    api.create(make_order("a"), make_order("b"), make_order("c", 2))

    response = api.alice.get("/orders")

    assert response.status_code == 200
    assert ids_of(response) == ["3", "2", "1"]
    assert "link" not in response.headers


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"integration": "1"}, ["2", "1"]),
        ({"integration": "2"}, ["3"]),
        ({"integration": "1,2"}, ["3", "2", "1"]),
        ({"order_number": "n-B"}, ["2"]),
        ({"order_id": "A"}, ["1"]),
        ({"status": "CANCELLED"}, ["3"]),
        ({"status": "fulfilled", "integration": "1"}, ["2", "1"]),
        ({"order_created_at": "2024-04-28"}, ["1"]),
        ({"order_created_at_min": "2024-04-29"}, ["3", "2"]),
        ({"order_created_at_max": "2024-04-29"}, ["2", "1"]),
        ({"order_updated_at": "2024-05-02"}, ["2"]),
        ({"order_updated_at_min": "2024-05-01"}, ["3", "2"]),
        ({"order_updated_at_max": "2024-05-01"}, ["3"]),
        ({"unknown_filter": "x"}, ["3", "2", "1"]),
    ],
)
def test_list_filters(api: Api, query: dict[str, str], expected: list[str]) -> None:
    api.create(
        make_order("a", order_created_at="2024-04-29T01:30:00+02:00"),
        make_order(
            "b",
            order_created_at="2024-04-29T12:00:00+02:00",
            order_updated_at="2024-05-02T08:00:00Z",
        ),
        make_order(
            "c",
            2,
            status="cancelled",
            order_created_at="2024-04-30T00:00:00Z",
            order_updated_at="2024-05-01T08:00:00Z",
        ),
    )

    assert ids_of(api.alice.get("/orders", params=query)) == expected


@pytest.mark.parametrize("value", ["3", "1,3", "abc"])
def test_filter_on_an_integration_not_owned_is_invalid_choice(api: Api, value: str) -> None:
    response = api.alice.get("/orders", params={"integration": value})

    bad = value.split(",")[-1]
    assert response.status_code == 400
    assert errors_of(response) == [
        {
            "status": "400",
            "code": "invalid_choice",
            "title": "Invalid Choice",
            "detail": f"Select a valid choice. {bad} is not one of the available choices.",
            "source": {"parameter": "integration"},
        }
    ]


@pytest.mark.parametrize("name", ["order_created_at", "order_updated_at_min"])
def test_date_filters_must_be_dates(api: Api, name: str) -> None:
    response = api.alice.get("/orders", params={name: "28-04-2024"})

    assert response.status_code == 400
    assert errors_of(response)[0]["source"] == {"parameter": name}


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (None, ["4", "3", "2", "1"]),
        ("pk", ["1", "2", "3", "4"]),
        ("-pk", ["4", "3", "2", "1"]),
        ("order_number", ["3", "1", "4", "2"]),
        ("-order_number", ["2", "4", "1", "3"]),
        ("integration", ["3", "2", "4", "1"]),
        ("integration,pk", ["2", "3", "1", "4"]),
        ("-integration,order_number", ["1", "4", "3", "2"]),
        ("order_created_at", ["4", "1", "2", "3"]),
        ("-order_created_at", ["3", "2", "1", "4"]),
        ("order_updated_at", ["2", "1", "4", "3"]),
        ("-order_updated_at", ["3", "4", "1", "2"]),
        ("integration,-integration", ["3", "2", "4", "1"]),
        ("-integration,integration,pk", ["1", "4", "2", "3"]),
        ("color", ["4", "3", "2", "1"]),
        ("integration,color", ["4", "3", "2", "1"]),
    ],
)
def test_list_sorting(api: Api, sort: str | None, expected: list[str]) -> None:
    api.create(
        make_order(
            "a",
            2,
            order_number="B",
            order_created_at="2024-01-02T00:00:00Z",
            order_updated_at="2024-02-02T00:00:00Z",
        ),
        make_order(
            "b",
            1,
            order_number="D",
            order_created_at="2024-01-03T00:00:00Z",
            order_updated_at="2024-02-01T00:00:00Z",
        ),
        make_order("c", 1, order_number="A", order_created_at="2024-01-04T00:00:00Z"),
        make_order(
            "d",
            2,
            order_number="C",
            order_created_at="2024-01-01T00:00:00Z",
            order_updated_at="2024-02-03T00:00:00Z",
        ),
    )

    params = {} if sort is None else {"sort": sort}
    assert ids_of(api.alice.get("/orders", params=params)) == expected


def walk(api: Api, first: httpx.Response, rel: str = "next") -> list[list[str]]:
    """Every page reached by following one kind of Link from a first page."""
    pages = [ids_of(first)]
    response = first
    while rel in response.links:
        response = api.alice.get(response.links[rel]["url"])
        assert response.status_code == 200
        pages.append(ids_of(response))
    return pages


@pytest.mark.parametrize("sort", [None, "order_number", "-integration,order_created_at"])
def test_paging_visits_every_order_exactly_once(api: Api, sort: str | None) -> None:
    api.fake.seed(
        [
            make_order(
                f"o{n}",
                1 + n % 2,
                order_number=f"N{n % 7}",
                order_created_at=f"2024-01-{1 + n % 5:02d}T00:00:00Z",
            )
            for n in range(23)
        ],
        account=ALICE,
    )
    params = {"page_size": "5"} | ({"sort": sort} if sort else {})

    first = api.alice.get("/orders", params=params)
    pages = walk(api, first)
    everything = api.alice.get(
        "/orders", params={k: v for k, v in params.items() if k != "page_size"}
    )

    assert [len(p) for p in pages] == [5, 5, 5, 5, 3]
    assert [i for page in pages for i in page] == ids_of(everything)
    last = api.alice.get(first.links["next"]["url"])
    for _ in range(3):
        last = api.alice.get(last.links["next"]["url"])
    assert "next" not in last.links
    assert walk(api, last, "prev") == pages[::-1]


@pytest.mark.parametrize("sort", ["pk", "-pk", "order_number"])
def test_paging_while_orders_are_added_skips_and_repeats_nothing(api: Api, sort: str) -> None:
    api.fake.seed([make_order(f"o{n}", order_number=f"M{n}") for n in range(10)], account=ALICE)
    seen: list[str] = []

    response = api.alice.get("/orders", params={"page_size": "3", "sort": sort})
    seen += ids_of(response)
    while "next" in response.links:
        api.create(make_order(f"late-{len(seen)}", order_number=f"L{len(seen)}"))
        api.create(make_order(f"later-{len(seen)}", order_number=f"Z{len(seen)}"))
        response = api.alice.get(response.links["next"]["url"])
        seen += ids_of(response)

    assert len(seen) == len(set(seen)), seen
    assert set(seen) >= {str(n) for n in range(1, 11)}


def test_link_header_is_rfc_8288_and_keeps_the_query(api: Api) -> None:
    api.fake.seed([make_order(f"o{n}") for n in range(5)], account=ALICE)

    first = api.alice.get("/orders", params={"page_size": "2", "status": "fulfilled"})
    second = api.alice.get(first.links["next"]["url"])

    header = second.headers["link"]
    assert header.count('rel="next"') == 1
    assert header.count('rel="prev"') == 1
    assert header.startswith("<")
    assert "prev" not in first.links
    next_url = httpx.URL(first.links["next"]["url"])
    assert next_url.params["page_size"] == "2"
    assert next_url.params["status"] == "fulfilled"
    assert str(next_url).startswith(api.base_url + "/orders?")


def test_a_page_emptied_between_requests_still_links_back(api: Api) -> None:
    api.fake.seed([make_order(f"o{n}") for n in range(6)], account=ALICE)
    params = {"page_size": "2", "sort": "pk"}
    first = api.alice.get("/orders", params=params)
    second = api.alice.get(first.links["next"]["url"])
    for gone in ("3", "4", "5", "6"):
        api.alice.delete(f"/orders/{gone}")

    emptied = api.alice.get(first.links["next"]["url"])
    back = api.alice.get(emptied.links["prev"]["url"])

    assert ids_of(second) == ["3", "4"]
    assert ids_of(emptied) == []
    assert "next" not in emptied.links
    assert ids_of(back) == ["1", "2"]


def test_a_previous_page_emptied_between_requests_links_forward(api: Api) -> None:
    api.fake.seed([make_order(f"o{n}") for n in range(6)], account=ALICE)
    params = {"page_size": "2", "sort": "pk"}
    second = api.alice.get(api.alice.get("/orders", params=params).links["next"]["url"])
    for gone in ("1", "2"):
        api.alice.delete(f"/orders/{gone}")

    emptied = api.alice.get(second.links["prev"]["url"])
    forward = api.alice.get(emptied.links["next"]["url"])

    assert ids_of(emptied) == []
    assert "prev" not in emptied.links
    assert ids_of(forward) == ["3", "4"]


@pytest.mark.parametrize(
    ("page_size", "expected"),
    [(None, 100), ("1", 1), ("200", 200), ("100.0", 100), ("1.0", 1), ("150.00", 150)],
)
def test_page_size(api: Api, page_size: str | None, expected: int) -> None:
    """Whole numbers from 1 to 200, also as generated clients write them (``100.0``)."""
    api.fake.seed([make_order(f"o{n}") for n in range(201)], account=ALICE)

    params = {} if page_size is None else {"page_size": page_size}
    assert len(ids_of(api.alice.get("/orders", params=params))) == expected


@pytest.mark.parametrize("page_size", ["0", "-1", "201", "500", "ten", "1.5", "", "9" * 5000])
def test_a_page_size_outside_the_documented_range_is_400(api: Api, page_size: str) -> None:
    """The fake refuses what the order-list-query schema refuses."""
    response = api.alice.get("/orders", params={"page_size": page_size})

    assert response.status_code == 400
    assert errors_of(response)[0]["source"] == {"parameter": "page_size"}
    assert validate({"page_size": page_size}, "order-list-query").ok is False


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64!",
        base64.b64encode(b"r=0&p=%5B1%5D&x=1").decode(),
        base64.b64encode(b"r=0&p=%5B%22a%22%5D").decode(),
        base64.b64encode(b"r=2&p=%5B1%5D").decode(),
        base64.b64encode(b"r=0&p=oops").decode(),
        base64.b64encode(b"\xff\xfe").decode(),
    ],
)
def test_invalid_cursor_is_404(api: Api, cursor: str) -> None:
    response = api.alice.get("/orders", params={"cursor": cursor})

    assert response.status_code == 404
    assert errors_of(response) == [
        {
            "status": "404",
            "code": "not_found",
            "title": "Invalid cursor",
            "detail": "Invalid cursor",
        }
    ]


# ----------------------------------------------------------------------------- security


def test_no_credentials_is_401(api: Api) -> None:
    response = api.anonymous.get("/orders")

    assert response.status_code == 401
    assert errors_of(response) == [
        {
            "status": "401",
            "code": "authentication_failed",
            "title": "No credentials",
            "detail": "Authentication credentials were not provided.",
        }
    ]


@pytest.mark.parametrize(
    "auth", [(ALICE.public_key, BOB.secret_key), ("nobody", "secret"), (ALICE.public_key, "")]
)
def test_wrong_credentials_are_401(api: Api, auth: tuple[str, str]) -> None:
    response = api.client(auth=auth).get("/orders")

    assert response.status_code == 401
    assert errors_of(response)[0]["title"] == "Invalid username/password."
    assert errors_of(response)[0]["code"] == "authentication_failed"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/orders", None),
        ("POST", "/orders", [make_order("b")]),
        ("GET", "/orders/1", None),
        ("PATCH", "/orders/1", {"order_number": "x"}),
        ("DELETE", "/orders/1", None),
    ],
)
def test_every_route_needs_credentials(api: Api, method: str, path: str, body: Any) -> None:
    api.create(make_order("a"))
    before = api.fake.orders()

    response = api.anonymous.request(method, path, json=body)

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic")
    assert api.fake.orders() == before


def test_bearer_token_authenticates_and_a_wrong_one_does_not(api: Api) -> None:
    good = api.client(headers={"Authorization": f"Bearer {ALICE.bearer_token}"})
    bad = api.client(headers={"Authorization": "Bearer stolen"})
    garbled = api.client(headers={"Authorization": "Basic !!!"})

    assert good.get("/orders").status_code == 200
    assert bad.get("/orders").status_code == 401
    assert garbled.get("/orders").status_code == 401


def test_partner_id_on_post_must_be_a_uuid(api: Api) -> None:
    valid = api.alice.post(
        "/orders", json=[make_order("p")], headers={"Sendcloud-Partner-Id": str(uuid.uuid4())}
    )
    invalid = api.alice.post(
        "/orders", json=[make_order("q")], headers={"Sendcloud-Partner-Id": "partner-42"}
    )

    assert valid.status_code == 201
    assert invalid.status_code == 400
    assert errors_of(invalid)[0]["source"] == {"header": "Sendcloud-Partner-Id"}
    assert [o["order_id"] for o in api.fake.orders()] == ["p"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/orders", None),
        ("GET", "/orders/1", None),
        ("PATCH", "/orders/1", {"order_number": "x"}),
        ("DELETE", "/orders/1", None),
    ],
)
def test_partner_id_is_a_header_of_post_orders_only(
    api: Api, method: str, path: str, body: Any
) -> None:
    """Sendcloud declares the header on POST /orders alone; elsewhere it means nothing."""
    api.create(make_order("a"))

    response = api.alice.request(
        method, path, json=body, headers={"Sendcloud-Partner-Id": "partner-42"}
    )

    assert response.status_code in (200, 204)


def test_accounts_are_isolated(api: Api) -> None:
    [alices] = api.create(make_order("a"))
    bobs = api.bob.post("/orders", json=[make_order("a", 3)]).json()["data"][0]["id"]

    assert ids_of(api.bob.get("/orders")) == [str(bobs)]
    assert ids_of(api.alice.get("/orders")) == [str(alices)]
    assert api.bob.get(f"/orders/{alices}").status_code == 404
    assert api.bob.patch(f"/orders/{alices}", json={"order_number": "x"}).status_code == 404
    assert api.bob.delete(f"/orders/{alices}").status_code == 404
    stolen = api.bob.post("/orders", json=[make_order("a", 3, id=str(alices))])
    assert details(stolen) == [
        ("/data/attributes/[0]/id", f"Order with id {alices} does not exist")
    ]
    assert api.alice.get(f"/orders/{alices}").json()["data"]["order_number"] == "N-a"


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("body", [b"[{", b"[NaN]", b"", b"\xff\xfe", b"[" * 100 + b"]" * 100])
def test_malformed_json_is_a_400(api: Api, body: bytes) -> None:
    response = api.alice.post("/orders", content=body, headers={"Content-Type": "application/json"})

    assert response.status_code == 400
    [error] = errors_of(response)
    assert error["code"] == "invalid"
    assert error["detail"].startswith("JSON parse error")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_body_that_is_not_json_is_a_400(api: Api, content_type: str | None) -> None:
    """The document declares no 415: a missing or non-JSON body is a bad request."""
    headers = {"Content-Type": content_type} if content_type else {}
    [first] = api.create(make_order("a"))

    posted = api.alice.post("/orders", content=b"[]", headers=headers)
    patched = api.alice.patch(f"/orders/{first}", content=b"{}", headers=headers)
    empty = api.alice.post("/orders")

    assert posted.status_code == patched.status_code == empty.status_code == 400
    assert errors_of(posted)[0]["code"] == "invalid"
    assert errors_of(empty)[0]["code"] == "invalid"


def test_huge_body_is_413(api: Api) -> None:
    api.fake.max_body_bytes = 10_000
    batch = [make_order(f"o{n}") for n in range(20)]

    response = api.alice.post("/orders", json=batch)

    assert response.status_code == 413
    assert errors_of(response)[0]["code"] == "payload_too_large"
    assert api.fake.orders() == []


@pytest.mark.parametrize(
    "path",
    ["/shipments", "/orders/abc", "/orders/1/items", "/orders/99999999999999999999"],
)
def test_unknown_route_is_404(api: Api, path: str) -> None:
    response = api.alice.get(path)

    assert response.status_code == 404
    assert errors_of(response)[0]["code"] == "not_found"


@pytest.mark.parametrize(
    "path", ["/shipments", "/orders/abc", "/orders/99999999999999999999", "/orders/" + "9" * 5000]
)
def test_an_unauthenticated_caller_learns_nothing_about_routes(api: Api, path: str) -> None:
    response = api.anonymous.get(path)

    assert response.status_code == 401
    assert errors_of(response)[0]["code"] == "authentication_failed"


@pytest.mark.parametrize(
    ("path", "found"),
    [
        ("/orders/%31", True),
        ("/%6frders/1", True),
        ("/orders/%2531", False),
        ("/orders/1%2Fitems", False),
    ],
)
def test_both_adapters_decode_a_path_once(api: Api, path: str, found: bool) -> None:
    api.create(make_order("a"))
    url = httpx.URL(api.base_url + path)

    response = api.alice.get(url)

    assert response.status_code == (200 if found else 404)
    if found:
        assert response.json()["data"]["id"] == "1"


@pytest.mark.parametrize("path", ["/api/v2/orders", "/api/v3x/orders", "/orders"])
def test_outside_the_api_root_is_not_the_fake(api: Api, path: str) -> None:
    url = httpx.URL(api.base_url).copy_with(path=path)
    if api.adapter == "respx":
        with pytest.raises(respx.models.AllMockedAssertionError):
            api.alice.get(url)
        return
    response = api.alice.get(url)

    assert response.status_code == 404
    assert errors_of(response)[0]["code"] == "not_found"


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/orders", "GET, POST"),
        ("DELETE", "/orders", "GET, POST"),
        ("POST", "/orders/1", "GET, PATCH, DELETE"),
        ("PUT", "/orders/1", "GET, PATCH, DELETE"),
    ],
)
def test_wrong_method_is_405_with_allow(api: Api, method: str, path: str, allow: str) -> None:
    response = api.alice.request(method, path, json=[])

    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert errors_of(response)[0]["code"] == "method_not_allowed"


def test_trailing_slash_reaches_the_same_routes(api: Api) -> None:
    [first] = api.create(make_order("a"))

    assert ids_of(api.alice.get("/orders/")) == [str(first)]
    assert api.alice.get(f"/orders/{first}/").json()["data"]["id"] == str(first)


# ----------------------------------------------------------------------------- knobs


def test_eventual_visibility_hides_a_new_order_for_n_reads(api: Api) -> None:
    api.fake.visibility_delay = 2
    [first] = api.create(make_order("a"))

    reads = [api.alice.get(f"/orders/{first}").status_code for _ in range(3)]

    assert reads == [404, 404, 200]


def test_eventual_visibility_also_hides_it_from_lists(api: Api) -> None:
    api.fake.visibility_delay = 1
    [first] = api.create(make_order("a"))

    assert ids_of(api.alice.get("/orders")) == []
    assert ids_of(api.alice.get("/orders")) == [str(first)]


def test_rate_limit_writes_burst_of_15_per_second(api: Api, clock: ManualClock) -> None:
    api.fake.rate_limit = RateLimit()
    statuses = [
        api.alice.post("/orders", json=[make_order(f"o{n}")]).status_code for n in range(16)
    ]
    refused = api.alice.delete("/orders/1")
    clock.advance(1)
    again = api.alice.post("/orders", json=[make_order("later")])

    assert statuses == [201] * 15 + [429]
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "1"
    assert errors_of(refused)[0]["code"] == "throttled"
    assert again.status_code == 201


def test_rate_limit_writes_100_per_minute(api: Api, clock: ManualClock) -> None:
    api.fake.rate_limit = RateLimit()
    [first] = api.create(make_order("a"))
    statuses = []
    for n in range(100):
        if n % 10 == 0:
            clock.advance(1)
        statuses.append(
            api.alice.patch(f"/orders/{first}", json={"order_number": f"v{n}"}).status_code
        )
    clock.advance(49)
    still_limited = api.alice.patch(f"/orders/{first}", json={"order_number": "x"})
    clock.advance(10)
    free_again = api.alice.patch(f"/orders/{first}", json={"order_number": "y"})

    assert statuses == [200] * 99 + [429]
    assert still_limited.status_code == 429
    assert still_limited.headers["retry-after"] == "1"
    assert free_again.status_code == 200


def test_rate_limit_reads_1000_per_minute(api: Api, clock: ManualClock) -> None:
    api.fake.rate_limit = RateLimit()
    statuses = [api.alice.get("/orders/1").status_code for _ in range(1000)]
    over = api.alice.get("/orders")
    writes_still_allowed = api.alice.post("/orders", json=[make_order("a")])
    other_account = api.bob.get("/orders")
    clock.advance(60)
    after = api.alice.get("/orders")

    assert set(statuses) == {404}
    assert over.status_code == 429
    assert writes_still_allowed.status_code == 201
    assert other_account.status_code == 200
    assert after.status_code == 200


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_injected_5xx_on_a_route(api: Api, status: int) -> None:
    api.fake.inject_fault("POST /orders", status=status, times=2)

    statuses = [api.alice.post("/orders", json=[make_order("a")]).status_code for _ in range(3)]
    listed = api.alice.get("/orders")

    assert statuses == [status, status, 201]
    assert listed.status_code == 200
    assert len(api.fake.orders()) == 1


def test_injected_fault_on_every_method_of_a_route_until_cleared(api: Api) -> None:
    [first] = api.create(make_order("a"))
    api.fake.inject_fault("* /orders/{id}", status=503, times=None)

    failing = [
        api.alice.get(f"/orders/{first}").status_code,
        api.alice.patch(f"/orders/{first}", json={"order_number": "x"}).status_code,
        api.alice.delete(f"/orders/{first}").status_code,
        api.alice.get(f"/orders/{first}").status_code,
    ]
    listed = api.alice.get("/orders").status_code
    api.fake.clear_faults()

    assert failing == [503] * 4
    assert listed == 200
    assert api.alice.get(f"/orders/{first}").json()["data"]["order_number"] == "N-a"


def test_injected_timeout(api: Api) -> None:
    api.fake.inject_fault("GET /orders", timeout=True, stall_seconds=30)

    with pytest.raises(httpx.ReadTimeout):
        api.alice.get("/orders", timeout=0.2)
    assert api.alice.get("/orders").status_code == 200
