"""Recording files in, reports out: recognise the format, read, check every interaction.

``validate`` hands every path here: payload files go on to
:func:`sendcloud_contract.validate_documents` after one cheap look at their
shape, so recognising recordings costs payload files next to nothing; the
readers and the checks are imported on the first recording.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from sendcloud_contract import operations
from sendcloud_contract.loading import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_DEPTH,
    Document,
    Format,
    LoadProblem,
    detect_format,
    load_bytes,
    load_path,
    read_regular_file,
)
from sendcloud_contract.recordings.formats import RecordingFormat, detect, read
from sendcloud_contract.report import Report, Violation
from sendcloud_contract.validation import AUTO, validate_documents

if TYPE_CHECKING:
    from sendcloud_contract.recordings.interaction import Interaction, Side

__all__ = [
    "RECORDING",
    "RECORDING_SUFFIXES",
    "read_recording",
    "validate_loaded",
    "validate_path",
    "validate_recording",
]

RECORDING = "recording"
RECORDING_SUFFIXES = (".har",)

_CASSETTE_LINE = re.compile(rb"^interactions:", re.MULTILINE)
_NOT_A_RECORDING = (
    "not a recording: expected a VCR.py cassette (a mapping with 'interactions'), "
    "a HAR archive ('log.entries') or a list of request/response pairs"
)
_PYTHON_TAG_HINT = (
    "Python tags are never constructed here, so nothing in a cassette runs: re-record the "
    "cassette with a current VCR.py, or write the value as a plain string."
)


def validate_recording(
    document: Document,
    *,
    path: str | None = None,
    expected: RecordingFormat | None = None,
    root: str = operations.API_ROOT,
    allow_unknown_fields: bool = False,
    strict: bool = False,
) -> Report:
    """Check every Orders API interaction of one loaded recording.

    The format comes from the content; ``expected`` (what the file's name or
    first bytes announce) only names a recording too broken to tell.
    """
    detected = None if document.fatal else detect(document.value)
    violations = [_load_violation(p) for p in document.problems]
    if detected is None:
        if not document.fatal:
            violations.append(Violation("", _NOT_A_RECORDING, "recording.format"))
        # Nothing was read, so there are no counts to give (they would read as "empty").
        report = Report(expected or RECORDING, violations, path=path)
        return report.strict() if strict else report
    from sendcloud_contract.recording_report import RecordingSummary
    from sendcloud_contract.recordings.check import check_interaction, problem_violation

    fmt, reason = detected
    interactions, problems = read(fmt, document.value)
    violations = _attributed(violations, interactions)
    violations.extend(problem_violation(p, document, None) for p in problems)
    broken = frozenset(p.pointer for p in document.problems)
    checked = 0
    for interaction in interactions:
        matched, found = check_interaction(
            interaction,
            document,
            root=root,
            allow_unknown_fields=allow_unknown_fields,
            broken=broken,
        )
        checked += matched
        violations.extend(found)
    report = Report(
        fmt,
        violations,
        path=path,
        kind_reason=reason,
        recording=RecordingSummary(fmt, len(interactions), checked),
    )
    return report.strict() if strict else report


def validate_loaded(
    documents: Sequence[Document],
    kind: str = AUTO,
    *,
    path: str | None = None,
    expected: RecordingFormat | None = None,
    root: str = operations.API_ROOT,
    allow_unknown_fields: bool = False,
    strict: bool = False,
) -> Report:
    """A recording's report when ``documents`` are one (or ``kind`` says so), else the
    payload report."""
    single = documents[0] if len(documents) == 1 else None
    if kind == RECORDING or (
        kind == AUTO and single is not None and not single.fatal and detect(single.value)
    ):
        if single is None:
            single = Document(None, [_stream_problem(len(documents))], fatal=True)
        return validate_recording(
            single,
            path=path,
            expected=expected,
            root=root,
            allow_unknown_fields=allow_unknown_fields,
            strict=strict,
        )
    return validate_documents(
        documents,
        kind,
        path=path,
        allow_unknown_fields=allow_unknown_fields,
        strict=strict,
    )


def validate_path(
    path: str | os.PathLike[str],
    kind: str = AUTO,
    *,
    root: str = operations.API_ROOT,
    allow_unknown_fields: bool = False,
    strict: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> Report:
    """Check a file that may be a recording (by content or a ``.har`` name) or a payload."""
    name = os.fspath(path)
    fmt: Format = detect_format(name) or "json"
    data = _read(name, max_bytes) if kind in (AUTO, RECORDING) else None
    if data is None or (fmt == "jsonl" and kind == AUTO):
        # Payload kinds, JSON Lines, and files the loader must explain (unreadable, too large).
        documents = load_path(name, fmt=fmt, max_bytes=max_bytes, max_depth=max_depth)
        return validate_documents(
            documents,
            kind,
            path=name,
            allow_unknown_fields=allow_unknown_fields,
            strict=strict,
        )
    documents, expected = _load_recording(name, fmt, data, kind == RECORDING, max_depth)
    return validate_loaded(
        documents,
        RECORDING if kind == RECORDING or expected is not None else AUTO,
        path=name,
        expected=expected,
        root=root,
        allow_unknown_fields=allow_unknown_fields,
        strict=strict,
    )


def read_recording(
    path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> list[Interaction]:
    """The interactions of a recording file, for tools of your own (``as_simple``, diffs).

    Empty when the file cannot be read or is no recording; ``validate_path``
    says why.
    """
    name = os.fspath(path)
    data = _read(name, max_bytes)
    if data is None:
        return []
    fmt = detect_format(name) or "json"
    (document, *rest), _ = _load_recording(name, fmt, data, True, DEFAULT_MAX_DEPTH)
    detected = None if rest or document.fatal else detect(document.value)
    return [] if detected is None else read(detected[0], document.value)[0]


def _load_recording(
    name: str, fmt: Format, data: bytes, forced: bool, max_depth: int
) -> tuple[list[Document], RecordingFormat | None]:
    """The file's documents, and the recording format its name or first bytes announce."""
    expected: RecordingFormat | None = "har" if name.lower().endswith(RECORDING_SUFFIXES) else None
    if fmt == "yaml":
        if _CASSETTE_LINE.search(data):
            expected = "vcr-cassette"
        tags = forced or expected is not None
        return load_bytes(data, fmt="yaml", max_depth=max_depth, cassette_tags=tags), expected
    documents = load_bytes(data, fmt="json", max_depth=max_depth)
    if expected is None and documents[0].fatal:
        expected = _announced(data)
    return documents, expected


def _read(name: str, max_bytes: int) -> bytes | None:
    """The file's bytes; None when the loader must explain why there are none."""
    data = read_regular_file(name, max_bytes=max_bytes)
    return None if isinstance(data, Document) else data


def _announced(data: bytes) -> RecordingFormat | None:
    """For a JSON file too broken to load: do its first bytes say it was meant as a recording?"""
    head = data[:4096]
    if b'"interactions"' in head:
        return "vcr-cassette"
    if b'"log"' in head and b'"entries"' in head:
        return "har"
    if head.lstrip().startswith(b"[") and b'"request"' in head and b'"response"' in head:
        return "recording"
    return None


def _stream_problem(count: int) -> LoadProblem:
    return LoadProblem(
        "recording.format",
        f"a recording is one document, not a stream of {count}",
        "Keep one recording per file.",
        None,
        None,
    )


def _load_violation(problem: LoadProblem) -> Violation:
    hint = _PYTHON_TAG_HINT if "!!python/" in problem.message else problem.hint
    return Violation(
        pointer=problem.pointer,
        message=problem.message,
        rule=problem.rule,
        hint=hint,
        line=problem.line,
        column=problem.column,
    )


def _attributed(violations: list[Violation], interactions: list[Interaction]) -> list[Violation]:
    """Loading problems placed in the interaction whose part of the file they are in."""
    from sendcloud_contract.recording_report import InteractionPlace

    placed = []
    for violation in violations:
        owner = next(
            (
                i
                for i in interactions
                if violation.pointer == i.at or violation.pointer.startswith(i.at + "/")
            ),
            None,
        )
        if owner is not None:
            rest = violation.pointer[len(owner.at) :] + "/"
            side: Side | None = next(
                (name for name in ("request", "response") if rest.startswith(f"/{name}/")), None
            )
            place = InteractionPlace(owner.index, owner.method, owner.path, side)
            violation = replace(violation, interaction=place)
        placed.append(violation)
    return placed
