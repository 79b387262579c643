"""The ``sendcloud-contract`` command: pre-flight validation, the fake API, example generation."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from sendcloud_contract import __version__
from sendcloud_contract._exit import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from sendcloud_contract.loading import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, load_bytes
from sendcloud_contract.operations import API_ROOT
from sendcloud_contract.recordings import (
    RECORDING,
    RECORDING_SUFFIXES,
    validate_loaded,
    validate_path,
)
from sendcloud_contract.report import Report
from sendcloud_contract.schemas import KINDS

PAYLOAD_SUFFIXES = (".json", ".jsonl", ".ndjson", ".yaml", ".yml", *RECORDING_SUFFIXES)
PROGRESS_THRESHOLD = 200
PARALLEL_THRESHOLD = 1000
# Packages of the optional extras, by the extra that installs them.
OPTIONAL_PACKAGES = {
    "uvicorn": "fake",
    "httpx": "fake",
    "respx": "fake",
    "hypothesis": "strategies",
}


class UsageError(Exception):
    """A mistake in how the command was called (exit status 2)."""


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
        help="check payload files against the Orders API v3 contract",
        description="Check order payloads (JSON, JSON Lines, YAML) against the Sendcloud "
        "Orders API v3 contract and its domain rules. Exit status: 0 all valid (warnings "
        "allowed), 1 violations found, 2 usage error.",
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
        f"{PARALLEL_THRESHOLD} files on, else 1); results are the same for any N",
    )
    parser.add_argument(
        "--allow-unknown-fields",
        action="store_true",
        help="report fields the contract does not know as warnings, not errors",
    )
    parser.add_argument("--warnings-as-errors", action="store_true", help="fail on warnings too")
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


def _payload_files(folder: str) -> list[str]:
    """Payload files below a folder, hidden folders and files skipped, in a stable order."""
    found: list[str] = []
    for parent, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if not name.startswith(".")]
        found.extend(
            os.path.join(parent, name)
            for name in files
            if not name.startswith(".") and name.lower().endswith(PAYLOAD_SUFFIXES)
        )
    return sorted(found)


def _expand(paths: Sequence[str]) -> list[str]:
    """Files to check, in a stable order; a path that does not exist is a usage error."""
    found: list[str] = []
    for raw in paths:
        if raw == "-" or os.path.isfile(raw):
            found.append(raw)
        elif os.path.isdir(raw):
            found.extend(_payload_files(raw))
        elif os.path.exists(raw):
            raise UsageError(f"not a file or directory: {raw}")
        else:
            raise UsageError(f"no such file or directory: {raw}")
    return found


def _limits(args: argparse.Namespace) -> tuple[int, int]:
    return (args.max_bytes or DEFAULT_MAX_BYTES, args.max_depth or DEFAULT_MAX_DEPTH)


def _check_one(job: tuple[str, argparse.Namespace]) -> Report:
    """One file's report; recordings are recognised here and checked per interaction."""
    path, args = job
    options = {
        "allow_unknown_fields": args.allow_unknown_fields,
        "warnings_as_errors": args.warnings_as_errors,
        "root": args.api_root,
    }
    max_bytes, max_depth = _limits(args)
    if path == "-":
        documents = load_bytes(
            sys.stdin.buffer.read(), fmt=args.stdin_format, max_bytes=max_bytes, max_depth=max_depth
        )
        return validate_loaded(documents, args.kind, path="<stdin>", **options)
    return validate_path(path, args.kind, max_bytes=max_bytes, max_depth=max_depth, **options)


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _check_chunk(job: tuple[list[str], argparse.Namespace]) -> list[Report]:
    paths, args = job
    return [_check_one((path, args)) for path in paths]


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
    if requested is not None:
        return requested
    return min(os.cpu_count() or 1, 8) if files >= PARALLEL_THRESHOLD else 1


def _check_all(paths: list[str], args: argparse.Namespace) -> list[Report]:
    progress = _Progress(len(paths), sys.stderr)
    results: list[Report] = []
    jobs = _workers(args.jobs, len(paths))
    try:
        if jobs == 1 or len(paths) < 2 or "-" in paths:
            for path in paths:
                results.append(_check_one((path, args)))
                progress.advance(1)
            return results
        from concurrent.futures import ProcessPoolExecutor

        size = max(1, min(200, len(paths) // (jobs * 4) or 1))
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for chunk in pool.map(_check_chunk, [(c, args) for c in _chunks(paths, size)]):
                results.extend(chunk)
                progress.advance(len(chunk))
        return results
    finally:
        progress.close()


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

    paths = _expand(args.paths)
    if not paths:
        raise UsageError("no payload files found (looked for " + ", ".join(PAYLOAD_SUFFIXES) + ")")
    reports = _check_all(paths, args)
    color = _use_color(args, sys.stdout)
    if args.output_format == "text":
        rendered = render_text(reports, color, args.verbose)
    else:
        rendered = FORMATS[args.output_format](reports, color)
    if args.output:
        try:
            Path(args.output).write_text(rendered, encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot write {args.output}: {error.strerror}") from None
    else:
        sys.stdout.write(rendered)
    return EXIT_OK if all(r.ok for r in reports) else EXIT_INVALID


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

    parser = subparsers.add_parser(name, help=help_text, description=help_text)
    if chosen is not None and chosen != name:
        return
    try:
        target = importlib.import_module(module)
    except ImportError as error:
        missing = error.name or module

        def unavailable(args: argparse.Namespace) -> int:
            raise UsageError(f"'{name}' needs {missing}: pip install 'sendcloud-contract[all]'")

        parser.set_defaults(handler=unavailable)
        return
    target.add_arguments(parser)
    parser.set_defaults(handler=target.run)


def build_parser(chosen: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sendcloud-contract",
        description="Contract testing for Sendcloud's Orders API v3.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_validate(subparsers)
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
        extra = OPTIONAL_PACKAGES.get((error.name or "").partition(".")[0])
        if extra is None:
            raise
        parser.exit(
            EXIT_USAGE,
            f"sendcloud-contract: error: '{args.command}' needs {error.name}: "
            f"pip install 'sendcloud-contract[{extra}]'\n",
        )
    except KeyboardInterrupt:
        return 130
    return status


if __name__ == "__main__":
    raise SystemExit(main())
