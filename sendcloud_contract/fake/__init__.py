"""A stateful fake of Sendcloud's Orders API v3, in-process (respx) or over HTTP (ASGI).

The respx names are imported on first use, so serving the ASGI app or using
the core needs neither respx nor httpx.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from sendcloud_contract.fake._errors import Refusal, contract_errors, error
from sendcloud_contract.fake.asgi import SendcloudASGI, asgi_app
from sendcloud_contract.fake.core import (
    BASE_URL,
    Account,
    Exchange,
    FakeSendcloud,
    ListenerError,
    ManualClock,
    RateLimit,
    Reply,
    SeedError,
)
from sendcloud_contract.fake.store import OrderStore

if TYPE_CHECKING:
    from sendcloud_contract.fake.respx import mock_sendcloud, mount, respx_router

__all__ = [
    "BASE_URL",
    "Account",
    "Exchange",
    "FakeSendcloud",
    "ListenerError",
    "ManualClock",
    "OrderStore",
    "RateLimit",
    "Refusal",
    "Reply",
    "SeedError",
    "SendcloudASGI",
    "asgi_app",
    "contract_errors",
    "error",
    "mock_sendcloud",
    "mount",
    "respx_router",
]

_LAZY = {"mock_sendcloud", "mount", "respx_router"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module("sendcloud_contract.fake.respx"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
