"""How fast the contract suite runs: state-machine steps per second, and a default verify.

``benchmarks/run.py`` calls :func:`measure`; run this file alone for the same rows.
Through respx the fake answers in process; over HTTP it runs under
``sendcloud-contract serve`` in its own process, as a team's service would.
The broken variants of the fake from the tests are run at the default setting
to show that what is fast still catches them.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
VERIFY_TARGET_SECONDS = 60.0
KEYS = ("bench-public-key", "bench-secret-key")


@contextmanager
def serving() -> Iterator[str]:
    """``sendcloud-contract serve`` on a free loopback port; yields its base URL."""
    process = subprocess.Popen(
        [str(BIN / "sendcloud-contract"), "serve", "--port", "0", "--integration", "7", "8",
         "--public-key", KEYS[0], "--secret-key", KEYS[1]],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait(timeout=10)


def _steps(target: Any, examples: int) -> tuple[int, float]:
    from sendcloud_contract.contract import RunSettings, run

    start = time.perf_counter()
    verdicts = run(target, RunSettings(max_examples=examples))
    elapsed = time.perf_counter() - start
    if not verdicts.ok:
        raise RuntimeError(verdicts.render())
    return verdicts.steps, elapsed


def measure() -> list[dict[str, str]]:
    from sendcloud_contract.contract import FakeTarget, HttpTarget, RunSettings, run

    sys.path.insert(0, str(ROOT))
    from tests.contract.mutants import MUTANTS, fake_with

    rows = []
    steps, seconds = _steps(FakeTarget(), 30)
    rows.append(
        {"name": "contract suite, fake through respx", "value": f"{steps / seconds:,.0f}",
         "unit": "steps/s", "peer": f"{steps} steps in {seconds:.1f} s"}
    )  # fmt: skip
    with serving() as base_url:
        target = HttpTarget(base_url, KEYS[0], KEYS[1], (7, 8))
        steps, seconds = _steps(target, 30)
        rows.append(
            {"name": "  same over HTTP (serve, loopback)", "value": f"{steps / seconds:,.0f}",
             "unit": "steps/s", "peer": f"{steps} steps in {seconds:.1f} s"}
        )  # fmt: skip
        start = time.perf_counter()
        status = subprocess.run(
            [str(BIN / "sendcloud-contract"), "verify", "--base-url", base_url,
             "--public-key", KEYS[0], "--secret-key", KEYS[1],
             "--integration", "7", "--integration", "8"],
            stdout=subprocess.DEVNULL,
            check=False,
        ).returncode  # fmt: skip
        seconds = time.perf_counter() - start
    verdict = "met" if seconds < VERIFY_TARGET_SECONDS else "MISSED"
    rows.append(
        {"name": "verify against serve, default settings", "value": f"{seconds:.1f}",
         "unit": "s", "peer": f"exit {status}",
         "ratio": f"target < {VERIFY_TARGET_SECONDS:.0f} s: {verdict}"}
    )  # fmt: skip
    caught = 0
    start = time.perf_counter()
    for mutant, law in MUTANTS.items():
        broken = run(FakeTarget(factory=fake_with(mutant)), RunSettings(shrink=False)).broken
        caught += broken is not None and broken.law == law
    rows.append(
        {"name": "  broken fakes caught at that setting", "value": f"{caught}/{len(MUTANTS)}",
         "unit": "", "peer": f"{time.perf_counter() - start:.1f} s to find all"}
    )  # fmt: skip
    return rows


if __name__ == "__main__":
    for row in measure():
        print(" | ".join(row.get(k, "") for k in ("name", "value", "unit", "peer", "ratio")))
