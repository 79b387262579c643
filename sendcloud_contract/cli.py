"""The ``sendcloud-contract`` command: pre-flight validation, the fake API, example generation."""

from __future__ import annotations

import argparse
import errno
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO

from sendcloud_contract import __version__
from sendcloud_contract._exit import EXIT_INVALID, EXIT_OK, EXIT_OUTPUT, EXIT_USAGE
from sendcloud_contract.loading import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_DEPTH,
    PAYLOAD_SUFFIXES,
    SYMLINK_LOOP,
    load_stream,
    payload_files,
)
from sendcloud_contract.operations import API_ROOT
from sendcloud_contract.recordings import (
    RECORDING,
    validate_loaded,
    validate_path,
)
from sendcloud_contract.report import Report, Violation
from sendcloud_contract.schemas import KINDS

PROGRESS_THRESHOLD = 200
PARALLEL_THRESHOLD = 1000
FORKED_CHUNK = 16


class UsageError(Exception):
    """A mistake in how the command was called (exit status 2)."""


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, measuring the terminal with ``os`` instead of ``shutil``.

    argparse builds a formatter for every option it is given, and its default imports
    shutil, which imports the compression modules: a few milliseconds of every run.
    """

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        if width is None:
            width = _terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


def _terminal_columns() -> int:
    """The terminal's width as shutil.get_terminal_size() finds it: COLUMNS, the tty, 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    stream = sys.__stdout__
    if columns <= 0 and stream is not None:
        try:
            columns = os.get_terminal_size(stream.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def _jobs(text: str) -> int | None:
    """``auto`` (None: decided by the number of files and CPUs) or a whole number >= 1."""
    return None if text == "auto" else _positive_int(text)


def _positive_int(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {number}")
    return number


def _add_validate(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "validate",
        formatter_class=_HelpFormatter,
        help="check payload files against the Orders API v3 contract",
        description="Check order payloads (JSON, JSON Lines, YAML) against the Sendcloud "
        "Orders API v3 contract and its domain rules. Exit status: 0 all valid (warnings "
        "allowed), 1 violations found, 2 usage error, 3 the report could not be written.",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="files, directories (searched recursively for *.json, *.jsonl, *.yaml, *.yml, "
        "*.har) or - for standard input",
    )
    parser.add_argument(
        "--kind",
        default="auto",
        choices=("auto", *KINDS, RECORDING),
        help="payload shape; 'recording' reads every file as recorded traffic (VCR.py "
        "cassette, HAR, or the project's JSON recording form)",
    )
    parser.add_argument(
        "--api-root",
        default=API_ROOT,
        metavar="PATH",
        help=f"URL path of the Orders API in recordings (default {API_ROOT}; any host)",
    )
    parser.add_argument(
        "--format",
        dest="output_format",
        default="text",
        choices=("text", "json", "junit", "github"),
    )
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    parser.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        default=None,
        metavar="N|auto",
        help="worker processes (default auto: one per CPU from "
        f"{PARALLEL_THRESHOLD} files on, else 1; at most one per file and two per CPU); "
        "results are the same for any N",
    )
    parser.add_argument(
        "--allow-unknown-fields",
        action="store_true",
        help="report fields the contract does not know as warnings, not errors",
    )
    parser.add_argument(
        "--strict",
        "--warnings-as-errors",
        dest="strict",
        action="store_true",
        help="count warnings as errors (--warnings-as-errors is the older name)",
    )
    parser.add_argument(
        "--stdin-format",
        choices=("json", "jsonl", "yaml"),
        default="json",
        help="format of the payload read from - (default json)",
    )
    parser.add_argument(
        "--max-bytes", type=_positive_int, default=None, help="refuse payloads larger than this"
    )
    parser.add_argument(
        "--max-depth", type=_positive_int, default=None, help="refuse deeper nesting than this"
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="list valid files too")
    color = parser.add_mutually_exclusive_group()
    color.add_argument("--color", dest="color", action="store_const", const=True, default=None)
    color.add_argument("--no-color", dest="color", action="store_const", const=False)
    parser.set_defaults(handler=_run_validate)


def _payload_files(folder: str, unlisted: list[Report]) -> list[str]:
    """Payload files below a folder; a folder that cannot be listed joins ``unlisted``."""

    def refused(error: OSError) -> None:
        unlisted.append(_unlisted(error.filename or folder, error))

    return payload_files(folder, onerror=refused)


def _unlisted(folder: str, error: OSError) -> Report:
    reason = (error.strerror or str(error)).lower()
    return Report(
        kind="unknown",
        path=folder,
        violations=[
            Violation(
                pointer="",
                message=f"cannot list the directory: {reason}",
                rule="load.unreadable",
                hint="Check the directory's permissions: its payload files were not checked.",
            )
        ],
    )


def _expand(paths: Sequence[str]) -> tuple[list[str], list[Report]]:
    """Files to check, in a stable order, and reports for folders that cannot be listed.

    A path that does not exist, standard input named twice and a loop of symbolic links
    are usage errors.
    """
    found: list[str] = []
    unlisted: list[Report] = []
    if list(paths).count("-") > 1:
        raise UsageError("standard input (-) can be named only once")
    for raw in paths:
        if raw == "-" or os.path.isfile(raw):
            found.append(raw)
        elif os.path.isdir(raw):
            found.extend(_payload_files(raw, unlisted))
        elif os.path.exists(raw):
            raise UsageError(f"not a file or directory: {raw}")
        elif os.path.islink(raw):
            raise UsageError(f"{_link_problem(raw)}: {raw}")
        else:
            raise UsageError(f"no such file or directory: {raw}")
    return found, unlisted


def _link_problem(path: str) -> str:
    try:
        os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return SYMLINK_LOOP
    return "a symbolic link to nothing"


def _limits(args: argparse.Namespace) -> tuple[int, int]:
    return (args.max_bytes or DEFAULT_MAX_BYTES, args.max_depth or DEFAULT_MAX_DEPTH)


_BUG_HINT = "This is a bug in sendcloud-contract: please report it with this file."


def _checker(args: argparse.Namespace) -> Callable[[str], Report]:
    """What checks one file with these options; recordings are recognised and checked per
    interaction. The options are read once, not once per file."""
    max_bytes, max_depth = _limits(args)
    kind = args.kind
    options = {
        "allow_unknown_fields": args.allow_unknown_fields,
        "strict": args.strict,
        "root": args.api_root,
    }

    def check(path: str) -> Report:
        try:
            if path == "-":
                documents = load_stream(
                    sys.stdin.buffer,
                    fmt=args.stdin_format,
                    max_bytes=max_bytes,
                    max_depth=max_depth,
                )
                return validate_loaded(documents, kind, path="<stdin>", **options)
            return validate_path(path, kind, max_bytes=max_bytes, max_depth=max_depth, **options)
        except Exception as error:  # a bug in a check must not end the run without a report
            return Report(
                kind="unknown",
                path="<stdin>" if path == "-" else path,
                violations=[
                    Violation(
                        pointer="",
                        message=f"the check failed: {type(error).__name__}: {error}",
                        rule="internal-error",
                        hint=_BUG_HINT,
                    )
                ],
            )

    return check


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _check_chunk(job: tuple[list[str], argparse.Namespace]) -> list[Report]:
    paths, args = job
    check = _checker(args)
    return [check(path) for path in paths]


class _Progress:
    """A one-line progress bar on a terminal's stderr; silent elsewhere."""

    def __init__(self, total: int, stream: IO[str]) -> None:
        self.total = total
        self.stream = stream
        self.enabled = total >= PROGRESS_THRESHOLD and stream.isatty()
        self.done = 0

    def advance(self, count: int) -> None:
        self.done += count
        if self.enabled:
            width = 30
            filled = width * self.done // self.total
            bar = "#" * filled + "-" * (width - filled)
            self.stream.write(f"\r[{bar}] {self.done}/{self.total}")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()


def _workers(requested: int | None, files: int) -> int:
    """Worker processes: never more than files, nor more than two per CPU."""
    cpus = os.cpu_count() or 1
    if requested is None:
        requested = min(cpus, 8) if files >= PARALLEL_THRESHOLD else 1
    return max(1, min(requested, files, 2 * cpus))


def _die_with_parent(parent: int) -> None:
    """Worker initializer: end this worker as soon as the parent process is gone.

    A parent stopped by a signal (SIGTERM, SIGKILL) runs no clean-up, and its workers
    would otherwise live on, holding its pipes.
    """

    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(EXIT_INVALID)  # nobody reads this status: the parent is gone

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


def _check_all(paths: list[str], args: argparse.Namespace) -> list[Report]:
    progress = _Progress(len(paths), sys.stderr)
    jobs = _workers(args.jobs, len(paths))
    try:
        if jobs == 1 or "-" in paths:
            results: list[Report] = []
            check = _checker(args)
            for path in paths:
                results.append(check(path))
                progress.advance(1)
            return results
        return _check_in_parallel(paths, args, jobs, progress)
    finally:
        progress.close()


def _check_in_parallel(
    paths: list[str], args: argparse.Namespace, jobs: int, progress: _Progress
) -> list[Report]:
    """Check chunks of files in ``jobs - 1`` forked workers and in this process, each taking
    the next chunk when it is free; results keep the order of ``paths``."""
    from sendcloud_contract import _forked

    if not _forked.available():
        return _check_in_pool(paths, args, jobs, progress)
    # Small chunks keep the processes finishing together (taking one costs a pipe read),
    # and a few files still make a chunk for every process.
    size = max(-(-len(paths) // _forked.MAX_TASKS), min(FORKED_CHUNK, len(paths) // (jobs * 4)), 1)
    chunks = list(_chunks(paths, size))

    here = os.getpid()
    reports: list[list[Report]] = [[] for _ in chunks]

    def work(index: int) -> Sequence[_Sent]:
        checked = _check_chunk((chunks[index], args))
        if os.getpid() == here:  # stays in this process: nothing to send
            return checked
        return [_compact(r, path) for r, path in zip(checked, chunks[index], strict=True)]

    def received(index: int, items: Sequence[_Sent]) -> None:
        # Rebuilt as they come, between this process's own chunks, so that rebuilding is
        # shared out with the checking instead of following it.
        chunk = chunks[index]
        reports[index] = [_expanded(item, path) for item, path in zip(items, chunk, strict=True)]
        progress.advance(len(items))

    _forked.run(work, len(chunks), jobs - 1, received)
    return [report for chunk in reports for report in chunk]


_Sent = Report | tuple[str, str | None]


def _compact(report: Report, path: str) -> _Sent:
    """What a worker sends back for a report: a clean one of a file as its kind and reason
    alone, which :func:`_expanded` rebuilds in a fraction of the time unpickling it takes."""
    if report.violations or report.recording is not None or report.path != path:
        return report
    return (report.kind, report.kind_reason)


def _expanded(sent: _Sent, path: str) -> Report:
    if isinstance(sent, Report):
        return sent
    kind, reason = sent
    return Report(kind, [], path, reason)  # by position: a class called by keywords makes a dict


def _check_in_pool(
    paths: list[str], args: argparse.Namespace, jobs: int, progress: _Progress
) -> list[Report]:
    """:func:`_check_in_parallel` where no fork may be made: a process pool of ``jobs - 1``
    workers, fed chunks by this process, which takes a chunk itself whenever it has fed them,
    so none of the ``jobs`` processes waits idle while files are left."""
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    size = max(1, min(100, len(paths) // (jobs * 4) or 1))
    chunks = list(_chunks(paths, size))
    results: list[list[Report]] = [[] for _ in chunks]
    waiting = iter(range(len(chunks)))
    with ProcessPoolExecutor(
        max_workers=jobs - 1, initializer=_die_with_parent, initargs=(os.getpid(),)
    ) as pool:
        running: dict[Future[list[Report]], int] = {}

        def feed() -> None:
            while len(running) < 2 * (jobs - 1):
                index = next(waiting, None)
                if index is None:
                    return
                running[pool.submit(_check_chunk, (chunks[index], args))] = index

        def collect(done: Iterable[Future[list[Report]]]) -> None:
            for future in done:
                index = running.pop(future)
                results[index] = future.result()
                progress.advance(len(results[index]))

        feed()
        for index in waiting:
            results[index] = _check_chunk((chunks[index], args))
            progress.advance(len(results[index]))
            collect([future for future in running if future.done()])
            feed()
        while running:
            collect(wait(running, return_when=FIRST_COMPLETED).done)
    return [report for chunk in results for report in chunk]


def _use_color(args: argparse.Namespace, stream: IO[str]) -> bool:
    if args.color is not None:
        return bool(args.color)
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return args.output is None and stream.isatty()


def _run_validate(args: argparse.Namespace) -> int:
    from sendcloud_contract.reporting import FORMATS
    from sendcloud_contract.reporting.text import render_text

    paths, unlisted = _expand(args.paths)
    if not paths and not unlisted:
        raise UsageError("no payload files found (looked for " + ", ".join(PAYLOAD_SUFFIXES) + ")")
    if args.output:
        _refuse_output_onto_input(args.output, paths)
    reports = unlisted + _check_all(paths, args)
    color = _use_color(args, sys.stdout)
    if args.output_format == "text":
        rendered = render_text(reports, color, args.verbose)
    else:
        rendered = FORMATS[args.output_format](reports, color)
    if not _write_report(rendered, args.output):
        return EXIT_OUTPUT
    return EXIT_OK if all(r.ok for r in reports) else EXIT_INVALID


def _refuse_output_onto_input(output: str, paths: list[str]) -> None:
    """Refuse to write the report over one of the files it is about (links included).

    A device or a pipe (``/dev/null``, ``/dev/stdout``) is never a payload file, so
    only a regular file's identity is compared, with one ``stat`` per payload.
    """
    try:
        target = os.stat(output)
    except OSError:
        return  # nothing there yet; writing it says what is wrong, if anything
    if not stat.S_ISREG(target.st_mode):
        return
    for path in paths:
        if path == "-":
            continue
        try:
            found = os.stat(path)
        except OSError:
            continue
        if (found.st_ino, found.st_dev) == (target.st_ino, target.st_dev):
            raise UsageError(
                f"--output {output} is one of the payloads to check; choose another file"
            )


def _write_report(rendered: str, output: str | None) -> bool:
    """Write the report; False (with a message on stderr) when writing it failed.

    A file that cannot be opened is a usage error; a failure while writing (a full disk,
    an I/O error, a closed pipe) has its own exit status.
    """
    if output is None:
        try:
            sys.stdout.write(rendered)
            sys.stdout.flush()
        except OSError as error:
            # Point standard output at nothing, so the interpreter's last flush stays quiet.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return _write_failed("standard output", error)
        return True
    opened = False
    try:
        with open(output, "w", encoding="utf-8") as stream:
            opened = True
            stream.write(rendered)
    except OSError as error:
        if not opened:
            raise UsageError(f"cannot write {output}: {error.strerror}") from None
        return _write_failed(output, error)
    return True


def _write_failed(target: str, error: OSError) -> bool:
    reason = error.strerror or str(error)
    sys.stderr.write(f"sendcloud-contract: error: cannot write the report to {target}: {reason}\n")
    return False


def _add_delegated(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    module: str,
    help_text: str,
    *,
    chosen: str | None,
) -> None:
    """A subcommand whose options and behaviour live in another module.

    The module (and what it imports: an HTTP stack, Hypothesis) is loaded only when its
    subcommand runs or help is asked for, so ``validate`` starts fast.
    """
    import importlib

    parser = subparsers.add_parser(
        name, help=help_text, description=help_text, formatter_class=_HelpFormatter
    )
    if chosen is not None and chosen != name:
        return
    try:
        target = importlib.import_module(module)
    except ImportError as error:
        from sendcloud_contract.extras import missing_extra

        missing = missing_extra(error, f"'{name}'")
        problem = str(missing) if missing is not None else f"'{name}' cannot be loaded: {error}"

        def unavailable(args: argparse.Namespace) -> int:
            raise UsageError(problem)

        parser.set_defaults(handler=unavailable)
        return
    target.add_arguments(parser)
    parser.set_defaults(handler=target.run)


def build_parser(chosen: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        formatter_class=_HelpFormatter,
        prog="sendcloud-contract",
        description="Contract testing for Sendcloud's Orders API v3.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_validate(subparsers)
    if chosen == "validate":  # the other commands' parsers would only cost its start-up
        return parser
    _add_delegated(
        subparsers,
        "serve",
        "sendcloud_contract.fake.server",
        "serve a stateful fake of the Orders API",
        chosen=chosen,
    )
    _add_delegated(
        subparsers,
        "generate",
        "sendcloud_contract.generate",
        "write generated example payloads (valid, edge-case or invalid orders)",
        chosen=chosen,
    )
    _add_delegated(
        subparsers,
        "drift",
        "sendcloud_contract.drift.command",
        "compare the shipped schemas with Sendcloud's published OpenAPI document",
        chosen=chosen,
    )
    _add_delegated(
        subparsers,
        "verify",
        "sendcloud_contract.verify",
        "check a target's upsert semantics with generated orders (the contract suite)",
        chosen=chosen,
    )
    return parser


def _chosen_command(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line, or None when help may list them all."""
    for argument in argv:
        if argument in ("-h", "--help"):
            return None
        if argument == "--version":  # no command's parser is needed, nor its imports
            return argument
        if not argument.startswith("-"):
            return argument
    return None


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_chosen_command(arguments))
    args = parser.parse_args(arguments)
    try:
        status: int = args.handler(args)
    except UsageError as error:
        parser.exit(EXIT_USAGE, f"sendcloud-contract: error: {error}\n")
    except ModuleNotFoundError as error:
        from sendcloud_contract.extras import missing_extra

        missing = missing_extra(error, f"'{args.command}'")
        if missing is None:
            raise
        parser.exit(EXIT_USAGE, f"sendcloud-contract: error: {missing}\n")
    except KeyboardInterrupt:
        return 130
    return status


if __name__ == "__main__":
    raise SystemExit(main())
