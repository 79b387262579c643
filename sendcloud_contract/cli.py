"""The ``sendcloud-contract`` command: its parser, ``validate`` (run by :mod:`.runner`) and
:func:`main`; each other subcommand lives in its own module, named in :data:`SUBCOMMANDS`."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from sendcloud_contract import __version__
from sendcloud_contract._exit import EXIT_INVALID, EXIT_OK, EXIT_OUTPUT, EXIT_USAGE, UsageError
from sendcloud_contract.argtypes import positive_int
from sendcloud_contract.loading import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, PAYLOAD_SUFFIXES
from sendcloud_contract.operations import API_ROOT
from sendcloud_contract.recordings import RECORDING
from sendcloud_contract.runner import (
    PARALLEL_THRESHOLD,
    CheckOptions,
    check_all,
    expand,
    refuse_output_onto_input,
    write_report,
)
from sendcloud_contract.schemas import KINDS

SUBCOMMANDS: dict[str, tuple[str, str]] = {
    # name: (the module with its add_arguments(parser) and run(args), its one-line help)
    "serve": ("sendcloud_contract.fake.server", "serve a stateful fake of the Orders API"),
    "generate": ("sendcloud_contract.generate", "write example payloads from the strategies"),
    "drift": ("sendcloud_contract.drift.command", "compare the schemas with an OpenAPI document"),
    "verify": ("sendcloud_contract.verify", "check a target's upsert semantics (contract suite)"),
    "proxy": ("sendcloud_contract.proxy.command", "check live API traffic through a proxy"),
}
"""The subcommands besides ``validate``. A module is imported only when its subcommand
runs or help lists them all, so that ``validate`` starts without an HTTP stack or Hypothesis."""


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, showing each option's default unless its help says it already; it
    measures the terminal with ``os``, as shutil (argparse's way) costs start-up time."""

    def __init__(self, prog: str, max_help_position: int = 24, width: int | None = None) -> None:
        columns = _terminal_columns() - 2 if width is None else width
        super().__init__(prog, max_help_position=max_help_position, width=columns)

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        default = action.default
        if action.nargs == 0 or default in (None, argparse.SUPPRESS) or default == []:
            return text
        shown = f"{default:g}" if isinstance(default, float) else str(default)
        if "default" in text or f"({shown})" in text:
            return text
        return f"{text} (default: {shown.replace('%', '%%')})"


def _terminal_columns() -> int:
    """The terminal's width as shutil.get_terminal_size() finds it: COLUMNS, the tty, 80."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(1).columns or 80  # standard output's descriptor
    except OSError:  # not a terminal, or closed
        return 80


def _jobs(text: str) -> int | None:
    """``auto`` (None: decided by the number of files and CPUs) or a whole number >= 1."""
    return None if text == "auto" else positive_int(text)


def _add_validate(parser: argparse.ArgumentParser) -> None:
    suffixes = ", ".join(f"*{suffix}" for suffix in PAYLOAD_SUFFIXES)
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help=f"files, directories (searched recursively for {suffixes}) or - for standard input",
    )
    parser.add_argument(
        "--kind",
        default="auto",
        choices=("auto", *KINDS, RECORDING),
        help="payload shape; 'auto' tells it from the content; 'recording' reads every file "
        "as recorded traffic (VCR.py cassette, HAR, or the project's JSON recording form)",
    )
    parser.add_argument(
        "--api-root",
        dest="root",
        default=API_ROOT,
        metavar="PATH",
        help="URL path of the Orders API in recordings, on any host",
    )
    parser.add_argument(
        "--format",
        dest="output_format",
        default="text",
        choices=("text", "json", "junit", "github"),
        help="how the report is written: text for people, json for tools, junit for CI test "
        "reports, github for annotations on a GitHub Actions run",
    )
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    parser.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        metavar="N|auto",
        help=f"worker processes (default auto: one per CPU from {PARALLEL_THRESHOLD} files on, "
        "else 1; at most one per file and two per CPU); the report is the same for any N",
    )
    parser.add_argument(
        "--allow-unknown-fields",
        action="store_true",
        help="report fields the contract does not know as warnings, not errors",
    )
    parser.add_argument(
        "--strict",
        "--warnings-as-errors",
        action="store_true",
        help="count warnings as errors (--warnings-as-errors is the older name)",
    )
    parser.add_argument(
        "--stdin-format",
        choices=("json", "jsonl", "yaml"),
        help="format of the payload read from - (default: JSON, or YAML when it is not JSON "
        "but reads as YAML mappings or lists)",
    )
    parser.add_argument(
        "--follow-symlinks",
        action="store_true",
        help="read what symbolic links in a directory point to outside it (and outside its "
        "repository) or in hidden files; by default such links are reported, not read",
    )
    for option, default, help_text in (
        ("--max-bytes", DEFAULT_MAX_BYTES, "refuse payloads larger than N bytes"),
        ("--max-depth", DEFAULT_MAX_DEPTH, "refuse payloads nested deeper than N levels"),
    ):
        parser.add_argument(option, type=positive_int, default=default, metavar="N", help=help_text)
    parser.add_argument("--verbose", "-v", action="store_true", help="list valid files too")
    color = parser.add_mutually_exclusive_group()
    color.add_argument(
        "--color",
        action="store_const",
        const=True,
        help="colour the report (default: on a terminal, unless NO_COLOR is set; "
        "FORCE_COLOR colours it anywhere)",
    )
    color.add_argument(
        "--no-color", dest="color", action="store_const", const=False, help="never colour it"
    )
    parser.set_defaults(handler=_run_validate)


def _run_validate(args: argparse.Namespace) -> int:
    from sendcloud_contract.reporting import FORMATS
    from sendcloud_contract.reporting.text import render_text

    paths, refused = expand(args.paths, follow_symlinks=args.follow_symlinks)
    if not paths and not refused:
        raise UsageError("no payload files found (looked for " + ", ".join(PAYLOAD_SUFFIXES) + ")")
    if args.output:
        refuse_output_onto_input(args.output, paths)
    options = CheckOptions(**{name: getattr(args, name) for name in CheckOptions._fields})
    reports = refused + check_all(paths, options, args.jobs)
    color = _use_color(args)
    if args.output_format == "text":
        rendered = render_text(reports, color, args.verbose)
    else:
        rendered = FORMATS[args.output_format](reports, color)
    if not write_report(rendered, args.output):
        return EXIT_OUTPUT
    return EXIT_OK if all(r.ok for r in reports) else EXIT_INVALID


def _use_color(args: argparse.Namespace) -> bool:
    if args.color is not None:
        return bool(args.color)
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return args.output is None and sys.stdout is not None and sys.stdout.isatty()


def _add_subcommand(parser: argparse.ArgumentParser, name: str, module: str) -> None:
    """Options and handler from ``module``; if it cannot be imported, the handler says why."""
    try:
        target = importlib.import_module(module)
    except ImportError as error:
        problem = _unloadable(name, error)

        def unavailable(args: argparse.Namespace) -> int:
            raise UsageError(problem)

        parser.set_defaults(handler=unavailable)
        return
    target.add_arguments(parser)
    parser.set_defaults(handler=target.run)


def _unloadable(command: str, error: ImportError) -> str:
    """Why ``command`` cannot run: the extra to install, or the import that failed."""
    from sendcloud_contract.extras import missing_extra

    missing = missing_extra(error, f"'{command}'")
    return str(missing) if missing is not None else f"'{command}' cannot be loaded: {error}"


def build_parser(chosen: str | None = None) -> argparse.ArgumentParser:
    """The command's parser; with ``chosen``, only that subcommand's module is imported."""
    parser = argparse.ArgumentParser(
        formatter_class=HelpFormatter,
        prog="sendcloud-contract",
        description="Contract testing for Sendcloud's Orders API v3.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_validate(
        subparsers.add_parser(
            "validate",
            formatter_class=HelpFormatter,
            help="check payload files against the Orders API v3 contract",
            description="Check order payloads (JSON, JSON Lines, YAML) and recorded traffic "
            "against the Sendcloud Orders API v3 contract and its domain rules. Exit status: "
            "0 all valid (warnings allowed), 1 violations found, 2 usage error, 3 the report "
            "could not be written.",
        )
    )
    if chosen == "validate":  # the other subcommands' parsers would only cost its start-up
        return parser
    for name, (module, help_text) in SUBCOMMANDS.items():
        if chosen is None or chosen == name:
            command = subparsers.add_parser(
                name, help=help_text, description=help_text, formatter_class=HelpFormatter
            )
            _add_subcommand(command, name, module)
        else:  # known to the parser (an unknown name's error lists it), but not imported
            subparsers.add_parser(name, help=help_text)
    return parser


def _chosen_command(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line, or None when help may list them all."""
    for argument in argv:
        if argument in ("-h", "--help"):
            return None
        if argument == "--version" or not argument.startswith("-"):
            return argument  # "--version" needs no command's parser, nor its imports
    return None


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_chosen_command(arguments))
    args = parser.parse_args(arguments)
    try:
        status: int = args.handler(args)
    except UsageError as error:
        parser.exit(EXIT_USAGE, f"sendcloud-contract: error: {error}\n")
    except ModuleNotFoundError as error:  # an extra, or a package a broken install lacks
        parser.exit(EXIT_USAGE, f"sendcloud-contract: error: {_unloadable(args.command, error)}\n")
    except KeyboardInterrupt:
        return 130
    return status


if __name__ == "__main__":
    raise SystemExit(main())
