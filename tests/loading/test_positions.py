"""Positions cost the same however many are asked for, and depth costs memory in proportion.

No timing is asserted: the work is counted (how often the line index is built, how often
a document is scanned, how many members a walk looks up) or bounded by memory growth.
"""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest

from sendcloud_contract.loading import load_bytes, positions, scanner
from sendcloud_contract.loading.positions import Place
from sendcloud_contract.recordings import validate_recording

MANY = 3_000


class Counted:
    """Counts the calls of a function (or method) put in its place by :meth:`install`."""

    def __init__(self) -> None:
        self.calls = 0

    def install(self, monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> Counted:
        function = getattr(owner, name)

        def counting(*args: Any) -> Any:
            self.calls += 1
            return function(*args)

        monkeypatch.setattr(owner, name, counting)
        return self


@pytest.fixture
def line_index_builds(monkeypatch: pytest.MonkeyPatch) -> Counted:
    return Counted().install(monkeypatch, positions, "line_starts")


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> Counted:
    return Counted().install(monkeypatch, scanner.JsonScan, "run")


@pytest.fixture
def step_overs(monkeypatch: pytest.MonkeyPatch) -> Counted:
    return Counted().install(monkeypatch, scanner, "step_over")


@pytest.fixture
def member_lookups(monkeypatch: pytest.MonkeyPatch) -> Counted:
    return Counted().install(monkeypatch, Place, "member")


def unknown_keys(count: int, *, duplicate: bool = False) -> bytes:
    """An object of ``count`` members, one per line: member ``k{i}`` on line ``i + 2``."""
    lines = [f'  "k{i}": {i},' for i in range(count)]
    if duplicate:
        lines.append('  "k0": 0,')
    return ("{\n" + "\n".join(lines).rstrip(",") + "\n}").encode()


@pytest.mark.parametrize("duplicate", [False, True], ids=["valid", "with a duplicate key"])
def test_locating_many_members_builds_one_line_index_and_reads_the_text_once(
    duplicate: bool,
    line_index_builds: Counted,
    scans: Counted,
    step_overs: Counted,
    member_lookups: Counted,
) -> None:
    (document,) = load_bytes(unknown_keys(MANY, duplicate=duplicate))
    assert [problem.rule for problem in document.problems] == (
        ["load.duplicate-key"] if duplicate else []
    )

    found = {i: document.locate(f"/k{i}") for i in reversed(range(MANY))}

    expected = {i: (i + 2, 8 + len(str(i))) for i in range(MANY)}
    if duplicate:  # the last member of a name wins, and is the one located
        expected[0] = (MANY + 2, 9)
    assert found == expected
    assert line_index_builds.calls == 1
    # A valid text is read once, up to the last member, which the first pointer names (every
    # member before it stepped over once); one with a duplicate key is scanned once, loaded.
    assert (scans.calls, step_overs.calls) == ((1, 0) if duplicate else (0, MANY - 1))
    # A pointer one member deep is one look-up, not a walk past the members before it.
    assert member_lookups.calls == MANY


def test_a_valid_text_is_read_only_as_far_as_the_pointers_go(step_overs: Counted) -> None:
    elements = ",".join(f'{{"a": {{"b": [{i}]}}, "z": {i}}}' for i in range(MANY))
    (document,) = load_bytes(f"[{elements}]".encode())

    # The members on a pointer's way are entered, not stepped over, and what follows the
    # member asked for stays unread: nothing at all is stepped over for the first element.
    assert document.locate("/0/a/b/0") == (1, 15)
    assert step_overs.calls == 0
    # Element after element, each is stepped over once, by the pointer into the next one.
    assert [document.locate(f"/{i}/z") for i in range(MANY)][-1] is not None
    assert step_overs.calls == 1 + (MANY - 1) * 2


def test_missing_members_fall_back_to_their_parent_at_the_same_cost(
    line_index_builds: Counted, member_lookups: Counted
) -> None:
    (document,) = load_bytes(b'{\n  "a": {\n    "b": [1, 2]\n  }\n}')

    assert [document.locate(p) for p in ("/a/b/7", "/a/x/y", "/a/b/01", "/z")] == [
        (3, 10),
        (2, 8),
        (3, 10),
        (1, 1),
    ]
    assert line_index_builds.calls == 1
    assert member_lookups.calls == 3 + 2 + 3 + 1


def test_each_line_of_json_lines_has_its_own_index(line_index_builds: Counted) -> None:
    documents = load_bytes(b'{"a": 1}\n\n{"b": [true, false]}\n', fmt="jsonl")

    assert [d.locate("/a") for d in documents] == [(1, 7), (3, 1)]
    assert documents[1].locate("/b/1") == (3, 14)
    assert line_index_builds.calls == 2


def test_a_yaml_document_is_located_from_its_parser_marks(line_index_builds: Counted) -> None:
    text = "".join(f"k{i}: {i}\n" for i in range(MANY)).encode()
    (document,) = load_bytes(text, fmt="yaml")

    assert [document.locate(f"/k{i}") for i in range(0, MANY, 500)] == [
        (i + 1, 4 + len(str(i))) for i in range(0, MANY, 500)
    ]
    assert line_index_builds.calls == 0


def test_a_recording_with_many_bad_entries_is_located_with_one_index(
    line_index_builds: Counted, scans: Counted, step_overs: Counted
) -> None:
    entry = {"request": {"method": "GET", "url": "https://x/api/v3/orders"}, "response": {}}
    entries = [entry | {"response": {"status": "x"}} for _ in range(MANY // 3)]
    (document,) = load_bytes(json.dumps({"log": {"entries": entries}}, indent=2).encode())

    report = validate_recording(document)

    statuses = [v for v in report.violations if v.pointer.endswith("/response/status")]
    assert len(statuses) == MANY // 3
    assert [v.line for v in statuses] == [10 + 9 * i for i in range(MANY // 3)]
    assert line_index_builds.calls == 1
    # No value is stepped over twice, however many pointers pass it: of each entry, the
    # request before its response, and of the entries, each one before the next.
    assert (scans.calls, step_overs.calls) == (0, 2 * (MANY // 3) - 1)


# ---------------------------------------------------------------------------
# Depth: memory in proportion to it, and a pointer joined only for a problem


def nested_objects(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


def peak_bytes(load: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        kept = load()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del kept
    return peak


@pytest.mark.parametrize(
    "text", [nested_objects, lambda depth: b"[" * depth + b"]" * depth], ids=["objects", "arrays"]
)
def test_memory_grows_in_proportion_to_depth(text: Callable[[int], bytes]) -> None:
    # Four times as deep costs about four times as much; a pointer string kept for every
    # level (the length of each growing with its depth) would cost sixteen times.
    def load(depth: int) -> Callable[[], object]:
        return lambda: load_bytes(text(depth), max_depth=1_000_000)

    small, large = peak_bytes(load(2_000)), peak_bytes(load(8_000))

    assert large < 6 * small


def test_a_deep_document_is_read_and_located_to_its_last_level() -> None:
    depth = 20_000
    (document,) = load_bytes(nested_objects(depth), max_depth=1_000_000)

    assert not document.problems
    assert document.locate("/a" * depth) == (1, 5 * depth + 1)
    assert document.locate("/a" * (depth - 1) + "/missing") == (1, 5 * depth - 4)


def test_a_problem_deep_down_has_its_whole_pointer() -> None:
    depth = 5_000
    text = b'{"a":' * depth + b'{"x": 1, "x": 2}' + b"}" * depth
    (document,) = load_bytes(text, max_depth=1_000_000)

    (problem,) = document.problems
    assert problem.rule == "load.duplicate-key"
    assert problem.pointer == "/a" * depth
    assert problem.column == 5 * depth + 10


def test_too_deep_is_reported_at_the_first_level_past_the_limit() -> None:
    (document,) = load_bytes(nested_objects(300), max_depth=250)

    (problem,) = document.problems
    assert (problem.rule, problem.pointer, problem.column) == ("load.too-deep", "/a" * 250, 1251)
