"""The pytest plugin's costs: loading it in a session that uses none of it, and requests
through the sendcloud_fake route against a bare respx route with a canned answer."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

Row = tuple[str, str, str, str]

_TRIVIAL = "def test_nothing():\n    assert True\n"


# As installed by pip, with compiled bytecode: a PYTHONDONTWRITEBYTECODE in the
# environment would make every run compile the modules again.
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _wall(command: list[str], folder: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=folder, capture_output=True, check=True, env=_ENV)
    return time.perf_counter() - start


_IMPORT = (
    "import time, pytest; start = time.perf_counter(); "
    "import pytest_sendcloud.plugin; print(time.perf_counter() - start)"
)


SESSION = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider"]
"""A pytest session as the plugin rows run it, in a folder made by :func:`trivial_folder`."""


def trivial_folder(tmp: str) -> Path:
    """A folder with one trivial test, its byte code written."""
    folder = Path(tmp)
    (folder / "test_trivial.py").write_text(_TRIVIAL)
    _wall(SESSION, folder)
    return folder


def load_rows(repeat: int = 15) -> list[Row]:
    """Whole sessions with and without the plugin, interleaved, best of ``repeat`` each
    (the minimum is what survives a busy machine); and the plugin's import alone."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = trivial_folder(tmp)
        loaded, disabled = [], []
        for _ in range(repeat):
            loaded.append(_wall(SESSION, folder))
            disabled.append(_wall([*SESSION, "-p", "no:sendcloud"], folder))
    imports = [
        float(subprocess.run([sys.executable, "-c", _IMPORT], capture_output=True, text=True,
                             check=True, env=_ENV).stdout)
        for _ in range(repeat)
    ]  # fmt: skip
    with_plugin, without = min(loaded), min(disabled)
    return [
        (
            "pytest session using none of the plugin",
            f"{with_plugin * 1000:.0f} ms",
            f"-p no:sendcloud {without * 1000:.0f} ms",
            f"{(with_plugin - without) * 1000:+.0f} ms for the plugin (target < 20 ms)",
        ),
        ("  importing the plugin module alone", f"{min(imports) * 1000:.1f} ms", "", ""),
    ]


def request_rows(seconds: float = 1.0) -> list[Row]:
    import httpx
    import respx

    from sendcloud_contract.fake import FakeSendcloud
    from sendcloud_contract.fake.respx import mount

    fake = FakeSendcloud()
    order = {
        "order_id": "BENCH-1",
        "order_number": "1",
        "order_details": {
            "integration": {"id": 1},
            "status": {"code": "fulfilled"},
            "order_created_at": "2024-04-28T10:00:00Z",
            "order_items": [
                {"name": "Mug", "quantity": 1, "total_price": {"value": 4.5, "currency": "EUR"}}
            ],
        },
        "payment_details": {
            "total_price": {"value": 4.5, "currency": "EUR"},
            "status": {"code": "paid"},
        },
    }
    [pk] = fake.seed([order])
    url = f"https://panel.sendcloud.sc/api/v3/orders/{pk}"
    auth = (fake.account.public_key, fake.account.secret_key)
    canned = {"data": fake.orders()[0]}

    def rate(router: respx.MockRouter) -> float:
        with router, httpx.Client(auth=auth) as client:
            assert client.get(url).status_code == 200
            count = 0
            start = time.perf_counter()
            while time.perf_counter() - start < seconds:
                for _ in range(50):
                    client.get(url)
                count += 50
            return count / (time.perf_counter() - start)

    through_fake = respx.MockRouter(assert_all_called=False)
    mount(through_fake, fake)
    bare = respx.MockRouter(assert_all_called=False)
    bare.get(url).respond(200, json=canned)
    ours = rate(through_fake)
    peer = rate(bare)
    return [
        (
            "GET /orders/{id} through sendcloud_fake",
            f"{ours:,.0f} requests/s",
            f"bare respx route, canned answer {peer:,.0f} requests/s",
            f"{peer / ours:.2f}x slower (target within 3x)",
        )
    ]


def rows() -> list[Row]:
    return load_rows() + request_rows()
