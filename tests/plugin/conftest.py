"""The plugin is disabled in the project's own session; these tests load it explicitly
into pytester sessions (in process, or in a subprocess where xdist or pytest-recording
needs one)."""

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


@pytest.fixture
def run(pytester: pytest.Pytester) -> Run:
    """Run pytest in process with the plugin loaded (random order off unless asked)."""

    def go(*args: str) -> pytest.RunResult:
        return pytester.runpytest(*LOAD, *args)

    return go
