"""Violation and Report behave as the dataclasses ``@dataclass`` would generate for them.

Their methods are written out (generating them cost every importing process, and so every
test session, about 6 M instructions); these tests hold them to the generated ones.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from typing import Any

import pytest

from sendcloud_contract import Report, Severity, Violation
from sendcloud_contract.recording_report import InteractionPlace, RecordingSummary


def _generated(cls: type, *, frozen: bool) -> Any:
    """The dataclass @dataclass makes of ``cls``'s fields, under the same name."""
    fields = [
        (f.name, f.type, dataclasses.field(default=f.default, default_factory=f.default_factory))
        for f in dataclasses.fields(cls)
    ]
    made = dataclasses.make_dataclass(cls.__name__, fields, frozen=frozen)
    made.__qualname__ = cls.__qualname__
    return made


GeneratedViolation = _generated(Violation, frozen=True)
GeneratedReport = _generated(Report, frozen=False)

VIOLATIONS = [
    ("/a", "m", "r"),
    ("/b/0", "it's", "enum", Severity.WARNING, "a hint", "/data/attributes/[0]/b", 3, 7, 1),
    (
        "",
        "x",
        "not-json",
        Severity.ERROR,
        None,
        None,
        None,
        None,
        None,
        InteractionPlace(2, "POST", "/api/v3/orders", "response"),
    ),
]


@pytest.mark.parametrize("values", VIOLATIONS)
def test_a_violation_is_what_the_generated_dataclass_is(values: tuple[Any, ...]) -> None:
    ours, theirs = Violation(*values), GeneratedViolation(*values)
    assert repr(ours) == repr(theirs)
    assert hash(ours) == hash(theirs)
    assert ours == Violation(*values)
    assert ours != dataclasses.replace(ours, message="other")
    assert ours != theirs  # another class, as between two dataclasses
    assert dataclasses.astuple(ours) == dataclasses.astuple(theirs)
    assert dataclasses.asdict(ours) == dataclasses.asdict(theirs)
    named = dict(zip([f.name for f in dataclasses.fields(Violation)], values, strict=False))
    assert Violation(**named) == ours
    assert pickle.loads(pickle.dumps(ours)) == ours
    assert copy.deepcopy(ours) == ours
    assert {ours, Violation(*values)} == {ours}
    with pytest.raises(dataclasses.FrozenInstanceError):
        ours.rule = "other"  # type: ignore[misc]  # the breach under test: a frozen field
    with pytest.raises(dataclasses.FrozenInstanceError):
        del ours.rule  # type: ignore[misc]  # the breach under test: a frozen field
    assert Violation.__match_args__ == GeneratedViolation.__match_args__


def test_a_report_is_what_the_generated_dataclass_is() -> None:
    violation = Violation("/a", "m", "r")
    summary = RecordingSummary("har", 2, 1)
    calls: list[tuple[Any, ...]] = [
        ("order",),
        ("order-batch", [violation], "a.json", "a list of orders", summary),
    ]
    for args in calls:
        ours, theirs = Report(*args), GeneratedReport(*args)
        assert repr(ours) == repr(theirs)
        assert ours == Report(*args)
        assert ours != dataclasses.replace(ours, path="other")
        assert dataclasses.asdict(ours) == dataclasses.asdict(theirs)
        assert pickle.loads(pickle.dumps(ours)) == ours
    assert Report("order").violations is not Report("order").violations
    with pytest.raises(TypeError):
        hash(Report("order"))
    report = Report("order")
    report.path = "b.json"
    assert report.path == "b.json"


@pytest.mark.parametrize(
    ("ours", "theirs"), [(Violation, GeneratedViolation), (Report, GeneratedReport)]
)
def test_the_signatures_are_the_generated_ones(ours: type, theirs: type) -> None:
    mine, generated = inspect.signature(ours), inspect.signature(theirs)
    assert list(mine.parameters) == list(generated.parameters)
    for name, parameter in mine.parameters.items():
        other = generated.parameters[name]
        assert parameter.kind is other.kind
        if name != "violations":  # a private marker for "a new list", as <factory> is
            assert parameter.default == other.default
