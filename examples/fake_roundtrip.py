"""A short session against the stateful fake, the way an integration's own tests use it.

Run it with ``.venv/bin/python examples/fake_roundtrip.py`` (``make demo`` does).
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from sendcloud_contract.fake import Account, FakeSendcloud, mock_sendcloud

HERE = Path(__file__).resolve().parent
API = "https://panel.sendcloud.sc/api/v3"


def show(step: str, response: httpx.Response) -> None:
    body = json.dumps(response.json(), ensure_ascii=False) if response.content else ""
    print(f"{step}\n  -> {response.status_code} {body[:220]}{'...' if len(body) > 220 else ''}")


def main() -> None:
    shop = Account("shop-public-key", "shop-secret-key", integrations=(4711,))
    with mock_sendcloud(FakeSendcloud([shop])) as fake:
        client = httpx.Client(base_url=API, auth=("shop-public-key", "shop-secret-key"))
        batch = json.loads((HERE / "valid" / "basic-order.json").read_text(encoding="utf-8"))
        show("POST /orders (a new order)", client.post("/orders", json=batch))
        batch[0]["order_details"]["status"] = {"code": "shipped"}
        show(
            "POST /orders again (same order_id + integration: an update)",
            client.post("/orders", json=batch),
        )
        order_id = fake.orders()[0]["id"]
        show(
            f"PATCH /orders/{order_id} (an item, matched by name)",
            client.patch(
                f"/orders/{order_id}",
                json={
                    "order_details": {
                        "order_items": [
                            {
                                "name": "Beeswax taper candle",
                                "quantity": 3,
                                "total_price": {"value": 14.85, "currency": "EUR"},
                            }
                        ]
                    }
                },
            ),
        )
        listed = client.get("/orders", params={"page_size": 1})
        show("GET /orders?page_size=1", listed)
        bad = json.loads((HERE / "invalid" / "typos-and-ranges.json").read_text(encoding="utf-8"))
        show(
            "POST /orders with a broken order (nothing is stored)", client.post("/orders", json=bad)
        )
        show("GET /orders/999 (no such order)", client.get("/orders/999"))
        show("GET /orders without credentials", httpx.get(f"{API}/orders"))
        print(f"orders stored: {len(fake.orders())}")


if __name__ == "__main__":
    main()
