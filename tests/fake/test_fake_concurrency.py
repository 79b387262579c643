"""Many clients at once: no lost update, no duplicate id, through both adapters."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from sendcloud_contract.fake import BASE_URL, FakeSendcloud, asgi_app, mock_sendcloud
from tests.fake.helpers import ALICE, make_order

AUTH = (ALICE.public_key, ALICE.secret_key)
WORKERS = 16
ROUNDS = 5


def shared_order() -> dict[str, Any]:
    """One order with an item per worker, so each worker patches its own item."""
    order = make_order("shared")
    template = order["order_details"]["order_items"][0]
    order["order_details"]["order_items"] = [
        {**template, "name": f"item-{n}", "quantity": 1} for n in range(WORKERS)
    ]
    return order


def check_outcome(fake: FakeSendcloud, created: list[int], statuses: list[int]) -> None:
    assert set(statuses) == {200, 201}
    assert len(created) == len(set(created)) == WORKERS * ROUNDS * 2
    stored = fake.orders()
    assert len(stored) == 1 + WORKERS * ROUNDS * 2
    assert len({o["id"] for o in stored}) == len(stored)
    items = stored[0]["order_details"]["order_items"]
    assert [i["quantity"] for i in items] == [ROUNDS + 1] * WORKERS, "an update was lost"


def test_parallel_threads_through_respx() -> None:
    fake = FakeSendcloud([ALICE])
    [shared] = fake.seed([shared_order()])

    def work(worker: int) -> tuple[list[int], list[int]]:
        created: list[int] = []
        statuses: list[int] = []
        with httpx.Client(base_url=BASE_URL, auth=AUTH) as client:
            for round_ in range(ROUNDS):
                batch = [make_order(f"w{worker}-r{round_}-{k}") for k in range(2)]
                response = client.post("/orders", json=batch)
                statuses.append(response.status_code)
                created += [entry["id"] for entry in response.json()["data"]]
                patch = {
                    "order_details": {
                        "order_items": [{"name": f"item-{worker}", "quantity": round_ + 2}]
                    }
                }
                statuses.append(client.patch(f"/orders/{shared}", json=patch).status_code)
        return created, statuses

    with mock_sendcloud(fake), ThreadPoolExecutor(WORKERS) as pool:
        results = list(pool.map(work, range(WORKERS)))

    check_outcome(
        fake, [i for ids, _ in results for i in ids], [s for _, ss in results for s in ss]
    )


def test_parallel_clients_through_asgi() -> None:
    fake = FakeSendcloud([ALICE])
    [shared] = fake.seed([shared_order()])
    transport = httpx.ASGITransport(app=asgi_app(fake))

    async def work(worker: int) -> tuple[list[int], list[int]]:
        created: list[int] = []
        statuses: list[int] = []
        async with httpx.AsyncClient(
            transport=transport, base_url="http://fake/api/v3", auth=AUTH
        ) as client:
            for round_ in range(ROUNDS):
                batch = [make_order(f"w{worker}-r{round_}-{k}") for k in range(2)]
                posted, patched = await asyncio.gather(
                    client.post("/orders", json=batch),
                    client.patch(
                        f"/orders/{shared}",
                        json={
                            "order_details": {
                                "order_items": [{"name": f"item-{worker}", "quantity": round_ + 2}]
                            }
                        },
                    ),
                )
                statuses += [posted.status_code, patched.status_code]
                created += [entry["id"] for entry in posted.json()["data"]]
        return created, statuses

    async def everyone() -> list[tuple[list[int], list[int]]]:
        return list(await asyncio.gather(*(work(n) for n in range(WORKERS))))

    results = asyncio.run(everyone())

    check_outcome(
        fake, [i for ids, _ in results for i in ids], [s for _, ss in results for s in ss]
    )
