"""The shipped ISO snapshot is pycountry's current data."""

from __future__ import annotations

import importlib.util
from typing import Any

from sendcloud_contract import rules
from tests.helpers import ROOT


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location(
        "regenerate", ROOT / "scripts" / "regenerate_iso_data.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_snapshot_matches_pycountry() -> None:
    expected = _generator().snapshot()
    shipped = rules.iso_data()
    assert shipped == expected, "run: .venv/bin/python scripts/regenerate_iso_data.py"


def test_lookups() -> None:
    assert {"NL", "US", "XK"} <= rules.country_codes()
    assert "XX" not in rules.country_codes()
    assert {"EUR", "GBP", "USD", "JPY"} <= rules.currency_codes()
    assert {"NY", "CA"} <= rules.subdivision_codes("US")
    assert "RM" in rules.subdivision_codes("IT")
    assert rules.subdivision_codes("ZZ") == frozenset()
