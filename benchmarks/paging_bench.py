"""What a page of ``GET /orders`` costs as the store grows: page 1, and a walk over every page.

``benchmarks/run.py`` calls :func:`measure`; run this file alone for the same rows.
The store is filled through its public seed (checked like POST batches, so
filling 100,000 orders takes a while) and listed through ``list_orders``: the
fake's work for the request without HTTP. The peer is the plain definition of a
page, which the store used before it kept its orders sorted: filter every order,
sort them all, find the cursor; a plain walk of 100,000 orders (a thousand
pages) is estimated from its page 1.
"""

from __future__ import annotations

import itertools
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SIZES = (10_000, 100_000)
PAGE_SIZE = 100
PLAIN_WALK_LIMIT = 10_000


def _orders(count: int) -> list[dict[str, Any]]:
    sys.path.insert(0, str(ROOT))
    from tests.fake.helpers import make_order

    return [make_order(f"bench-{n}", 1 + n % 3, order_number=f"N{n % 997}") for n in range(count)]


def _median_seconds(action: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _walk(list_page: Any) -> int:
    """Follow every next link from page 1; the number of pages."""
    links = list_page(None)[1]
    pages = 1
    while (following := dict(links).get("next")) is not None:
        links = list_page(following.encode())[1]
        pages += 1
    return pages


def _rows_at(count: int) -> list[dict[str, str]]:
    from sendcloud_contract.fake import Account, FakeSendcloud
    from sendcloud_contract.fake._orders import StoredOrder, stored
    from sendcloud_contract.fake._paging import paginate, parse_query

    account = Account("bench-public-key", "bench-secret-key", (1, 2, 3))
    fake = FakeSendcloud([account], ids=itertools.count(1))
    orders = _orders(count)
    start = time.perf_counter()
    fake.seed(orders)
    seeded = time.perf_counter() - start

    def ours(cursor: str | None) -> tuple[list[dict[str, Any]], Any]:
        params = {"page_size": str(PAGE_SIZE)} | ({"cursor": cursor} if cursor else {})
        return fake.store.list_orders(account, params)

    moment = datetime(2024, 5, 1, tzinfo=timezone.utc)
    plain_orders = {
        pk: StoredOrder(pk, account.public_key, stored(order), moment, moment)
        for pk, order in enumerate(orders, start=1)
    }

    def plain(cursor: str | None) -> tuple[list[dict[str, Any]], Any]:
        params = {"page_size": str(PAGE_SIZE)} | ({"cursor": cursor} if cursor else {})
        query = parse_query(params, lambda integration: True)
        found = [
            order
            for order in plain_orders.values()
            if order.owner == account.public_key and all(c(order) for c in query.checks)
        ]
        page, links = paginate(found, query.spec, query.cursor, query.size)
        return [order.returned() for order in page], links

    start = time.perf_counter()
    ours(None)
    first = time.perf_counter() - start
    page_one = _median_seconds(lambda: ours(None), 21)
    plain_one = _median_seconds(lambda: plain(None), 3)
    start = time.perf_counter()
    pages = _walk(ours)
    walked = time.perf_counter() - start
    if count <= PLAIN_WALK_LIMIT:
        start = time.perf_counter()
        _walk(plain)
        plain_walk, how = time.perf_counter() - start, "plain"
    else:
        plain_walk, how = plain_one * pages, f"plain, est. {pages:,} x its page 1"
    return [
        {"name": f"GET /orders page 1 of {count:,} orders (store)",
         "value": f"{page_one * 1000:.1f}", "unit": "ms",
         "peer": f"plain sort: {plain_one * 1000:,.0f} ms",
         "ratio": f"{plain_one / page_one:,.0f}x"},
        {"name": "  first list after seeding (sorts once)", "value": f"{first * 1000:,.0f}",
         "unit": "ms", "peer": f"seeding took {seeded:.1f} s"},
        {"name": f"  walk every page ({pages:,} of {PAGE_SIZE})", "value": f"{walked:.2f}",
         "unit": "s", "peer": f"{how}: {plain_walk:,.1f} s",
         "ratio": f"{plain_walk / walked:,.0f}x"},
    ]  # fmt: skip


def measure() -> list[dict[str, str]]:
    return [row for count in SIZES for row in _rows_at(count)]


if __name__ == "__main__":
    for row in measure():
        print(" | ".join(row.get(k, "") for k in ("name", "value", "unit", "peer", "ratio")))
