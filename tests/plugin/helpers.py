"""Helpers of the plugin's tests: how they load the plugin into pytester sessions, and
the orders they send."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.fake.helpers import make_order

Run = Callable[..., pytest.RunResult]
# pytest-recording is left out unless a test asks for it (RECORDING): its import
# warns when vcrpy is already imported in this process.
LOAD = ("-p", "sendcloud", "-p", "no:randomly", "-p", "no:cacheprovider", "-p", "no:recording")


def order(order_id: Any = "WEB-1", **fields: Any) -> dict[str, Any]:
    """A valid order (integration 1), as the code under test would send it."""
    return make_order(order_id, **fields)


def order_literal(**fields: Any) -> str:
    """The order as Python source, for test modules written by pytester."""
    return repr(json.loads(json.dumps(order(**fields))))
