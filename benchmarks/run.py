"""Measure sendcloud-contract against named peers and print a table of ratios.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/run.py``). Everything is measured
side by side in this one run, on this machine; the ratios are what matter, not the seconds.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import referencing

from sendcloud_contract import schemas, validate
from sendcloud_contract.loading import load_bytes
from sendcloud_contract.validation import validate_documents

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent


def best_of(func: Callable[[], object], *, repeat: int = 5, min_time: float = 0.2) -> float:
    """Seconds per call: the best of several timed rounds, each at least ``min_time`` long."""
    func()
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            func()
        if time.perf_counter() - start >= min_time:
            break
        calls *= 2
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(calls):
            func()
        rounds.append((time.perf_counter() - start) / calls)
    return min(rounds)


def best_of_each(*funcs: Callable[[], object], rounds: int = 7) -> list[float]:
    """Seconds per call of each function: the best of ``rounds`` rounds, taken in turn."""
    best = [float("inf")] * len(funcs)
    for _ in range(rounds):
        for index, func in enumerate(funcs):
            best[index] = min(best[index], best_of(func, repeat=1, min_time=0.1))
    return best


def wall(command: list[str], *, repeat: int = 3) -> float:
    """Best wall-clock seconds of a whole command."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return min(times)


def walls(*commands: list[str], repeat: int = 3) -> list[float]:
    """Best wall-clock seconds of each whole command, run in turn so that all of them see
    the same load on the machine."""
    best = [float("inf")] * len(commands)
    for _ in range(repeat):
        for index, command in enumerate(commands):
            best[index] = min(best[index], wall(command, repeat=1))
    return best


def example_order(index: int) -> dict[str, Any]:
    """A realistic international order (customs, several items), distinct per index."""
    items = [
        {
            "item_id": f"{index}-{n}",
            "name": name,
            "sku": f"SKU-{n:03d}",
            "hs_code": "691200",
            "country_of_origin": "PT",
            "quantity": n + 1,
            "unit_price": {"value": price, "currency": "EUR"},
            "total_price": {"value": round(price * (n + 1), 2), "currency": "EUR"},
            "measurement": {"weight": {"value": 0.45, "unit": "kg"}},
        }
        for n, (name, price) in enumerate([("Stoneware bowl", 14.5), ("Linen napkin", 6.25)])
    ]
    return {
        "order_id": f"BENCH-{index:06d}",
        "order_number": f"{index:06d}",
        "order_details": {
            "integration": {"id": 4711},
            "status": {"code": "fulfilled", "message": "Fulfilled"},
            "order_created_at": "2026-10-01T10:00:00.250Z",
            "order_updated_at": "2026-10-01T12:30:00Z",
            "order_items": items,
            "tags": ["benchmark"],
        },
        "payment_details": {
            "total_price": {"value": 41.75, "currency": "EUR"},
            "status": {"code": "paid", "message": "Paid"},
            "freight_costs": {"value": "7.99", "currency": "EUR"},
        },
        "customs_details": {
            "commercial_invoice_number": f"INV-{index}",
            "shipment_type": "commercial_goods",
            "export_type": "commercial_b2c",
        },
        "shipping_address": {
            "name": "Maya Thompson",
            "address_line_1": "Delancey Street",
            "house_number": "142",
            "postal_code": "10002",
            "city": "New York",
            "state_province_code": "NY",
            "country_code": "US",
            "email": "maya@example.com",
        },
        "shipping_details": {"measurement": {"weight": {"value": 1.2, "unit": "kg"}}},
    }


def python_jsonschema_validator(kind: schemas.Kind) -> jsonschema.Draft202012Validator:
    registry: referencing.Registry[Any] = referencing.Registry().with_resources(
        (uri, referencing.Resource.from_contents(doc)) for uri, doc in schemas.schema_resources()
    )
    return jsonschema.Draft202012Validator(
        schemas.schema(kind),
        registry=registry,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


Row = tuple[str, str, str, str]


def compound_schema(kind: schemas.Kind) -> dict[str, Any]:
    """One self-contained document: every shipped file embedded under ``$defs`` by its ``$id``,
    so that single-file tools resolve the cross-file references without any retrieval."""
    root = schemas.schema(kind)
    root["$defs"] = {
        uri.rsplit("/", 1)[-1]: document
        for uri, document in schemas.schema_resources()
        if uri != schemas.uri_for(kind)
    }
    return root


def library_rows() -> list[Row]:
    batch = [example_order(i) for i in range(100)]
    assert validate(batch).violations == [], "the benchmark batch must be valid"
    raw = orjson.dumps(batch)
    plain = python_jsonschema_validator("order-batch")
    engine = schemas.compiled("order-batch")
    # Each measurement and its peers in turn, so that all see the same load on the machine.
    # Best of many short rounds: on a shared machine the quiet moments are what compare.
    ours, bare, baseline = best_of_each(
        lambda: validate(batch),
        lambda: engine.is_valid(batch),
        lambda: plain.is_valid(batch),
        rounds=15,
    )
    # Nullable fields set to null, as shop systems write them: orjson writes NaN as null too,
    # so such a payload pays for a second encoder (not for a walk in Python).
    with_nulls = [example_order(i) for i in range(100)]
    for order in with_nulls:
        for item in order["order_details"]["order_items"]:
            item["mid_code"] = None
    assert validate(with_nulls).violations == [], "the batch with nulls must be valid"
    ours_nulls, bare_nulls = best_of_each(
        lambda: validate(with_nulls), lambda: engine.is_valid(with_nulls), rounds=15
    )
    from_bytes, json_loads, orjson_loads = best_of_each(
        lambda: validate_documents(load_bytes(raw)),
        lambda: json.loads(raw),
        lambda: orjson.loads(raw),
    )
    per_second = lambda seconds: f"{100 / seconds:,.0f} orders/s"  # noqa: E731
    return [
        (
            "validate(), parsed 100-order batch",
            per_second(ours),
            "plain jsonschema " + per_second(baseline),
            f"{baseline / ours:.1f}x faster (target >= 100x)",
        ),
        (
            "  bare engine is_valid, no rules",
            per_second(bare),
            "",
            f"validate() costs {ours / bare:.2f}x this (target <= 3x)",
        ),
        (
            "  same batch, each item's mid_code null",
            per_second(ours_nulls),
            "",
            f"validate() costs {ours_nulls / bare_nulls:.2f}x the bare engine",
        ),
        (
            "load+validate from bytes, same batch",
            per_second(from_bytes),
            "json.loads alone " + per_second(json_loads),
            f"{from_bytes / json_loads:.2f}x json.loads (target <= 2x)",
        ),
        (
            "  orjson.loads alone",
            per_second(orjson_loads),
            "",
            f"{from_bytes / orjson_loads:.2f}x orjson.loads",
        ),
    ]


def cli_rows(files: int, *, instructions: bool = False) -> list[Row]:
    check_jsonschema = shutil.which("check-jsonschema", path=str(BIN)) or shutil.which(
        "check-jsonschema"
    )
    ours_cli = shutil.which("sendcloud-contract", path=str(BIN))
    if ours_cli is None:
        return [("CLI on many files", "sendcloud-contract is not installed", "", "")]
    # An installed package runs from byte code (pip compiles it); so does the measured one,
    # even where PYTHONDONTWRITEBYTECODE keeps the interpreter from writing it.
    compileall.compile_dir(str(ROOT / "sendcloud_contract"), quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "payloads"
        folder.mkdir()
        for i in range(files):
            order = example_order(i)
            if i % 50 == 0:
                order["order_details"]["order_items"][0]["quantity"] = 0
            (folder / f"order-{i:05d}.json").write_bytes(orjson.dumps([order]))
        bundled = compound_schema("order-batch")
        schema_file = Path(tmp) / "order-batch.bundled.json"
        schema_file.write_text(json.dumps(bundled))
        bare_script = Path(tmp) / "bare.py"
        bare_script.write_text(
            "import sys, pathlib, orjson, jsonschema_rs, json\n"
            "v = jsonschema_rs.validator_for(json.load(open(sys.argv[1])), validate_formats=True)\n"
            "target = pathlib.Path(sys.argv[2])\n"
            "paths = sorted(target.glob('*.json')) if target.is_dir() else [target]\n"
            "print(sum(not v.is_valid(orjson.loads(p.read_bytes())) for p in paths))\n"
        )
        command = [ours_cli, "validate", str(folder), "--format", "json", "--output", os.devnull]
        ours, ours_serial, bare = walls(
            command,
            [*command, "--jobs", "1"],
            [sys.executable, str(bare_script), str(schema_file), str(folder)],
            repeat=7,
        )
        one_file = str(folder / "order-00001.json")
        ours_one, bare_one = walls(
            [ours_cli, "validate", one_file],
            [sys.executable, str(bare_script), str(schema_file), one_file],
            repeat=25,
        )
        rows: list[Row] = [
            (
                f"CLI, {files:,} files (2% invalid), default --jobs auto",
                f"{ours:.2f} s",
                f"bare orjson+jsonschema-rs loop {bare:.2f} s",
                f"{ours / bare:.2f}x the bare loop (target <= 1.3x)",
            ),
            (
                "  same with --jobs 1 (one process, like the loop)",
                f"{ours_serial:.2f} s",
                "",
                f"{ours_serial / bare:.2f}x the bare loop",
            ),
            (
                "CLI, one file (the pre-commit case)",
                f"{ours_one * 1000:.0f} ms",
                f"bare loop on that file {bare_one * 1000:.0f} ms",
                f"{ours_one / bare_one:.2f}x the bare loop (target <= 1.3x)",
            ),
        ]
        if instructions:
            import instructions as counted

            bare_loop = [sys.executable, str(bare_script), str(schema_file)]
            rows += counted.cli_rows(ours_cli, bare_loop, folder)
        if check_jsonschema:
            paths = sorted(str(p) for p in folder.glob("*.json"))
            peer = wall([check_jsonschema, "--schemafile", str(schema_file), *paths], repeat=1)
            rows.append(
                (
                    "",
                    "",
                    f"check-jsonschema {peer:.2f} s",
                    f"{peer / ours:.1f}x faster than check-jsonschema (target >= 5x)",
                )
            )
        return rows


def _table_rows(measured: list[dict[str, str]]) -> list[Row]:
    rows: list[Row] = []
    for row in measured:
        rows.append(
            (
                str(row.get("name", "")),
                f"{row.get('value', '')} {row.get('unit', '')}".strip(),
                str(row.get("peer", "")),
                str(row.get("ratio", "")),
            )
        )
    return rows


def plugin_rows() -> list[Row]:
    sys.path.insert(0, str(HERE))
    import plugin_bench

    return plugin_bench.rows()


def strategy_rows(seconds: float) -> list[Row]:
    sys.path.insert(0, str(HERE))
    try:
        import strategies_bench
    except ImportError:
        return [("strategies", "benchmarks/strategies_bench.py is missing", "", "")]
    return _table_rows(strategies_bench.measure(seconds))


def contract_rows() -> list[Row]:
    sys.path.insert(0, str(HERE))
    import contract_bench

    return _table_rows(contract_bench.measure())


def proxy_rows() -> list[Row]:
    sys.path.insert(0, str(HERE))
    import proxy_bench

    return _table_rows(proxy_bench.measure())


def paging_rows() -> list[Row]:
    sys.path.insert(0, str(HERE))
    import paging_bench

    return _table_rows(paging_bench.measure())


def loading_rows() -> list[Row]:
    sys.path.insert(0, str(HERE))
    import loading_bench

    return _table_rows(loading_bench.measure())


def print_table(rows: list[Row]) -> None:
    header: Row = ("measurement", "sendcloud-contract", "peer", "ratio")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + " |"  # noqa: E731
    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=5000, help="files for the CLI measurement")
    parser.add_argument("--strategy-seconds", type=float, default=10.0)
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=[
            "library",
            "cli",
            "strategies",
            "plugin",
            "contract",
            "proxy",
            "paging",
            "loading",
        ],
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count the target rows' instructions with valgrind (steady; a few minutes)",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    import instructions

    counting = args.instructions and instructions.available()
    rows: list[Row] = []
    if args.instructions and not counting:
        rows.append(("instructions", "valgrind is not installed", "", ""))
    if "library" not in args.skip:
        rows += library_rows()
        if counting:
            rows += instructions.library_rows()
    if "cli" not in args.skip:
        rows += cli_rows(args.files, instructions=counting)
    if "strategies" not in args.skip:
        rows += strategy_rows(args.strategy_seconds)
    if "plugin" not in args.skip:
        rows += plugin_rows()
        if counting:
            rows += instructions.plugin_rows()
    if "contract" not in args.skip:
        rows += contract_rows()
    if "proxy" not in args.skip:
        rows += proxy_rows()
    if "paging" not in args.skip:
        rows += paging_rows()
    if "loading" not in args.skip:
        rows += loading_rows()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    print_table(rows)


if __name__ == "__main__":
    main()
