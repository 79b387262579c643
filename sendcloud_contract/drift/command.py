"""``sendcloud-contract drift``: the command line over :func:`check_drift`.

Exit status: 0 when every difference is a known deviation (stale entries only warn),
1 on drift, 2 when the document or the deviations file cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from sendcloud_contract.argtypes import positive_int
from sendcloud_contract.drift._check import check_drift
from sendcloud_contract.drift._github import render_github
from sendcloud_contract.drift._json import render_json
from sendcloud_contract.drift._model import DriftProblem, DriftReport
from sendcloud_contract.drift._normalise import DEFAULT_MAX_NODES
from sendcloud_contract.drift._text import render_text

__all__ = ["FORMATS", "add_arguments", "run"]

EXIT_OK, EXIT_DRIFT, EXIT_USAGE = 0, 1, 2

FORMATS: dict[str, Callable[[DriftReport, bool], str]] = {
    "text": render_text,
    "json": render_json,
    "github": render_github,
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Compare the shipped schemas with an OpenAPI 3.0/3.1 document (YAML or JSON) of "
        "the Orders API: properties, types, required fields, enums, bounds, formats and "
        "statuses. Exit status: 0 only known deviations, 1 drift, 2 unreadable input."
    )
    parser.add_argument("openapi", metavar="OPENAPI_FILE", help="the published OpenAPI document")
    parser.add_argument(
        "--format",
        dest="output_format",
        default="text",
        choices=tuple(FORMATS),
        help="text for people, json for tools, github for workflow annotations (default: text)",
    )
    parser.add_argument(
        "--output", "-o", metavar="FILE", help="write the report to FILE (default: stdout)"
    )
    parser.add_argument(
        "--deviations",
        metavar="FILE",
        help="the reviewed deviations (default: the file shipped beside the schemas)",
    )
    parser.add_argument(
        "--verbose", "-v", action="store_true", help="list the known deviations too"
    )
    parser.add_argument(
        "--max-schema-nodes",
        type=positive_int,
        default=DEFAULT_MAX_NODES,
        metavar="N",
        help="give up (exit 2) when the document's schemas expand to more than N nodes "
        f"(default: {DEFAULT_MAX_NODES})",
    )


def _fail(problem: DriftProblem) -> int:
    sys.stderr.write(f"sendcloud-contract: error: {problem}\n    hint: {problem.hint}\n")
    return EXIT_USAGE


def run(args: argparse.Namespace) -> int:
    result = check_drift(
        args.openapi, deviations_path=args.deviations, max_nodes=args.max_schema_nodes
    )
    if isinstance(result, DriftProblem):
        return _fail(result)
    rendered = FORMATS[args.output_format](result, args.verbose)
    if args.output:
        try:
            Path(args.output).write_text(rendered, encoding="utf-8")
        except OSError as error:
            hint = "Check that the folder exists and is writable."
            return _fail(DriftProblem(f"cannot write: {error.strerror}", hint, args.output))
    else:
        sys.stdout.write(rendered)
    return EXIT_OK if result.ok else EXIT_DRIFT
