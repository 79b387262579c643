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
