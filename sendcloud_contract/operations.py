"""The Orders API's operations: one table that everything needing a route reads.

The fake routes requests with it, the tests and recordings find the response
shape for a status with it, drift compares its statuses with Sendcloud's
document. Paths are relative to the API root (``/api/v3``). A leaf module:
it imports nothing of the project at run time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal, NamedTuple

if TYPE_CHECKING:
    from sendcloud_contract.schemas import Kind

__all__ = [
    "API_ROOT",
    "OPERATIONS",
    "ROUTES",
    "Match",
    "Operation",
    "match",
    "operation",
]

API_ROOT = "/api/v3"

Method = Literal["GET", "POST", "PATCH", "DELETE"]
Route = Literal["/orders", "/orders/{id}"]


class Operation(NamedTuple):
    """One documented operation: its name, route, request shape and answers.

    ``responses`` maps each status Sendcloud declares for the operation to
    the kind of its body (``None``: no body). ``401`` is answered by every
    operation although the document declares it for none; it is listed here
    because it is real. A named tuple, not a dataclass: defining one costs every
    start-up of the CLI less.
    """

    name: str
    method: Method
    route: Route
    request_kind: Kind | None
    responses: Mapping[int, Kind | None]
    query_kind: Kind | None = None

    @property
    def key(self) -> str:
        """``"PATCH /orders/{id}"``: how faults, reports and coverage name it."""
        return f"{self.method} {self.route}"

    def response_kind(self, status: int) -> tuple[Kind | None, bool]:
        """The kind of the answer's body for ``status`` (``None``: no body), and whether
        the status is documented.

        Sendcloud answers every client error with a JSON:API error document, so an
        undeclared 4xx is read as one; any other undeclared status is not judged.
        """
        if status in self.responses:
            return self.responses[status], True
        if 400 <= status < 500:
            return "errors", True
        return None, False


def _answers(**statuses: Kind | None) -> Mapping[int, Kind | None]:
    return MappingProxyType({int(code[1:]): kind for code, kind in statuses.items()})


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "create_orders",
        "POST",
        "/orders",
        "order-batch",
        _answers(s201="order-batch-response", s400="errors", s401="errors"),
    ),
    Operation(
        "list_orders",
        "GET",
        "/orders",
        None,
        _answers(s200="order-list-response", s400="errors", s401="errors", s404="errors"),
        query_kind="order-list-query",
    ),
    Operation(
        "retrieve_order",
        "GET",
        "/orders/{id}",
        None,
        _answers(s200="order-response", s401="errors", s404="errors"),
    ),
    Operation(
        "partial_update_order",
        "PATCH",
        "/orders/{id}",
        "order-update",
        _answers(s200="order-update-response", s400="errors", s401="errors", s404="errors"),
    ),
    Operation(
        "delete_order",
        "DELETE",
        "/orders/{id}",
        None,
        _answers(s204=None, s401="errors", s404="errors"),
    ),
)

ROUTES: Mapping[Route, tuple[Method, ...]] = MappingProxyType(
    {
        route: tuple(op.method for op in OPERATIONS if op.route == route)
        for route in dict.fromkeys(op.route for op in OPERATIONS)
    }
)

_BY_KEY: Mapping[tuple[str, str], Operation] = {(op.method, op.route): op for op in OPERATIONS}
_ITEM_PATH = re.compile(r"/orders/([0-9]+)/?")


def operation(method: str, route: str) -> Operation:
    """The operation for a method and route template; ``KeyError`` when there is none."""
    try:
        return _BY_KEY[(method.upper(), route)]
    except KeyError:
        raise KeyError(f"the Orders API has no operation {method.upper()} {route}") from None


class Match(NamedTuple):
    """A path matched to its route: the template, and the order id for item routes."""

    route: Route
    order_id: str | None = None

    def operation(self, method: str) -> Operation | None:
        """The operation this route answers for ``method``, or None (a 405)."""
        return _BY_KEY.get((method.upper(), self.route))


def match(path: str, root: str = API_ROOT) -> Match | None:
    """Match a decoded URL path to a route, or None when it is not an Orders API path.

    ``root`` is where the API lives (``/api/v3`` on Sendcloud). A trailing
    slash is accepted, as Sendcloud accepts it. The order id is returned as
    the digit string it is in the path; callers decide what range they serve.
    """
    root = root.rstrip("/")
    if not path.startswith(root + "/"):
        return None
    rest = path[len(root) :]
    if rest in ("/orders", "/orders/"):
        return Match("/orders")
    found = _ITEM_PATH.fullmatch(rest)
    if found is None:
        return None
    return Match("/orders/{id}", found.group(1))
