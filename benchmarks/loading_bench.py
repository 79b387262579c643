"""Violations in bulk: a payload with 10k and with 100k unknown keys through validate_file.

Every unknown key is a violation with a line and a column, so the time must grow with the
number of violations and no faster: the 100k file may cost at most ten times the 10k one.
``benchmarks/run.py`` calls :func:`measure`; run this file alone for the same rows.
The parts that loading owns (reading, parsing, locating every violation) are shown apart.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent
TARGET_RATIO = 10.0


def _best(func: Callable[[], object], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def _payload(unknown: int) -> bytes:
    """One realistic order with ``unknown`` extra members, all of the same width."""
    sys.path.insert(0, str(HERE))
    from run import example_order

    order: dict[str, Any] = example_order(1)
    order.update((f"unknown_{index:06d}", index) for index in range(unknown))
    return orjson.dumps(order, option=orjson.OPT_INDENT_2)


def _timings(path: Path, rounds: int) -> tuple[float, float, int]:
    """Seconds of validate_file, seconds of loading and locating, and the violations."""
    from sendcloud_contract.loading import load_path
    from sendcloud_contract.validation import validate_file

    report = validate_file(path)
    pointers = [violation.pointer for violation in report.violations]

    def load_and_locate() -> None:
        (document,) = load_path(path)
        for pointer in pointers:
            document.locate(pointer)

    return _best(lambda: validate_file(path), rounds), _best(load_and_locate, rounds), len(pointers)


def measure() -> list[dict[str, str]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        measured = {}
        for unknown, rounds in ((10_000, 3), (100_000, 2)):
            path = Path(tmp) / f"order-{unknown}.json"
            path.write_bytes(_payload(unknown))
            measured[unknown] = _timings(path, rounds)
    (small, small_loading, small_found), (large, large_loading, large_found) = measured.values()
    ratio = large / small
    verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
    rows.append(
        {"name": "validate_file, 10k violations (unknown keys)", "value": f"{small:.2f}",
         "unit": "s", "peer": f"{small_found:,} violations located"}
    )  # fmt: skip
    rows.append(
        {"name": "  same with 100k violations", "value": f"{large:.2f}", "unit": "s",
         "peer": f"{large_found:,} violations located",
         "ratio": f"{ratio:.1f}x the 10k file (target <= {TARGET_RATIO:.0f}x): {verdict}"}
    )  # fmt: skip
    rows.append(
        {"name": "  of which reading, parsing and locating",
         "value": f"{small_loading:.2f} -> {large_loading:.2f}", "unit": "s",
         "ratio": f"{large_loading / small_loading:.1f}x"}
    )  # fmt: skip
    return rows


if __name__ == "__main__":
    for row in measure():
        print(" | ".join(row.get(k, "") for k in ("name", "value", "unit", "peer", "ratio")))
