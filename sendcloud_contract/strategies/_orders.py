"""The valid strategies, ``orders`` and ``order_batches``, and the checks of their arguments."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypedDict

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import DrawFn, SearchStrategy

from sendcloud_contract.rules import MAX_ORDERS_PER_BATCH
from sendcloud_contract.strategies._build import Order, OrderConfig, build_order
from sendcloud_contract.strategies._data import (
    COUNTRIES,
    COUNTRY_LIST,
    DEFAULT_DESTINATIONS,
    SUPPORTED_COUNTRIES,
    Country,
)
from sendcloud_contract.strategies._schema import schema_enum
from sendcloud_contract.strategies._source import SEEDS, Drawn, Seeded

if TYPE_CHECKING:
    # Typing only (PEP 692 keyword types); typing.Unpack needs Python 3.11.
    from typing_extensions import Unpack

MAX_BATCH = MAX_ORDERS_PER_BATCH
"""Sendcloud accepts at most this many orders per POST /orders request."""

IntegrationIds = Sequence[int] | SearchStrategy[int] | None
OrderIds = Sequence[str] | SearchStrategy[str] | None


class OrderConstraints(TypedDict, total=False):
    """The keywords :func:`orders` and :func:`order_batches` both take; all optional.

    Defaults: any integration and order id, the default EU destinations, every
    currency, ``international``/``with_service_point``/``with_ship_with`` None
    (sometimes), ``min_items=1``, ``max_items=5``.
    """

    integration_ids: IntegrationIds
    order_ids: OrderIds
    countries: Sequence[str] | None
    currencies: Sequence[str] | None
    international: bool | None
    with_service_point: bool | None
    with_ship_with: bool | None
    min_items: int
    max_items: int


def _as_strategy(
    value: Sequence[Any] | SearchStrategy[Any], name: str, check: Callable[[Any], bool], what: str
) -> SearchStrategy[Any]:
    if isinstance(value, SearchStrategy):
        return value
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or not value:
        raise InvalidArgument(f"{name} must be a non-empty list of {what} or a strategy")
    bad = [v for v in value if not check(v)]
    if bad:
        raise InvalidArgument(f"{name} must hold {what}; got {bad[0]!r}")
    return st.sampled_from(list(value))


def _is_integration_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def is_order_id(value: Any) -> bool:
    return isinstance(value, str) and len(value) >= 1


def _config(function: str, constraints: OrderConstraints) -> OrderConfig:
    """The checked constraints; an unknown keyword is a ``TypeError``, as for any function."""
    unknown = [name for name in constraints if name not in OrderConstraints.__annotations__]
    if unknown:
        raise TypeError(f"{function}() got an unexpected keyword argument {unknown[0]!r}")
    countries = constraints.get("countries")
    currencies = constraints.get("currencies")
    international = constraints.get("international")
    min_items = constraints.get("min_items", 1)
    max_items = constraints.get("max_items", 5)
    if isinstance(countries, str):
        countries = [countries]
    destinations: tuple[Country, ...] | None = None
    if countries is not None:
        unknown = [c for c in countries if c not in COUNTRIES]
        if unknown or not countries:
            raise InvalidArgument(
                f"countries must be a non-empty list of {', '.join(SUPPORTED_COUNTRIES)}; "
                f"got {list(countries)!r}"
            )
        destinations = tuple(COUNTRIES[c] for c in dict.fromkeys(countries))
    if international is True and destinations is None:
        destinations = tuple(c for c in COUNTRY_LIST if not c.eu)
    if international is False:
        outside = [c.code for c in destinations or () if not c.eu]
        if outside:
            raise InvalidArgument(
                f"international=False cannot ship to {', '.join(outside)}: outside the EU an "
                "order needs customs data"
            )
        destinations = destinations or tuple(c for c in DEFAULT_DESTINATIONS if c.eu)
    allowed = schema_enum("currency")
    if isinstance(currencies, str):
        currencies = [currencies]
    chosen = tuple(dict.fromkeys(currencies)) if currencies is not None else allowed
    if not chosen or any(c not in allowed for c in chosen):
        raise InvalidArgument(
            f"currencies must be a non-empty list of {', '.join(allowed)}; got {currencies!r}"
        )
    for name, value in (("min_items", min_items), ("max_items", max_items)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise InvalidArgument(f"{name} must be an integer; got {value!r}")
    if min_items < 1 or max_items < min_items:
        raise InvalidArgument(
            f"need 1 <= min_items <= max_items; got min_items={min_items}, max_items={max_items}"
        )
    return OrderConfig(
        destinations=destinations,
        currencies=chosen,
        customs="always" if international else "auto",
        service_point=constraints.get("with_service_point"),
        ship_with=constraints.get("with_ship_with"),
        min_items=min_items,
        max_items=max_items,
    )


DEFAULT_ORDER_IDS = st.integers(1, 9_999_999).map(str)
DEFAULT_INTEGRATIONS = st.integers(1, 999_999)


def _order_id_strategy(order_ids: OrderIds) -> SearchStrategy[str]:
    if order_ids is None:
        return DEFAULT_ORDER_IDS
    return _as_strategy(order_ids, "order_ids", is_order_id, "non-empty strings")


def _integration_strategy(integration_ids: IntegrationIds) -> SearchStrategy[int]:
    if integration_ids is None:
        return DEFAULT_INTEGRATIONS
    return _as_strategy(integration_ids, "integration_ids", _is_integration_id, "integers >= 1")


def _checked(value: Any, check: Callable[[Any], bool], name: str, what: str) -> Any:
    if not check(value):
        raise InvalidArgument(f"the {name} strategy drew {value!r}; it must draw {what}")
    return value


@st.composite
def _orders(
    draw: DrawFn,
    cfg: OrderConfig,
    order_ids: SearchStrategy[str],
    integration_ids: SearchStrategy[int],
) -> Order:
    order_id = _checked(draw(order_ids), is_order_id, "order_ids", "non-empty strings")
    integration = _checked(
        draw(integration_ids), _is_integration_id, "integration_ids", "integers >= 1"
    )
    return build_order(Drawn(draw), cfg, order_id, integration)


def orders(**constraints: Unpack[OrderConstraints]) -> SearchStrategy[Order]:
    """Orders (POST /orders items) that the contract and every domain rule accept.

    ``countries`` limits the destination (and then always gives a shipping address);
    ``international=True`` ships outside the EU unless ``countries`` says otherwise, and always
    adds customs details, HS codes and countries of origin; ``international=False`` keeps orders
    inside the EU. ``with_service_point``/``with_ship_with``: True always, False never, None
    sometimes. The keywords are those of :class:`OrderConstraints`.
    """
    cfg = _config("orders", constraints)
    order_ids = _order_id_strategy(constraints.get("order_ids"))
    return _orders(cfg, order_ids, _integration_strategy(constraints.get("integration_ids")))


FULL_ORDERS_PER_BATCH = 5
"""Orders of a batch drawn choice by choice; the rest come from one seed each."""


@st.composite
def _keys(
    draw: DrawFn,
    min_size: int,
    max_size: int,
    order_ids: Sequence[str] | SearchStrategy[str] | None,
    integration_ids: Sequence[int] | SearchStrategy[int] | None,
) -> list[tuple[str, int]]:
    """Distinct (order_id, integration id) keys, built distinct rather than filtered."""
    if order_ids is None:
        # Sequential shop numbers with small gaps, as an export of recent orders has them.
        gaps = draw(st.lists(st.integers(1, 3), min_size=min_size, max_size=max_size))
        first = draw(st.integers(1, 9_000_000))
        numbers = [str(first + n - gaps[0]) for n in itertools.accumulate(gaps)]
        if integration_ids is None:
            integration = draw(DEFAULT_INTEGRATIONS)
            return [(n, integration) for n in numbers]
        pool = _integration_strategy(integration_ids)
        return [(n, draw(pool)) for n in numbers]
    if isinstance(order_ids, Sequence) and isinstance(integration_ids, Sequence):
        # Small fixed pools: a permutation of every key, never a key drawn twice.
        every = [(o, i) for o in dict.fromkeys(order_ids) for i in dict.fromkeys(integration_ids)]
        size = draw(st.integers(min_size, min(max_size, len(every))))
        return draw(st.permutations(every))[:size]
    pairs = st.tuples(_order_id_strategy(order_ids), _integration_strategy(integration_ids))
    keys: list[tuple[str, int]] = draw(
        st.lists(pairs, min_size=min_size, max_size=max_size, unique=True)
    )
    for order_id, integration in keys:
        _checked(order_id, is_order_id, "order_ids", "non-empty strings")
        _checked(integration, _is_integration_id, "integration_ids", "integers >= 1")
    return keys


@st.composite
def _batches(
    draw: DrawFn, cfg: OrderConfig, keys: SearchStrategy[list[tuple[str, int]]]
) -> list[Order]:
    chosen = draw(keys)
    head = min(len(chosen), FULL_ORDERS_PER_BATCH)
    seeds = draw(st.lists(SEEDS, min_size=len(chosen) - head, max_size=len(chosen) - head))
    batch = [build_order(Drawn(draw), cfg, oid, iid) for oid, iid in chosen[:head]]
    batch.extend(
        build_order(Seeded(seed), cfg, oid, iid)
        for seed, (oid, iid) in zip(seeds, chosen[head:], strict=True)
    )
    return batch


def order_batches(
    min_size: int = 1,
    max_size: int = MAX_BATCH,
    **constraints: Unpack[OrderConstraints],
) -> SearchStrategy[list[Order]]:
    """Batches for POST /orders whose (order_id, integration id) keys are all distinct.

    Takes the constraints of :func:`orders` (:class:`OrderConstraints`). Custom
    ``order_ids``/``integration_ids`` must offer at least ``min_size`` distinct keys.
    """
    for name, value in (("min_size", min_size), ("max_size", max_size)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise InvalidArgument(f"{name} must be an integer; got {value!r}")
    if not 1 <= min_size <= max_size <= MAX_BATCH:
        raise InvalidArgument(
            f"need 1 <= min_size <= max_size <= {MAX_BATCH}; "
            f"got min_size={min_size}, max_size={max_size}"
        )
    order_ids = constraints.get("order_ids")
    integration_ids = constraints.get("integration_ids")
    _order_id_strategy(order_ids)
    _integration_strategy(integration_ids)
    if isinstance(order_ids, Sequence) and isinstance(integration_ids, Sequence):
        distinct = len(set(order_ids)) * len(set(integration_ids))
        if distinct < min_size:
            raise InvalidArgument(
                f"order_ids x integration_ids give {distinct} distinct keys, "
                f"fewer than min_size={min_size}"
            )
    cfg = _config("order_batches", constraints)
    return _batches(cfg, _keys(min_size, max_size, order_ids, integration_ids))
