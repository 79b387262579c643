"""``sendcloud-contract verify``: the contract suite from the command line.

Only argparse is imported at load time; the suite (httpx, Hypothesis) is
imported when the command runs, so a missing extra is named by the CLI. For
that reason the options' defaults are written here once more (:data:`DEFAULTS`);
a test holds them to :class:`RunSettings`' own.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import IO, TYPE_CHECKING
from urllib.parse import urlsplit

from sendcloud_contract._exit import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from sendcloud_contract.argtypes import positive_int, positive_seconds

if TYPE_CHECKING:
    from sendcloud_contract.contract import Target

__all__ = ["DEFAULTS", "add_arguments", "run"]

DEFAULTS = {
    "max_examples": 30,
    "steps": 10,
    "request_timeout": 30.0,
    "deadline": 3600.0,
    "max_answer_bytes": 10 * 1024 * 1024,
    "max_retry_after": 60.0,
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``verify`` options; the CLI calls this on its subcommand parser."""
    parser.description = (
        "Replay generated orders through the Orders API and check Sendcloud's upsert laws. "
        "Without --base-url it runs against the fake in process. Exit status: 0 every law "
        "holds, 1 a law breaks, 2 no verdict: a usage error, a target that cannot be "
        "reached or answers slower than --request-timeout, or a run past --deadline."
    )
    parser.add_argument(
        "--base-url",
        help="the API root, e.g. http://127.0.0.1:8000/api/v3 (default: the fake, in process); "
        "credentials in it (http://KEY:SECRET@host/...) are used as the keys and never printed",
    )
    parser.add_argument(
        "--public-key", help="Basic auth user name (default: $SENDCLOUD_PUBLIC_KEY)"
    )
    parser.add_argument("--secret-key", help="Basic auth password (default: $SENDCLOUD_SECRET_KEY)")
    parser.add_argument(
        "--integration",
        type=int,
        action="append",
        metavar="ID",
        help="an integration the account owns; give it twice (default for the fake: 1 and 2)",
    )
    parser.add_argument(
        "--foreign-integration",
        type=int,
        metavar="ID",
        help="an integration the account does NOT own, for the refused-integration step",
    )
    parser.add_argument(
        "--max-examples",
        default=DEFAULTS["max_examples"],
        type=positive_int,
        metavar="N",
        help=f"examples to run (default: {DEFAULTS['max_examples']})",
    )
    parser.add_argument(
        "--steps",
        default=DEFAULTS["steps"],
        type=positive_int,
        metavar="N",
        help=f"steps per example (default: {DEFAULTS['steps']})",
    )
    parser.add_argument("--seed", type=int, metavar="N", help="a seed (default: derandomized)")
    parser.add_argument(
        "--no-shrink",
        action="store_true",
        help="report the first failing run as found, without shrinking it (faster)",
    )
    parser.add_argument(
        "--pace",
        action="store_true",
        help="stay under Sendcloud's rate limits (always on for *.sendcloud.sc)",
    )
    parser.add_argument(
        "--read-retries",
        type=positive_int,
        metavar="N",
        help="re-reads of a new order that is not visible yet (default: 3; 5 for Sendcloud)",
    )
    parser.add_argument(
        "--request-timeout",
        default=DEFAULTS["request_timeout"],
        type=positive_seconds,
        metavar="SECONDS",
        help="the longest a request may take, to the last byte of its answer; a slower "
        f"one ends the run with exit 2 (default: {DEFAULTS['request_timeout']:g})",
    )
    parser.add_argument(
        "--deadline",
        default=DEFAULTS["deadline"],
        type=positive_seconds,
        metavar="SECONDS",
        help="the longest the whole run may take; past it the run stops with exit 2, "
        f"after cleaning up (default: {DEFAULTS['deadline']:g})",
    )
    parser.add_argument(
        "--max-answer-bytes",
        default=DEFAULTS["max_answer_bytes"],
        type=positive_int,
        metavar="N",
        help="the largest answer body read, once inflated; a larger one breaks law shapes "
        f"(default: {DEFAULTS['max_answer_bytes']})",
    )
    parser.add_argument(
        "--max-retry-after",
        default=DEFAULTS["max_retry_after"],
        type=positive_seconds,
        metavar="SECONDS",
        help="the longest wait a rate-limited answer's Retry-After gets with --pace; a longer "
        f"one is cut to this and noted in the report (default: {DEFAULTS['max_retry_after']:g})",
    )


def _target(args: argparse.Namespace) -> Target:
    from sendcloud_contract.contract import FakeTarget, HttpTarget, Pacer
    from sendcloud_contract.contract.origins import redact, split_credentials

    integrations = args.integration or []
    if integrations and len(integrations) != 2:
        raise ValueError("give --integration twice: two integrations the account owns")
    pair = (integrations[0], integrations[1]) if integrations else None
    if args.base_url is None:
        foreign = args.foreign_integration
        return FakeTarget(integrations=pair or (1, 2), foreign_integration=foreign or 3)
    base_url, user, password = split_credentials(args.base_url)
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"--base-url {redact(args.base_url)!r} is not an http(s) URL")
    if pair is None:
        raise ValueError("give --integration twice: two integrations the account owns")
    public = args.public_key or user or os.environ.get("SENDCLOUD_PUBLIC_KEY")
    secret = args.secret_key or password or os.environ.get("SENDCLOUD_SECRET_KEY")
    if not public or not secret:
        raise ValueError("give --public-key and --secret-key (or SENDCLOUD_PUBLIC_KEY/_SECRET_KEY)")
    sendcloud = (parts.hostname or "").endswith("sendcloud.sc")
    retries = args.read_retries
    return HttpTarget(
        base_url=base_url,
        public_key=public,
        secret_key=secret,
        integrations=pair,
        foreign_integration=args.foreign_integration,
        pacer=Pacer() if args.pace or sendcloud else None,
        read_retries=retries if retries is not None else 5 if sendcloud else 3,
        retry_delay=1.0 if sendcloud else 0.2,
    )


class _Progress:
    """One line on a terminal's stderr: the example under way, and what is being shrunk."""

    def __init__(self, stream: IO[str], total: int) -> None:
        self.stream = stream
        self.total = total
        self.enabled = stream.isatty()

    def __call__(self, count: int, failing: str | None) -> None:
        if not self.enabled:
            return
        what = f"shrinking a failure of {failing}" if failing else f"of {self.total}"
        self.stream.write(f"\rexample {count} {what}".ljust(60))
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()


def run(args: argparse.Namespace) -> int:
    from sendcloud_contract.contract import DeadlinePassed, RunSettings, TargetUnreachable
    from sendcloud_contract.contract import run as run_suite

    try:
        target = _target(args)
    except ValueError as error:
        sys.stderr.write(f"sendcloud-contract: error: {error}\n")
        return EXIT_USAGE
    settings = RunSettings(
        max_examples=args.max_examples,
        steps=args.steps,
        seed=args.seed,
        shrink=not args.no_shrink,
        request_timeout=args.request_timeout,
        deadline=args.deadline,
        max_answer_bytes=args.max_answer_bytes,
        max_retry_after=args.max_retry_after,
    )
    where = target.base_url if args.base_url else "the fake, in process"
    sys.stdout.write(
        f"verify {where}: {settings.max_examples} examples of up to {settings.steps} steps, "
        f"seed {'derandomized' if settings.seed is None else settings.seed}\n"
    )
    sys.stdout.flush()
    progress = _Progress(sys.stderr, settings.max_examples)
    try:
        verdicts = run_suite(target, settings, on_example=progress)
    except DeadlinePassed as error:
        progress.close()
        sys.stderr.write(
            f"sendcloud-contract: error: {error} (--deadline {settings.deadline:g} s); no verdict\n"
        )
        return EXIT_USAGE
    except TargetUnreachable as error:
        progress.close()
        sys.stderr.write(f"sendcloud-contract: error: {error}\n")
        return EXIT_USAGE
    progress.close()
    sys.stdout.write(verdicts.render())
    return EXIT_OK if verdicts.ok else EXIT_INVALID
