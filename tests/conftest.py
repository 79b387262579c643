"""Fixtures shared by the validator's tests."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.helpers import REFERENCE, base_order


@pytest.fixture
def order() -> dict[str, Any]:
    """A minimal valid order, fresh for every test."""
    return base_order()


@pytest.fixture(scope="session")
def reference() -> dict[str, Any]:
    """Sendcloud's published OpenAPI document, when this checkout sits beside it."""
    if not REFERENCE.is_file():
        pytest.skip(f"Sendcloud's OpenAPI document is not at {REFERENCE}")
    loaded: dict[str, Any] = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
    return loaded
