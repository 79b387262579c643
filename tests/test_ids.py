"""One notion of an id, shared by the validator's rules and the fake."""

from __future__ import annotations

from typing import Any

import pytest

from sendcloud_contract.ids import digit_id, integration_id


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2, 2),
        (2.0, 2),
        (1e30, 10**30 + 19884624838656),
        (10**40, 10**40),
        (2.5, None),
        (float("inf"), None),
        (float("nan"), None),
        (True, None),
        ("2", None),
        (None, None),
    ],
)
def test_integration_id(value: Any, expected: int | None) -> None:
    assert integration_id(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7", 7),
        ("0007", 7),
        ("0", 0),
        ("100", 100),
        ("101", None),
        ("9" * 5000, None),
        ("-1", None),
        ("1.0", None),
        ("\u0661", None),
        ("", None),
    ],
)
def test_digit_id(text: str, expected: int | None) -> None:
    assert digit_id(text, 100) == expected
