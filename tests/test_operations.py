"""The operations table: routes, statuses and kinds, held against Sendcloud's document."""

from __future__ import annotations

import pytest
import yaml

from sendcloud_contract.operations import OPERATIONS, ROUTES, match, operation
from sendcloud_contract.schemas import KINDS
from tests.helpers import REFERENCE as DOCUMENT


def test_every_kind_named_in_the_table_is_a_shipped_kind() -> None:
    for op in OPERATIONS:
        kinds = [op.request_kind, op.query_kind, *op.responses.values()]
        assert {k for k in kinds if k is not None} <= set(KINDS), op.key


def test_routes_list_the_methods_of_each_template() -> None:
    assert dict(ROUTES) == {
        "/orders": ("POST", "GET"),
        "/orders/{id}": ("GET", "PATCH", "DELETE"),
    }


@pytest.mark.parametrize(
    ("path", "route", "order_id"),
    [
        ("/api/v3/orders", "/orders", None),
        ("/api/v3/orders/", "/orders", None),
        ("/api/v3/orders/669", "/orders/{id}", "669"),
        ("/api/v3/orders/669/", "/orders/{id}", "669"),
    ],
)
def test_match_finds_the_route_and_the_id(path: str, route: str, order_id: str | None) -> None:
    found = match(path)
    assert found is not None
    assert (found.route, found.order_id) == (route, order_id)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v3",
        "/api/v3/order",
        "/api/v3/orders/abc",
        "/api/v3/orders/1/x",
        "/orders",
        "/api/v2/orders",
        "/api/v3/orders/\u0661",
    ],
)
def test_match_refuses_other_paths(path: str) -> None:
    assert match(path) is None


def test_match_under_another_root() -> None:
    found = match("/proxy/sendcloud/orders/7", root="/proxy/sendcloud/")
    assert found is not None
    assert found.order_id == "7"


def test_response_kind_per_status() -> None:
    create = operation("post", "/orders")
    assert create.key == "POST /orders"
    assert create.response_kind(201) == ("order-batch-response", True)
    assert create.response_kind(429) == ("errors", True)  # any client error: JSON:API
    assert operation("DELETE", "/orders/{id}").response_kind(204) == (None, True)
    assert create.response_kind(200) == (None, False)  # undocumented: not judged
    assert create.response_kind(503) == (None, False)
    with pytest.raises(KeyError, match="no operation PUT"):
        operation("PUT", "/orders")


def test_match_names_the_operation_for_a_method() -> None:
    found = match("/api/v3/orders/5")
    assert found is not None
    assert found.operation("patch") == operation("PATCH", "/orders/{id}")
    assert found.operation("POST") is None


@pytest.mark.skipif(not DOCUMENT.exists(), reason="Sendcloud's document is not beside the project")
def test_table_agrees_with_the_published_document() -> None:
    document = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    published = {
        (method.upper(), path): {int(code) for code in spec["responses"]}
        for path, item in document["paths"].items()
        for method, spec in item.items()
        if method != "parameters"
    }
    # 401 is answered by every operation, though the document declares it for none.
    ours = {(op.method, op.route): set(op.responses) - {401} for op in OPERATIONS}
    assert ours == published
    names = {
        (method.upper(), path): spec["operationId"].rsplit("-", 1)[-1]
        for path, item in document["paths"].items()
        for method, spec in item.items()
        if method != "parameters"
    }
    assert {(op.method, op.route): op.name for op in OPERATIONS} == names
