"""``--sendcloud-cassettes``: after each test that used a pytest-recording cassette, the
cassette is checked against the contract, and a violation errors the test in teardown.

The paths are found as pytest-recording finds them: the ``vcr_cassette_dir``
fixture (a folder per test module), the ``default_cassette`` marker or the
test's name (``Class.test``), a ``.yaml`` or ``.json`` suffix, and the
extra cassettes named in ``@pytest.mark.vcr("other.yaml")``. The check runs
after the test's fixtures are torn down, when VCR.py has written what it
recorded.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from pytest_sendcloud.options import resolve
from pytest_sendcloud.record import record_of

__all__ = ["CassetteViolation", "cassette_paths", "check_cassettes"]

_SUFFIXES = (".yaml", ".json")
_FORBIDDEN = r"<>?%*:|\"'/\\"


class CassetteViolation(AssertionError):
    """A cassette a test used breaks the contract; ``str()`` is the report."""


def _default_name(item: pytest.Item) -> str:
    marker = item.get_closest_marker("default_cassette")
    if marker is not None and marker.args:
        return str(marker.args[0])
    cls = getattr(item, "cls", None)
    name = f"{cls.__name__}.{item.name}" if cls is not None else item.name
    for character in _FORBIDDEN:
        name = name.replace(character, "-")
    return name


def _with_suffix(path: str) -> list[Path]:
    if path.lower().endswith(_SUFFIXES):
        return [Path(path)]
    return [Path(path + suffix) for suffix in _SUFFIXES]


def cassette_paths(item: pytest.Item) -> list[Path]:
    """The cassette files the test may have used (existing or not); none without the
    ``vcr`` marker or pytest-recording."""
    markers = list(item.iter_markers("vcr"))
    folder = getattr(item, "funcargs", {}).get("vcr_cassette_dir")
    if not markers or not isinstance(folder, str):
        return []
    names = [_default_name(item)] + [str(arg) for marker in markers for arg in marker.args]
    found: list[Path] = []
    for name in names:
        for path in _with_suffix(name if os.path.isabs(name) else os.path.join(folder, name)):
            if path not in found:
                found.append(path)
    return found


def check_cassettes(item: pytest.Item, paths: list[Path]) -> None:
    """Validate the cassettes that exist; raise :class:`CassetteViolation` with the reports
    of those that break the contract."""
    from sendcloud_contract.recordings import RECORDING, validate_path
    from sendcloud_contract.reporting.text import render_report

    settings = resolve(item.config, item, {})
    shown = item.config.invocation_params.dir
    failures: list[str] = []
    for path in paths:
        if not path.is_file():
            continue
        report = validate_path(path, RECORDING, strict=settings.strict)
        report = replace(report, path=os.path.relpath(path, shown))
        record_of(item.config).payload_checked(report)
        if not report.ok:
            failures.append(render_report(report))
    if failures:
        count = len(failures)
        head = f"sendcloud: {count} cassette{'s' if count != 1 else ''} broke the contract"
        raise CassetteViolation("\n".join([head, *failures]))
