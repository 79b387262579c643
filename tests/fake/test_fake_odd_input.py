"""Odd input, as a hostile user or a generated client sends it, never breaks the fake.

Each case was once a 500 or a wrong answer; every one runs through respx and ASGI.
"""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from tests.fake.helpers import ALICE, Api, make_order

JSON = {"Content-Type": "application/json"}
LONG = "9" * 5000  # past Python's 4,300-digit int conversion limit


def _spelled(orders: list[dict[str, Any]], integration: str) -> bytes:
    """A batch whose integration ids are written as ``integration`` (``2.0``, ``1e30``)."""
    body = orjson.dumps(orders)
    for order in orders:
        given = order["order_details"]["integration"]["id"]
        body = body.replace(
            b'"integration":{"id":%d}' % given, b'"integration":{"id":%s}' % integration.encode()
        )
    return body


def _errors(response: Any) -> list[tuple[str, str]]:
    return [(e["source"]["pointer"], e["detail"]) for e in response.json()["errors"]]


# ----------------------------------------------------------------------------- integration ids


@pytest.mark.parametrize("spelling", ["2.0", "2e0", "2.000"])
def test_an_integral_float_is_that_integration(api: Api, spelling: str) -> None:
    response = api.alice.post(
        "/orders", content=_spelled([make_order("f", 2)], spelling), headers=JSON
    )

    assert response.status_code == 201
    [stored] = api.fake.orders()
    assert stored["order_details"]["integration"]["id"] == 2
    assert isinstance(stored["order_details"]["integration"]["id"], int)
    listed = api.alice.get("/orders", params={"integration": "2"}).json()["data"]
    assert [o["order_id"] for o in listed] == ["f"]


@pytest.mark.parametrize("spelling", ["1.0", "2e0", "1e30", "3.0e0"])
def test_an_integration_the_account_does_not_own_is_refused_whatever_its_spelling(
    api: Api, spelling: str
) -> None:
    """Bob owns integration 3 only: 1.0 and 2e0 are Alice's, 1e30 nobody's."""
    owned = spelling == "3.0e0"
    response = api.bob.post(
        "/orders", content=_spelled([make_order("b", 1)], spelling), headers=JSON
    )

    if owned:
        assert response.status_code == 201
        return
    assert response.status_code == 400
    [(pointer, detail)] = _errors(response)
    assert pointer == "/data/attributes/[0]/order_details/integration/id"
    assert detail == f"Integration with id {int(float(spelling))} does not exist"
    assert api.fake.orders() == []


def test_one_and_one_point_zero_are_one_upsert_key(api: Api) -> None:
    [first] = api.create(make_order("same"))
    second = api.alice.post(
        "/orders",
        content=_spelled([make_order("same", 1, order_number="changed")], "1.0"),
        headers=JSON,
    )

    assert second.json()["data"][0]["id"] == first
    [order] = api.fake.orders()
    assert order["order_number"] == "changed"


@pytest.mark.parametrize("spelling", ["3.0", "3e0", "1e30"])
def test_patch_cannot_move_an_order_into_an_integration_of_another_account(
    api: Api, spelling: str
) -> None:
    [pk] = api.create(make_order("m"))
    body = b'{"order_details": {"integration": {"id": %s}}}' % spelling.encode()

    response = api.alice.patch(f"/orders/{pk}", content=body, headers=JSON)

    assert response.status_code == 400
    assert _errors(response)[0][0] == "/data/attributes/order_details/integration/id"
    assert api.fake.orders()[0]["order_details"]["integration"]["id"] == 1


def test_patch_into_an_own_integration_spelled_as_a_float_stores_the_integer(api: Api) -> None:
    [pk] = api.create(make_order("m"))
    body = b'{"order_details": {"integration": {"id": 2.0}}}'

    assert api.alice.patch(f"/orders/{pk}", content=body, headers=JSON).status_code == 200
    assert api.fake.orders()[0]["order_details"]["integration"]["id"] == 2
    assert api.alice.post("/orders", json=[make_order("m", 2)]).json()["data"][0]["id"] == pk


# ----------------------------------------------------------------------------- long digit strings


def test_a_long_id_in_the_path_is_404(api: Api) -> None:
    for method in ("GET", "PATCH", "DELETE"):
        response = api.alice.request(method, f"/orders/{LONG}", json={"order_number": "x"})
        assert response.status_code == 404, method


def test_a_long_integration_filter_is_400(api: Api) -> None:
    response = api.alice.get("/orders", params={"integration": LONG})

    assert response.status_code == 400
    assert response.json()["errors"][0]["source"] == {"parameter": "integration"}


def test_a_long_id_in_the_body_is_400(api: Api) -> None:
    response = api.alice.post("/orders", json=[make_order("l", id=LONG)])

    assert response.status_code == 400
    assert _errors(response) == [
        ("/data/attributes/[0]/id", f"Order with id {LONG} does not exist")
    ]
    assert api.fake.orders(ALICE) == []


# ----------------------------------------------------------------------------- extreme date-times

EXTREMES = ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "0000-01-01T00:00:00Z"]


@pytest.mark.parametrize("extreme", EXTREMES)
@pytest.mark.parametrize(
    "params",
    [
        {"sort": "order_created_at"},
        {"sort": "-order_updated_at"},
        {"order_created_at_min": "2000-01-01"},
        {"order_updated_at_max": "9999-12-31"},
        {"order_created_at": "0001-01-01"},
    ],
)
def test_extreme_years_never_break_listing_or_paging(
    api: Api, extreme: str, params: dict[str, str]
) -> None:
    """Orders at the edges of time: every sorted, filtered and paged list still answers."""
    api.fake.seed(
        [
            make_order("early", order_created_at="2024-04-28T10:00:00Z"),
            make_order("edge", order_created_at=extreme, order_updated_at=extreme),
            make_order("late", order_created_at="2024-04-29T10:00:00Z"),
        ]
    )
    seen: list[str] = []
    response = api.alice.get("/orders", params={**params, "page_size": "1"})
    while True:
        assert response.status_code == 200, response.text
        seen += [o["order_id"] for o in response.json()["data"]]
        if "next" not in response.links:
            break
        response = api.alice.get(response.links["next"]["url"])

    assert len(seen) == len(set(seen))
    if set(params) == {"sort"}:
        assert sorted(seen) == ["early", "edge", "late"]


def test_a_date_filter_compares_the_utc_day_of_an_extreme_year(api: Api) -> None:
    """9999-12-31T23:59:59-01:00 is 10000-01-01 in UTC: after every day Python can name."""
    api.fake.seed([make_order("edge", order_created_at="9999-12-31T23:59:59-01:00")])

    found = api.alice.get("/orders", params={"order_created_at_min": "9999-12-31"})
    missed = api.alice.get("/orders", params={"order_created_at": "9999-12-31"})

    assert [o["order_id"] for o in found.json()["data"]] == ["edge"]
    assert missed.json()["data"] == []


@pytest.mark.parametrize("offset", ["+24:00", "+23:60", "-24:00", "+99:59"])
def test_an_offset_of_a_day_or_more_is_a_400(api: Api, offset: str) -> None:
    order = make_order(
        "o",
        order_created_at=f"2024-04-28T10:00:00{offset}",
        order_updated_at="2024-04-28T12:00:00Z",
    )
    [pk] = api.create(make_order("p"))

    posted = api.alice.post("/orders", json=[order])
    patched = api.alice.patch(
        f"/orders/{pk}",
        json={"order_details": {"order_updated_at": f"2024-04-28T11:00:00{offset}"}},
    )

    assert posted.status_code == patched.status_code == 400
    assert [o["order_id"] for o in api.fake.orders()] == ["p"]


# ----------------------------------------------------------------------------- huge numbers


@pytest.mark.parametrize("digits", [401, 5000])
def test_a_huge_integer_in_the_body_is_a_400(api: Api, digits: int) -> None:
    body = orjson.dumps([make_order("h")]).replace(b'"quantity":1', b'"quantity":' + b"9" * digits)

    response = api.alice.post("/orders", content=body, headers=JSON)

    assert response.status_code == 400
    assert api.fake.orders() == []


# ----------------------------------------------------------------------------- PATCH as documented


def test_patch_accepts_what_get_returned(api: Api) -> None:
    """A client that sends back the order GET gave it, read-only fields and all."""
    [pk] = api.create(make_order("r", customer_details={"name": "Jane Doe"}))
    returned = api.alice.get(f"/orders/{pk}").json()["data"]
    returned["order_number"] = "renamed"

    response = api.alice.patch(f"/orders/{pk}", json=returned)

    assert response.status_code == 200, response.text
    after = api.alice.get(f"/orders/{pk}").json()["data"]
    assert after["order_number"] == "renamed"
    assert after["created_at"] == returned["created_at"]


def test_patch_ignores_the_read_only_timestamps(api: Api) -> None:
    [pk] = api.create(make_order("t"))
    before = api.fake.orders()[0]

    response = api.alice.patch(
        f"/orders/{pk}",
        json={"created_at": "2001-01-01T00:00:00Z", "modified_at": "2001-01-01T00:00:00Z"},
    )

    assert response.status_code == 200
    assert api.fake.orders() == [before]


@pytest.mark.parametrize("name", ["phone", "phone_number"])
def test_patch_takes_the_phone_by_either_documented_name(api: Api, name: str) -> None:
    [pk] = api.create(make_order("c", customer_details={"name": "Jane Doe"}))

    response = api.alice.patch(f"/orders/{pk}", json={"customer_details": {name: "+31612345678"}})

    assert response.status_code == 200, response.text
    assert api.fake.orders()[0]["customer_details"] == {
        "name": "Jane Doe",
        "phone_number": "+31612345678",
    }


def test_patch_refuses_both_phone_names_at_once(api: Api) -> None:
    [pk] = api.create(make_order("c", customer_details={"name": "Jane Doe"}))

    response = api.alice.patch(
        f"/orders/{pk}", json={"customer_details": {"phone": "+31612345678", "phone_number": "+1"}}
    )

    assert response.status_code == 400
    assert _errors(response)[0][0] == "/data/attributes/customer_details/phone"


def test_patch_changes_a_price_without_its_currency(api: Api) -> None:
    [pk] = api.create(make_order("p"))

    changed = api.alice.patch(
        f"/orders/{pk}", json={"payment_details": {"total_price": {"value": 20.5}}}
    )
    incomplete = api.alice.patch(
        f"/orders/{pk}", json={"payment_details": {"subtotal_price": {"value": 20.5}}}
    )

    assert changed.status_code == 200, changed.text
    assert api.fake.orders()[0]["payment_details"]["total_price"] == {
        "value": 20.5,
        "currency": "EUR",
    }
    assert incomplete.status_code == 400
    assert _errors(incomplete) == [
        (
            "/data/attributes/payment_details/subtotal_price/currency",
            "payment_details.subtotal_price.currency: Field required "
            "in the order this PATCH would make",
        )
    ]
