"""How fast the Hypothesis strategies produce valid orders, next to hypothesis-jsonschema.

``benchmarks/run.py`` calls :func:`measure`; run this file alone for the same table.

hypothesis-jsonschema 0.23.1 fails on Hypothesis 6.170.10 and later ("'many' object has no
attribute 'more'"), so the baseline runs in a venv of its own (created once under
``benchmarks/.baseline-venv/``, with Hypothesis pinned to 6.170.9) and reports back as JSON.
Both sides generate from the same ``order`` schema, bundled into one document because
hypothesis-jsonschema resolves only local references.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import venv
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BASELINE_VENV = HERE / ".baseline-venv"
BASELINE_REQUIREMENTS = ("hypothesis==6.170.9", "hypothesis-jsonschema==0.23.1", "jsonschema-rs")
TARGET_RATIO = 50

# Runs inside the baseline venv: argv = schema file, seconds to spend, output file.
_BASELINE_SCRIPT = r"""
import json, sys, time
import hypothesis, jsonschema_rs
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis_jsonschema import from_schema

schema_path, budget, out_path = sys.argv[1], float(sys.argv[2]), sys.argv[3]
schema = json.load(open(schema_path, encoding="utf-8"))
strategy = from_schema(schema)
validator = jsonschema_rs.validator_for(schema, validate_formats=True)


def run(count):
    found = []

    @settings(max_examples=count, database=None, deadline=None, derandomize=True,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(value):
        found.append(value)

    start = time.perf_counter()
    collect()
    return found, time.perf_counter() - start


run(3)
sample, elapsed = run(10)
count = max(10, int(len(sample) / elapsed * budget))
examples, elapsed = run(count)
with open(out_path, "w", encoding="utf-8") as out:
    json.dump({
        "hypothesis": hypothesis.__version__,
        "count": len(examples),
        "seconds": elapsed,
        "schema_valid": sum(bool(validator.is_valid(e)) for e in examples),
        "examples": examples,
    }, out)
"""


def bundled_order_schema() -> dict[str, Any]:
    """The ``order`` schema with the shared definitions inlined under ``definitions``."""
    from sendcloud_contract import schemas

    documents = dict(schemas.schema_resources())
    common = documents[schemas.BASE_URI + "common.schema.json"]

    def local(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: local(v) for k, v in node.items() if k not in ("$id", "$schema")}
            ref = out.get("$ref")
            if isinstance(ref, str) and "#/$defs/" in ref:
                out["$ref"] = "#/definitions/" + ref.split("#/$defs/", 1)[1]
            return out
        if isinstance(node, list):
            return [local(v) for v in node]
        return node

    root = local(documents[schemas.uri_for("order")])
    root["definitions"] = local(common["$defs"])
    root["$schema"] = "http://json-schema.org/draft-07/schema#"
    return root


def _baseline_python() -> Path:
    """The baseline venv's interpreter, creating the venv on first use."""
    python = BASELINE_VENV / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    marker = BASELINE_VENV / "requirements.txt"
    wanted = "\n".join(BASELINE_REQUIREMENTS)
    if python.exists() and marker.exists() and marker.read_text() == wanted:
        return python
    venv.EnvBuilder(with_pip=True, clear=True).create(BASELINE_VENV)
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            *BASELINE_REQUIREMENTS,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    marker.write_text(wanted)
    return python


def _run_baseline(seconds: float) -> dict[str, Any]:
    python = _baseline_python()
    with tempfile.TemporaryDirectory() as tmp:
        schema_file, out_file = Path(tmp) / "order.json", Path(tmp) / "out.json"
        schema_file.write_text(json.dumps(bundled_order_schema()), encoding="utf-8")
        subprocess.run(
            [str(python), "-c", _BASELINE_SCRIPT, str(schema_file), str(seconds), str(out_file)],
            check=True,
            capture_output=True,
            text=True,
        )
        result: dict[str, Any] = json.loads(out_file.read_text(encoding="utf-8"))
    return result


def _collect(strategy: Any, count: int) -> tuple[list[Any], float]:
    """``count`` examples through ``@given`` (generation only), and the seconds it took."""
    from hypothesis import Phase, given, settings

    found: list[Any] = []

    @settings(
        max_examples=count, database=None, deadline=None, derandomize=True, phases=[Phase.generate]
    )
    @given(strategy)
    def collect(value: Any) -> None:
        found.append(value)

    start = time.perf_counter()
    collect()
    return found, time.perf_counter() - start


def _timed(strategy: Any, seconds: float) -> tuple[list[Any], float]:
    _collect(strategy, 5)
    sample, elapsed = _collect(strategy, 20)
    return _collect(strategy, max(20, int(len(sample) / elapsed * seconds)))


def _share(examples: list[Any], accept: Callable[[Any], bool]) -> float:
    return sum(1 for e in examples if accept(e)) / len(examples) if examples else 0.0


def measure(seconds: float = 30.0) -> list[dict[str, Any]]:
    """Rows of (name, value, unit, peer, ratio): our strategies against hypothesis-jsonschema."""
    from sendcloud_contract import strategies
    from sendcloud_contract.validation import validate

    def spotless(kind: str) -> Callable[[Any], bool]:
        return lambda value: not validate(value, kind).violations

    ours, ours_time = _timed(strategies.orders(), seconds * 0.25)
    ours_valid = _share(ours, spotless("order"))
    ours_rate = len(ours) * ours_valid / ours_time
    rows: list[dict[str, Any]] = [
        {
            "name": "orders(): valid orders/s",
            "value": f"{ours_rate:,.0f}",
            "unit": "orders/s",
            "peer": "",
            "ratio": f"{ours_valid:.0%} without any violation",
        }
    ]

    batches, batch_time = _timed(strategies.order_batches(min_size=100), seconds * 0.2)
    batch_ms = batch_time / len(batches) * 1000
    batches_valid = _share(batches, spotless("order-batch"))
    rows.append(
        {
            "name": "order_batches(min_size=100): one example",
            "value": f"{batch_ms:,.1f}",
            "unit": "ms",
            "peer": f"100 x orders() {100_000 / ours_rate:,.1f} ms",
            "ratio": f"{batch_ms * ours_rate / 100_000:.2f}x; {batches_valid:.0%} valid",
        }
    )

    try:
        baseline = _run_baseline(seconds * 0.5)
    except (OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", None) or str(error)
        rows.append(
            {
                "name": "hypothesis-jsonschema baseline",
                "value": "unavailable",
                "unit": "",
                "peer": detail.strip().splitlines()[-1][:80] if detail.strip() else "",
                "ratio": "",
            }
        )
        return rows
    count, elapsed = baseline["count"], baseline["seconds"]
    schema_valid = baseline["schema_valid"] / count if count else 0.0
    examples = baseline["examples"]
    accepted = _share(examples, lambda value: validate(value, "order").ok)
    clean = _share(examples, spotless("order"))
    baseline_rate = count * schema_valid / elapsed
    ratio = ours_rate / baseline_rate if baseline_rate else float("inf")
    verdict = "meets" if ratio >= TARGET_RATIO else "MISSES"
    rows[0]["peer"] = (
        f"hypothesis-jsonschema {baseline_rate:,.1f} orders/s (Hypothesis {baseline['hypothesis']})"
    )
    rows[0]["ratio"] = f"{ratio:,.0f}x ({verdict} target >= {TARGET_RATIO}x)"
    rows.append(
        {
            "name": "  hypothesis-jsonschema validity",
            "value": f"{schema_valid:.0%}",
            "unit": "schema-valid",
            "peer": f"{accepted:.0%} pass the rules, {clean:.0%} without any violation",
            "ratio": f"{count} examples in {elapsed:.1f} s",
        }
    )
    return rows


if __name__ == "__main__":
    budget = float(sys.argv[1]) if len(sys.argv) > 1 else 30.0
    for row in measure(budget):
        name, value, unit, peer = row["name"], row["value"], row["unit"], row["peer"]
        print(f"{name:<42} {value:>9} {unit:<12} {peer:<58} {row['ratio']}")
