"""What ``validate`` does once its options are read: find the files, check each one (in
worker processes when there are many), and write the rendered report."""

from __future__ import annotations

import errno
import io
import os
import signal
import stat
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import IO, TYPE_CHECKING, NamedTuple

from sendcloud_contract._exit import UsageError
from sendcloud_contract.loading import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_DEPTH,
    SYMLINK_LOOP,
    Document,
    Format,
    load_stream,
    payload_files,
)
from sendcloud_contract.operations import API_ROOT
from sendcloud_contract.recordings import validate_loaded, validate_path
from sendcloud_contract.report import Report, Violation

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

PROGRESS_THRESHOLD = 200
PARALLEL_THRESHOLD = 1000
CHUNK = 50  # files per task: small beside the task's own cost, and the workers end together

_OUTSIDE = "load.outside-link"
_LINK_HINT = "Name the file it points to on its own, or pass --follow-symlinks."
_BUG_HINT = "This is a bug in sendcloud-contract: please report it with this file."
_YAML_HINT = " If standard input is YAML, pass --stdin-format yaml."


class CheckOptions(NamedTuple):
    """How each file is checked: plain data, sent to the worker processes (a named tuple,
    not a dataclass: defining one costs every start-up less)."""

    kind: str = "auto"
    root: str = API_ROOT
    allow_unknown_fields: bool = False
    strict: bool = False
    stdin_format: Format | None = None  # None: JSON, or YAML when it is plainly YAML
    max_bytes: int = DEFAULT_MAX_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH


def expand(
    paths: Sequence[str], *, follow_symlinks: bool = False
) -> tuple[list[str], list[Report]]:
    """Files to check, in a stable order, and reports of what was refused unread (a folder
    that cannot be listed, a symbolic link in a folder that leads out of it). A missing path,
    standard input named twice and a loop of symbolic links are usage errors."""
    found: list[str] = []
    refused: list[Report] = []
    if list(paths).count("-") > 1:
        raise UsageError("standard input (-) can be named only once")
    for raw in paths:
        if raw == "-" or os.path.isfile(raw):
            found.append(raw)
        elif os.path.isdir(raw):
            files = _payload_files(raw, refused)
            found.extend(files if follow_symlinks else _kept_inside(raw, files, refused))
        elif os.path.exists(raw):
            raise UsageError(f"not a file or directory: {raw}")
        elif os.path.islink(raw):
            raise UsageError(f"{_link_problem(raw)}: {raw}")
        else:
            raise UsageError(f"no such file or directory: {raw}")
    return found, refused


def _payload_files(folder: str, refused: list[Report]) -> list[str]:
    def unlisted(error: OSError) -> None:
        message = f"cannot list the directory: {(error.strerror or str(error)).lower()}"
        hint = "Check the directory's permissions: its payload files were not checked."
        refused.append(_refusal(error.filename or folder, message, "load.unreadable", hint))

    return payload_files(folder, onerror=unlisted)


def _kept_inside(folder: str, files: list[str], refused: list[Report]) -> list[str]:
    """``files`` less the symbolic links that lead out of ``folder``, or out of the repository
    it is in, or into a hidden file or folder (``.git``, ``.env``); each of those is refused."""
    kept: list[str] = []
    bounds: list[str] = []
    for path in files:
        if os.path.islink(path):  # the search follows no linked folder: only files
            bounds = bounds or _bounds(folder)
            if not _inside(os.path.realpath(path), bounds):
                reason = f"a symbolic link that leads out of {bounds[-1]} (or into a hidden file)"
                refused.append(_refusal(path, f"{reason}; it was not read", _OUTSIDE, _LINK_HINT))
                continue
        kept.append(path)
    return kept


def _bounds(folder: str) -> list[str]:
    """The folder, and the root of the repository it is in (the nearest holding ``.git``)."""
    here = os.path.realpath(folder)
    bounds = [here]
    while not os.path.lexists(os.path.join(here, ".git")):
        if os.path.dirname(here) == here:
            return bounds
        here = os.path.dirname(here)
    return bounds if here == bounds[0] else [*bounds, here]


def _inside(target: str, bounds: list[str]) -> bool:
    for bound in bounds:
        try:
            relative = os.path.relpath(target, bound)
        except ValueError:  # another drive
            continue
        if not any(part.startswith(".") for part in relative.split(os.sep)):
            return True  # neither "..", nor hidden
    return False


def _refusal(path: str, message: str, rule: str, hint: str) -> Report:
    violation = Violation(pointer="", message=message, rule=rule, hint=hint)
    return Report(kind="unknown", path=path, violations=[violation])


def _link_problem(path: str) -> str:
    try:
        os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return SYMLINK_LOOP
    return "a symbolic link to nothing"


def check_file(path: str, options: CheckOptions) -> Report:
    """One file's report (``-`` is standard input); an error in the check is reported as an
    ``internal-error`` violation, so that it does not end the run without a report."""
    try:
        if path == "-":
            return _check_stdin(options)
        return validate_path(
            path,
            options.kind,
            root=options.root,
            allow_unknown_fields=options.allow_unknown_fields,
            strict=options.strict,
            max_bytes=options.max_bytes,
            max_depth=options.max_depth,
        )
    except UsageError:
        raise
    except Exception as error:
        message = f"the check failed: {type(error).__name__}: {error}"
        return _refusal("<stdin>" if path == "-" else path, message, "internal-error", _BUG_HINT)


def check_files(paths: Sequence[str], options: CheckOptions) -> list[Report]:
    """The reports of ``paths``, in order: a worker's task."""
    return [check_file(path, options) for path in paths]


def _check_stdin(options: CheckOptions) -> Report:
    """Standard input's report. Unless ``--stdin-format`` names one, it is JSON, or YAML
    when it is not JSON but reads as YAML mappings or lists (the report says so)."""
    if sys.stdin is None:
        raise UsageError("standard input (-) is closed")
    try:
        data = sys.stdin.buffer.read(options.max_bytes + 1)
    except OSError as error:
        raise UsageError(f"cannot read standard input: {error.strerror or error}") from None
    documents = _load(data, options.stdin_format or "json", options)
    guessed = options.stdin_format is None and any(
        d.fatal and any(p.rule == "load.syntax" for p in d.problems) for d in documents
    )
    if guessed:
        as_yaml = _load(data, "yaml", options)
        guessed = bool(as_yaml) and all(
            not d.fatal and isinstance(d.value, (dict, list)) for d in as_yaml
        )
        documents = as_yaml if guessed else documents
    report = validate_loaded(
        documents,
        options.kind,
        path="<stdin>",
        root=options.root,
        allow_unknown_fields=options.allow_unknown_fields,
        strict=options.strict,
    )
    if guessed:
        reasons = ["read as YAML, since standard input is not JSON", report.kind_reason]
        return replace(report, kind_reason="; ".join(r for r in reasons if r))
    if options.stdin_format is None:
        hinted = [
            replace(v, hint=(v.hint or "") + _YAML_HINT) if v.rule == "load.syntax" else v
            for v in report.violations
        ]
        return replace(report, violations=hinted)
    return report


def _load(data: bytes, fmt: Format, options: CheckOptions) -> list[Document]:
    # Through load_stream: it words the size limit as standard input needs, size unknown.
    stream = io.BytesIO(data)
    return load_stream(stream, fmt=fmt, max_bytes=options.max_bytes, max_depth=options.max_depth)


class Progress:
    """A one-line progress bar on a terminal's stderr for a long run; silent elsewhere."""

    def __init__(self, total: int, stream: IO[str] | None) -> None:
        shown = stream is not None and total >= PROGRESS_THRESHOLD and stream.isatty()
        self.stream = stream if shown else None
        self.total, self.done = total, 0

    def advance(self, count: int) -> None:
        self.done += count
        if self.stream is not None:
            filled = 30 * self.done // self.total
            self.stream.write(f"\r[{'#' * filled}{'-' * (30 - filled)}] {self.done}/{self.total}")
            self.stream.flush()

    def close(self) -> None:
        if self.stream is not None:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()


def workers(requested: int | None, files: int) -> int:
    """Worker processes: never more than files, nor more than two per CPU; ``None`` (auto)
    is one per CPU (at most 8) from ``PARALLEL_THRESHOLD`` files on, else one."""
    cpus = os.cpu_count() or 1
    if requested is None:
        requested = min(cpus, 8) if files >= PARALLEL_THRESHOLD else 1
    return max(1, min(requested, files, 2 * cpus))


def check_all(paths: list[str], options: CheckOptions, jobs: int | None = 1) -> list[Report]:
    """The reports of ``paths`` in their order, the same for any number of ``jobs``."""
    progress = Progress(len(paths), sys.stderr)
    count = workers(jobs, len(paths))
    try:
        if count == 1 or "-" in paths:
            return _check_here(paths, options, progress)
        return _check_in_pool(paths, options, count, progress)
    finally:
        progress.close()


def _check_here(paths: list[str], options: CheckOptions, progress: Progress) -> list[Report]:
    reports = []
    for path in paths:
        reports.append(check_file(path, options))
        progress.advance(1)
    return reports


def _check_in_pool(
    paths: list[str], options: CheckOptions, count: int, progress: Progress
) -> list[Report]:
    """Chunks of ``paths`` checked by ``count`` worker processes. Where the pool cannot start
    (a refused fork, no semaphores) or a worker dies, the files left are checked here."""
    # Imported here: a run on a few files never needs them, and they slow its start-up.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    size = max(1, min(CHUNK, len(paths) // (count * 8)))
    chunks = [paths[start : start + size] for start in range(0, len(paths), size)]
    # Checked here before the workers fork, the first chunk leaves them its compiled schemas.
    reports = _check_here(chunks.pop(0), options, progress)
    rest = paths[len(reports) :]
    before = set(multiprocessing.active_children())

    def stop_workers() -> None:
        for child in set(multiprocessing.active_children()) - before:
            child.terminate()
            child.join()

    try:
        pool = ProcessPoolExecutor(
            count, mp_context=worker_context(), initializer=die_with_parent, initargs=(os.getpid(),)
        )
    except (OSError, ImportError, NotImplementedError):
        return reports + _check_here(rest, options, progress)
    with pool:
        try:
            futures = [pool.submit(check_files, chunk, options) for chunk in chunks]
        except OSError:  # the workers could not all be started
            stop_workers()
            return reports + _check_here(rest, options, progress)
        try:
            for chunk, future in zip(chunks, futures, strict=True):
                try:
                    checked = future.result()
                except BrokenProcessPool:  # a worker was killed
                    checked = check_files(chunk, options)
                reports.extend(checked)
                progress.advance(len(checked))
        except BaseException:  # an interrupt: nothing the workers do is wanted any more
            pool.shutdown(wait=False, cancel_futures=True)
            stop_workers()
            raise
    return reports


def worker_context() -> BaseContext:
    """Fork where it is safe (Linux, and no thread but this one), so that the workers start
    with the validator loaded; elsewhere start them afresh."""
    import multiprocessing
    import threading

    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def die_with_parent(parent: int) -> None:
    """Worker initializer: leave Ctrl-C to the command, and end with it on Linux even when it is
    killed (elsewhere a worker ends after its chunk, finding the command's pipes closed)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # 1 is PR_SET_PDEATHSIG, <linux/prctl.h>
        if os.getppid() != parent:  # it went before the signal was asked for
            os._exit(1)


def refuse_output_onto_input(output: str, paths: list[str]) -> None:
    """Refuse to write the report over one of the files it is about (links included). Only
    a regular file is compared: a device or a pipe (``/dev/stdout``) is never a payload."""
    try:
        target = os.stat(output)
    except OSError:
        return  # nothing there yet; writing it says what is wrong, if anything
    for path in paths if stat.S_ISREG(target.st_mode) else ():
        try:
            same = path != "-" and os.path.samestat(os.stat(path), target)
        except OSError:
            continue
        if same:
            raise UsageError(f"--output {output} is one of the payloads to check; choose another")


def write_report(rendered: str, output: str | None) -> bool:
    """Write the report; False (with a message on stderr) when writing failed: a full disk, a
    closed pipe or standard output. A file that cannot be opened is a usage error."""
    if output is None:
        if sys.stdout is None:
            return _write_failed("standard output", "it is closed")
        try:
            sys.stdout.write(rendered)
            sys.stdout.flush()
        except OSError as error:
            # Point standard output at nothing, so the interpreter's last flush stays quiet.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return _write_failed("standard output", error.strerror or str(error))
        return True
    opened = False
    try:
        with open(output, "w", encoding="utf-8") as stream:
            opened = True
            stream.write(rendered)
    except OSError as error:
        if not opened:
            raise UsageError(f"cannot write {output}: {error.strerror}") from None
        return _write_failed(output, error.strerror or str(error))
    return True


def _write_failed(target: str, reason: str) -> bool:
    if sys.stderr is not None:
        sys.stderr.write(f"sendcloud-contract: error: cannot write the report to {target}: ")
        sys.stderr.write(f"{reason}\n")
    return False
