"""``sendcloud-contract generate``: write example payloads from the Hypothesis strategies.

The same ``--seed`` always writes the same files, so they can be committed as fixtures of
other projects. Hypothesis is imported only when the command runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sendcloud_contract._exit import EXIT_OK, EXIT_USAGE
from sendcloud_contract.extras import MissingExtra, needs_extra

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = ["EXAMPLE_KINDS", "add_arguments", "examples", "run"]

# What ``--kind`` can generate; not the payload kinds of ``schemas.KINDS``.
EXAMPLE_KINDS = ("order", "batch", "edge", "invalid")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--kind",
        choices=EXAMPLE_KINDS,
        default="order",
        help="order: valid orders; batch: valid POST /orders batches; edge: valid but unusual "
        "orders and batches; invalid: payloads breaking one rule, each with a "
        "<name>.expected.json naming the pointer and rule",
    )
    parser.add_argument(
        "--count", type=int, default=10, metavar="N", help="how many files to write"
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="S",
        help="the same seed writes the same files",
    )
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="DIR",
        help="folder to write to (created if missing)",
    )


def _strategy(kind: str) -> SearchStrategy[Any]:
    from hypothesis import strategies as st

    from sendcloud_contract import strategies

    if kind == "order":
        return strategies.orders()
    if kind == "batch":
        return strategies.order_batches()
    if kind == "edge":
        return st.one_of(strategies.edge_case_orders(), strategies.edge_case_batches())
    return strategies.invalid_orders()


def _distinct(strategy: SearchStrategy[Any], count: int, budget: int, seed: int) -> list[Any]:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed

    found: dict[str, Any] = {}

    # too_slow only says that generating took a while: a fixture writer has nothing to fix.
    @settings(
        max_examples=budget,
        database=None,
        derandomize=False,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=[HealthCheck.too_slow],
    )
    @hypothesis_seed(seed)
    @given(strategy)
    def collect(value: Any) -> None:
        if len(found) < count:
            found.setdefault(json.dumps(value, sort_keys=True, default=str), value)

    collect()
    return list(found.values())


def examples(kind: str, count: int, seed: int) -> list[Any]:
    """``count`` distinct examples of a kind, the same ones for the same seed.

    Hypothesis replays a run through ``@seed`` on a ``@given`` function; collecting what it
    draws is the public way to generate outside a test. Duplicates are dropped, and a run
    that found too few distinct values is repeated with a larger budget.
    """
    strategy = _strategy(kind)
    budget = count
    for _ in range(3):
        found = _distinct(strategy, count, budget, seed)
        if len(found) >= count:
            break
        budget *= 4
    return found


def _encoded(value: Any) -> bytes:
    text = json.dumps(value, indent=2, ensure_ascii=False) + "\n"
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(value, indent=2) + "\n").encode("ascii")


def _fail(message: str) -> int:
    print(f"sendcloud-contract generate: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def run(args: argparse.Namespace) -> int:
    kind: str = args.kind
    count: int = args.count
    out = Path(args.out)
    if kind not in EXAMPLE_KINDS:
        return _fail(f"--kind must be one of {', '.join(EXAMPLE_KINDS)}, not {kind!r}")
    if count < 1:
        return _fail(f"--count must be at least 1, not {count}")
    if out.exists() and not out.is_dir():
        return _fail(f"--out {out} exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return _fail(f"cannot create --out {out}: {error.strerror or error}")
    try:
        with needs_extra("generate"):
            drawn = examples(kind, count, args.seed)
    except MissingExtra as error:
        return _fail(str(error))
    width = max(4, len(str(len(drawn))))
    written = 0
    for number, value in enumerate(drawn, start=1):
        name = f"{kind}-{number:0{width}d}"
        files: list[tuple[Path, Any]] = []
        if kind == "invalid":
            payload, expected = value
            files = [
                (out / f"{name}.json", payload),
                (out / f"{name}.expected.json", expected.as_dict()),
            ]
        else:
            files = [(out / f"{name}.json", value)]
        for path, content in files:
            try:
                path.write_bytes(_encoded(content))
            except OSError as error:
                return _fail(f"cannot write {path}: {error.strerror or error}")
            print(path)
        written += 1
    print(f"wrote {written} {kind} example(s) to {out} (seed {args.seed})")
    if written < count:
        print(f"only {written} distinct examples exist for this kind", file=sys.stderr)
    return EXIT_OK
