"""The target rows in instructions, counted with valgrind: the same figure on every run.

Wall-clock ratios on a shared machine move by a third from run to run; instruction counts do
not, so they show what a change does. They are not time (the engine's Rust and the rules'
Python retire instructions at different rates). A per-call figure is the difference between a
process that makes ``N`` calls and one that makes none, divided by ``N``, so start-up cancels
out. Needs ``valgrind`` on the PATH; takes a few minutes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

Row = tuple[str, str, str, str]

_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")
# As installed by pip, with byte code written and read.
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
_VALGRIND = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]

_CALLS = """
import sys
sys.path.insert(0, {here!r})
from run import example_order
from sendcloud_contract import json_form, rules, schemas, validate
batch = [example_order(i) for i in range(100)]
# validate() on it is the JSON-form check, the compiled contract's is_valid, and the rules.
bare = schemas.compiled("order-batch")
call = {{
    "validate": lambda: validate(batch),
    "is_valid": lambda: bare.is_valid(batch),
    "json_form": lambda: json_form.problems(batch),
    "rules": lambda: rules.check("order-batch", batch),
}}[sys.argv[1]]
call()
for _ in range(int(sys.argv[2])):
    call()
"""


def available() -> bool:
    return shutil.which("valgrind") is not None


def count(command: list[str], *, cwd: Path | None = None) -> int:
    """Instructions a whole command executes (its own process, not its children)."""
    done = subprocess.run(
        [*_VALGRIND, *command],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=_ENV,
    )
    found = _REFS.search(done.stderr)
    if found is None:
        raise RuntimeError(f"valgrind gave no count for {command[:3]}: {done.stderr[-300:]}")
    return int(found.group(1).replace(",", ""))


def per_call(name: str, calls: int = 50) -> float:
    script = [sys.executable, "-c", _CALLS.format(here=str(HERE)), name]
    # Once outside valgrind first, so that neither counted run compiles byte code.
    subprocess.run([*script, "0"], check=True, env=_ENV)
    return (count([*script, str(calls)]) - count([*script, "0"])) / calls


def library_rows() -> list[Row]:
    ours, bare = per_call("validate"), per_call("is_valid")
    json_form, rules = per_call("json_form"), per_call("rules")
    return [
        (
            "instructions: validate(), 100-order batch",
            f"{ours / 1e6:.2f} M",
            f"bare is_valid {bare / 1e6:.2f} M",
            f"{ours / bare:.2f}x (JSON form {json_form / 1e6:.2f} M, rules {rules / 1e6:.2f} M)",
        )
    ]


def cli_rows(cli: str, bare_loop: list[str], folder: Path) -> list[Row]:
    """``bare_loop`` is the loop's command without its target, which is appended."""
    one = str(sorted(folder.glob("*.json"))[1])
    many = count(
        [cli, "validate", str(folder), "--jobs", "1", "--format", "json", "--output", os.devnull]
    )
    many_bare = count([*bare_loop, str(folder)])
    single, single_bare = count([cli, "validate", one]), count([*bare_loop, one])
    return [
        (
            "instructions: CLI, all files, --jobs 1",
            f"{many / 1e9:.2f} G",
            f"bare loop {many_bare / 1e9:.2f} G",
            f"{many / many_bare:.2f}x the bare loop",
        ),
        (
            "instructions: CLI, one file",
            f"{single / 1e6:.0f} M",
            f"bare loop {single_bare / 1e6:.0f} M",
            f"{single / single_bare:.2f}x the bare loop",
        ),
    ]


_PYTEST_ONLY = [sys.executable, "-c", "import pytest"]
_PLUGIN = [sys.executable, "-c", "import pytest, pytest_sendcloud.plugin"]


def _session_seconds(command: list[str], folder: Path, rounds: int) -> float:
    """The best wall-clock seconds of a whole session over ``rounds`` runs."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run(command, cwd=folder, capture_output=True, check=True, env=_ENV)
        best = min(best, time.perf_counter() - start)
    return best


def plugin_rows(rounds: int = 20) -> list[Row]:
    """The plugin's cost in a session that uses none of it, in instructions, and in
    milliseconds at the pace this machine runs the same session without the plugin (its
    best wall-clock time over ``rounds`` runs): a steady figure, where a difference of two
    wall-clock times is mostly noise."""
    import tempfile

    from plugin_bench import SESSION, trivial_folder

    with tempfile.TemporaryDirectory() as tmp:
        folder = trivial_folder(tmp)
        loaded = count(SESSION, cwd=folder)
        disabled = count([*SESSION, "-p", "no:sendcloud"], cwd=folder)
        pace = disabled / _session_seconds([*SESSION, "-p", "no:sendcloud"], folder, rounds)
    subprocess.run(_PLUGIN, check=True, env=_ENV)  # byte code written before counting
    imported = count(_PLUGIN) - count(_PYTEST_ONLY)
    milliseconds = lambda instructions: f"about {1000 * instructions / pace:.0f} ms"  # noqa: E731
    return [
        (
            "instructions: pytest session, none of the plugin used",
            f"{loaded / 1e9:.3f} G",
            f"-p no:sendcloud {disabled / 1e9:.3f} G",
            f"+{(loaded - disabled) / 1e6:.0f} M for the plugin, "
            f"{milliseconds(loaded - disabled)} (target < 20 ms)",
        ),
        (
            "  importing the plugin module (pytest loaded)",
            f"+{imported / 1e6:.0f} M",
            "",
            milliseconds(imported),
        ),
    ]
