"""The reviewed list of deliberate deviations: which differences are decisions, and why.

Each entry names a kind of change, the contract's place (``file#pointer``, a glob) and,
optionally, the document's place, the bound's keyword and the values on both sides; all
that an entry names must match. An entry that matches nothing is stale.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, replace
from typing import Any

from sendcloud_contract.drift._model import (
    Change,
    DriftProblem,
    Finding,
    Location,
    StaleDeviation,
)
from sendcloud_contract.drift._normalise import value_key
from sendcloud_contract.drift._sources import load_one
from sendcloud_contract.schemas import schema_dir

__all__ = ["Deviation", "apply", "default_path", "load"]

_FIELDS = {"change", "contract", "document", "keyword", "old", "new", "quirk", "reason", "kinds"}
_HINT = "Each entry needs change, contract, quirk and reason; see schemas/README.md."


def default_path() -> str:
    """The deviations file shipped beside the schemas."""
    return os.path.join(schema_dir(), "deviations.yaml")


@dataclass(frozen=True)
class Deviation:
    """One reviewed difference between the contract and Sendcloud's document."""

    index: int
    change: Change
    contract: tuple[str, ...]
    reason: str
    quirk: str
    location: Location
    document: str | None = None
    keyword: str | None = None
    kinds: tuple[str, ...] | None = None
    values: tuple[tuple[str, Any], ...] = ()

    def matches(self, finding: Finding) -> bool:
        if finding.change is not self.change or finding.keyword != self.keyword:
            return False
        contract = f"{os.path.basename(finding.contract.file)}#{finding.contract.pointer}"
        if not any(fnmatch.fnmatchcase(contract, each) for each in self.contract):
            return False
        if self.document is not None and not fnmatch.fnmatchcase(
            "#" + finding.document.pointer, self.document
        ):
            return False
        if self.kinds is not None and finding.kind not in self.kinds:
            return False
        return all(_same(getattr(finding, side), value) for side, value in self.values)

    @property
    def summary(self) -> str:
        keyword = f" {self.keyword}" if self.keyword else ""
        return f"{self.change.value}{keyword} at {', '.join(self.contract)}"


def _same(actual: Any, expected: Any) -> bool:
    return value_key(actual) == value_key(expected)


def load(path: str) -> list[Deviation] | DriftProblem:
    """The entries of a deviations file, or what is wrong with it."""
    loaded = load_one(path)
    if isinstance(loaded, DriftProblem):
        return loaded
    entries = loaded.value.get("deviations") if isinstance(loaded.value, dict) else None
    if not isinstance(entries, list):
        return DriftProblem("a deviations file is a mapping with a list 'deviations'", _HINT, path)
    found = []
    for index, entry in enumerate(entries):
        pointer = f"/deviations/{index}"
        line, column = loaded.locate(pointer) or (None, None)
        problem = _check(entry)
        if problem:
            return DriftProblem(problem, _HINT, path, line, column, pointer)
        found.append(
            Deviation(
                index,
                Change(entry["change"]),
                _strings(entry["contract"]),
                entry["reason"],
                entry["quirk"],
                Location(path, pointer, line, column),
                entry.get("document"),
                entry.get("keyword"),
                tuple(entry["kinds"]) if "kinds" in entry else None,
                tuple((side, entry[side]) for side in ("old", "new") if side in entry),
            )
        )
    return found


def _check(entry: Any) -> str | None:
    if not isinstance(entry, dict):
        return "an entry is a mapping"
    unknown = sorted(set(entry) - _FIELDS)
    if unknown:
        return f"unknown field {unknown[0]!r} (expected {', '.join(sorted(_FIELDS))})"
    contract = entry.get("contract")
    if not (isinstance(contract, str) or (isinstance(contract, list) and contract)) or not all(
        isinstance(c, str) and c for c in _strings(contract)
    ):
        return "contract must be a glob or a list of globs (file#pointer)"
    for name in ("change", "quirk", "reason"):
        if not isinstance(entry.get(name), str) or not entry[name].strip():
            return f"the entry has no {name}"
    if entry["change"] not in {c.value for c in Change}:
        return f"unknown change {entry['change']!r}"
    if entry["change"] == Change.BOUND_CHANGED.value and "keyword" not in entry:
        return "a bound-changed entry names its keyword (minLength, pattern, enum, ...)"
    for name in ("document", "keyword"):
        if name in entry and not isinstance(entry[name], str):
            return f"{name} must be a string"
    kinds = entry.get("kinds", [])
    if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
        return "kinds must be a list of kind names"
    return None


def _strings(value: str | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def apply(
    findings: list[Finding], deviations: list[Deviation]
) -> tuple[list[Finding], list[StaleDeviation]]:
    """The findings with known ones marked by their reason, and the entries left unused."""
    used: set[int] = set()
    marked = []
    for finding in findings:
        entry = next((d for d in deviations if d.matches(finding)), None)
        if entry is None:
            marked.append(finding)
            continue
        used.add(entry.index)
        marked.append(replace(finding, deviation=entry.reason))
    stale = [
        StaleDeviation(d.index, d.summary, d.reason, d.location)
        for d in deviations
        if d.index not in used
    ]
    return marked, stale
