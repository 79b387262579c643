"""Payload files as test items: ``--sendcloud-payloads PATH...`` and the ini globs.

Each file the CLI would check is one item named after the file (a JSON Lines
file too: its report names the line of each violation; a recording, a cassette
or HAR file, is checked per interaction, as ``validate`` does). A file whose name
matches the invalid pattern (``*.invalid.*``) passes only when it is rejected.

A payload file under the paths pytest collects becomes an item as pytest walks
them (``pytest_collect_file``). The others are collected once pytest is done,
from the session, by path: never as command-line arguments, which pytest would
read as node ids (``order::2.json`` names a test ``2.json``; ``order[2].json`` a
parametrization).
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from pytest_sendcloud.options import resolve
from pytest_sendcloud.record import record_of

__all__ = [
    "PayloadFile",
    "PayloadItem",
    "collect_payload_file",
    "collect_the_rest",
    "payload_paths",
]

# The payload files pytest's own walk made items of, so the rest are collected apart.
_COLLECTED = pytest.StashKey[set[Path]]()


def payload_paths(config: pytest.Config) -> frozenset[Path]:
    """The payload files the options and ini globs name (absolute)."""
    roots: list[str] = list(config.getoption("sendcloud_payloads") or [])
    globs: list[str] = list(config.getini("sendcloud_payloads"))
    files: set[Path] = set()
    if roots or globs:
        from sendcloud_contract.loading import PAYLOAD_SUFFIXES, payload_files

        for root in roots:
            if os.path.isdir(root):
                files.update(Path(p).resolve() for p in payload_files(root))
            elif os.path.isfile(root):
                files.add(Path(root).resolve())
            else:
                raise pytest.UsageError(f"sendcloud: --sendcloud-payloads: no such path: {root}")
        for pattern in globs:
            files.update(
                p.resolve()
                for p in config.rootpath.glob(pattern)
                if p.is_file() and p.name.lower().endswith(PAYLOAD_SUFFIXES)
            )
    return frozenset(files)


def collect_payload_file(file_path: Path, parent: pytest.Collector) -> PayloadFile:
    """The payload file pytest's walk came to, as a collector (remembered as collected)."""
    parent.config.stash.setdefault(_COLLECTED, set()).add(file_path.resolve())
    return PayloadFile.from_parent(parent, path=file_path)


def collect_the_rest(
    session: pytest.Session, files: Iterable[Path], items: list[pytest.Item]
) -> None:
    """Add the items of the payload files pytest's walk did not come to.

    Each is collected from the session with the usual reports, before any other
    plugin selects or orders the items (``-k``, ``--deselect``, ``--lf``).
    """
    collected = session.config.stash.get(_COLLECTED, set())
    for path in sorted(set(files) - collected):
        node = PayloadFile.from_parent(session, path=path, name=_shown(session.config, path))
        items.extend(session.genitems(node))


def _shown(config: pytest.Config, path: Path) -> str:
    """The file's name in reports: from the rootdir when inside it, else from where pytest ran."""
    for base in (config.rootpath, config.invocation_params.dir):
        if base in path.parents:
            return path.relative_to(base).as_posix()
    return path.as_posix()


class PayloadFile(pytest.File):
    def collect(self) -> Iterator[PayloadItem]:
        yield PayloadItem.from_parent(self, name=self.path.name)


class PayloadItem(pytest.Item):
    """One payload file checked against the contract."""

    def _must_be_rejected(self) -> bool:
        pattern: str = self.config.getini("sendcloud_invalid_pattern")
        return fnmatch.fnmatch(self.path.name, pattern)

    def runtest(self) -> None:
        from pytest_sendcloud.checking import finish
        from pytest_sendcloud.fixtures import configured
        from sendcloud_contract.loading import load_path
        from sendcloud_contract.recordings import RECORDING, RECORDING_FORMATS, validate_path
        from sendcloud_contract.reporting.text import render_report

        settings = resolve(self.config, self, {})
        name = os.path.relpath(self.path, self.config.invocation_params.dir)
        # One read and one check, as ``validate`` does: a recording's report per
        # interaction, else the payload report.
        report = replace(validate_path(self.path), path=name)
        if report.kind == RECORDING or report.kind in RECORDING_FORMATS:
            report = report.strict() if settings.strict else report
        else:
            rules = configured(self, settings, None).rules
            # The conftest's rules need the values; the file is read again only for them.
            documents = load_path(self.path) if rules else []
            report = finish(
                report,
                [(d.value, d.index) for d in documents if not d.fatal],
                rules,
                strict=settings.strict,
            )
        record_of(self.config).payload_checked(report)
        if self._must_be_rejected():
            if report.ok:
                raise PayloadFailure(
                    f"sendcloud: {name} must be rejected (its name matches "
                    f"{self.config.getini('sendcloud_invalid_pattern')!r}), but it is valid"
                )
        elif not report.ok:
            raise PayloadFailure(render_report(report))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, PayloadFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"sendcloud payload {self.path.name}"


class PayloadFailure(Exception):
    """A payload item's verdict; its text is the whole failure report."""
