"""Command-line options, ini keys and the marker, and how they combine into Settings.

Precedence, highest first: command line > ini file > ``@pytest.mark.sendcloud``
> the ``sendcloud_config`` fixture (which a conftest may override) > the
defaults below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

import pytest

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_INVALID_PATTERN",
    "MARKER_HELP",
    "Settings",
    "add_options",
    "resolve",
]

DEFAULT_BASE_URL = "https://panel.sendcloud.sc/api/v3"
DEFAULT_INVALID_PATTERN = "*.invalid.*"
GROUP = "sendcloud-contract"
MARKER_HELP = (
    "sendcloud(validate_requests=True, strict=False, integrations=[7], base_url=...): "
    "configure the sendcloud_fake and sendcloud_server fixtures of this test "
    "(integrations: the ids the fake account owns; undeclared, it knows every id). "
    "See the pytest plugin page of the sendcloud-contract docs (docs/pytest-plugin.md)."
)


@dataclass(frozen=True)
class Settings:
    """What one test's sendcloud fixtures do.

    ``strict`` counts warnings as errors (in the validator, request
    validation and payload items); ``validate_requests`` checks every request
    the code under test sends to the fake; ``integrations`` are the
    integration ids of the fake account (None: none declared, and the fake
    knows every integration id a request names); ``base_url`` is where the
    respx fake answers.
    """

    base_url: str = DEFAULT_BASE_URL
    strict: bool = False
    validate_requests: bool = True
    integrations: tuple[int, ...] | None = None


_NAMES = frozenset(f.name for f in fields(Settings))


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup(GROUP, "sendcloud-contract (Sendcloud Orders API contract checks)")
    group.addoption(
        "--sendcloud-payloads",
        nargs="+",
        metavar="PATH",
        default=None,
        help="collect every payload file under PATH (JSON, JSON Lines, YAML) as a test item",
    )
    group.addoption(
        "--sendcloud-base-url",
        metavar="URL",
        default=None,
        help=f"where the respx fake answers (default {DEFAULT_BASE_URL})",
    )
    group.addoption(
        "--sendcloud-strict",
        action="store_const",
        const=True,
        default=None,
        help="count contract warnings as errors",
    )
    group.addoption(
        "--sendcloud-coverage",
        action="store_true",
        default=False,
        help="report which operations, statuses and request fields the tests exercised",
    )
    group.addoption(
        "--sendcloud-coverage-json",
        metavar="FILE",
        default=None,
        help="write the contract coverage as JSON to FILE",
    )
    group.addoption(
        "--sendcloud-coverage-html",
        metavar="DIR",
        default=None,
        help="write the contract coverage as an HTML page to DIR/index.html",
    )
    group.addoption(
        "--sendcloud-record",
        metavar="DIR",
        default=None,
        help="write what each test sent to the fake (and its answers) as a recording in DIR",
    )
    group.addoption(
        "--sendcloud-live",
        metavar="URL",
        default=None,
        help="run the sendcloud_live tests against URL (keys from SENDCLOUD_PUBLIC_KEY and "
        "SENDCLOUD_SECRET_KEY), every exchange checked; without it they use the fake",
    )
    group.addoption(
        "--sendcloud-cassettes",
        action="store_true",
        default=False,
        help="after each test that used a pytest-recording cassette, check it against the "
        "contract (an error in teardown when it breaks it)",
    )
    parser.addini(
        "sendcloud_cassettes",
        "check the cassettes pytest-recording tests use against the contract",
        type="bool",
        default=False,
    )
    parser.addini(
        "sendcloud_record",
        "folder (relative to the rootdir) for a recording of each test that used a fake",
        type="string",
        default="",
    )
    parser.addini(
        "sendcloud_payloads",
        "globs of payload files to collect as test items (relative to the rootdir)",
        type="linelist",
        default=[],
    )
    parser.addini(
        "sendcloud_invalid_pattern",
        f"file names a payload must be rejected for ({DEFAULT_INVALID_PATTERN})",
        type="string",
        default=DEFAULT_INVALID_PATTERN,
    )
    parser.addini(
        "sendcloud_strict", "count contract warnings as errors", type="bool", default=None
    )
    parser.addini("sendcloud_base_url", "where the respx fake answers", type="string", default=None)


def _checked(values: Mapping[str, Any], where: str) -> dict[str, Any]:
    unknown = sorted(set(values) - _NAMES)
    if unknown:
        raise pytest.UsageError(
            f"sendcloud: {where} got unknown setting(s) {', '.join(unknown)}; "
            f"expected {', '.join(sorted(_NAMES))}"
        )
    checked = dict(values)
    if checked.get("integrations") is not None:
        value = checked["integrations"]
        ids = tuple(value) if isinstance(value, (list, tuple)) else ()
        if not ids or any(isinstance(i, bool) or not isinstance(i, int) or i < 1 for i in ids):
            raise pytest.UsageError(
                f"sendcloud: {where}: integrations must be a list of positive integers "
                f"(or None: undeclared), not {value!r}"
            )
        checked["integrations"] = ids
    for name in ("strict", "validate_requests"):
        if name in checked and not isinstance(checked[name], bool):
            raise pytest.UsageError(f"sendcloud: {where}: {name} must be True or False")
    if "base_url" in checked and not str(checked["base_url"]).startswith(("http://", "https://")):
        raise pytest.UsageError(f"sendcloud: {where}: base_url must be an http(s) URL")
    return checked


def _marker_values(node: pytest.Item) -> dict[str, Any]:
    """Every ``sendcloud`` marker on the test, the closest one winning per setting."""
    merged: dict[str, Any] = {}
    for marker in reversed(list(node.iter_markers("sendcloud"))):
        if marker.args:
            raise pytest.UsageError("sendcloud: the sendcloud marker takes keyword arguments only")
        merged.update(marker.kwargs)
    return merged


def _configured(config: pytest.Config) -> dict[str, Any]:
    """The settings given on the command line or, failing that, in the ini file."""
    found: dict[str, Any] = {}
    for name, option, ini in (
        ("base_url", "sendcloud_base_url", "sendcloud_base_url"),
        ("strict", "sendcloud_strict", "sendcloud_strict"),
    ):
        value = config.getoption(option)
        if value is None:
            value = config.getini(ini)
        if value is not None:
            found[name] = value
    return found


def resolve(
    config: pytest.Config, node: pytest.Item | None, defaults: Mapping[str, Any]
) -> Settings:
    """The settings of one test, by the precedence in this module's docstring."""
    settings = replace(Settings(), **_checked(defaults, "the sendcloud_config fixture"))
    if node is not None:
        settings = replace(settings, **_checked(_marker_values(node), "@pytest.mark.sendcloud"))
    return replace(settings, **_checked(_configured(config), "the command line or ini file"))
