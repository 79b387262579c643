"""``sendcloud-contract proxy``: forward live traffic, check every exchange, report on exit.

The first line on stdout is the proxy's own base URL (as ``serve`` prints
its own), so a script can read it; one line per exchange goes to stderr. On
SIGINT or SIGTERM the proxy stops taking requests, lets the exchanges in
flight finish, and writes its summary to ``--report`` (or stdout). Exit
status: 0 every exchange kept to the contract, 1 one broke it, 2 usage,
3 the report or the recording could not be written.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import h11  # noqa: F401  (a missing HTTP library is reported before anything starts)

from sendcloud_contract._exit import EXIT_INVALID, EXIT_OK, EXIT_OUTPUT, EXIT_USAGE
from sendcloud_contract.argtypes import port, positive_int, seconds_at_most
from sendcloud_contract.listening import base_url, listen
from sendcloud_contract.proxy.messages import Answer, shown
from sendcloud_contract.proxy.settings import FORMATS, Limits, Settings, Upstream, is_loopback
from sendcloud_contract.proxy.tally import Tally

__all__ = ["add_arguments", "run", "settings_of"]

_NAME = "sendcloud-contract proxy"


# The longest a timeout may be set to: an hour.
_timeout = seconds_at_most(3600)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``proxy`` options; the CLI calls this on its subcommand parser."""
    defaults = Limits()
    parser.add_argument(
        "--upstream",
        required=True,
        metavar="URL",
        help="where requests go, e.g. https://panel.sendcloud.sc/api/v3, a staging base URL "
        "or the URL `sendcloud-contract serve` prints",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument(
        "--port", type=port, default=0, help="port to listen on; 0 picks a free one"
    )
    parser.add_argument(
        "--record",
        metavar="DIR",
        help="write the exchanges to DIR in the project's recording form, credentials "
        "redacted (`sendcloud-contract validate DIR` checks them)",
    )
    parser.add_argument(
        "--report", metavar="FILE", help="write the summary on exit to FILE (default: stdout)"
    )
    parser.add_argument(
        "--format",
        dest="output_format",
        choices=FORMATS,
        default="text",
        help="format of the summary",
    )
    parser.add_argument(
        "--block-invalid",
        action="store_true",
        help="answer a request that breaks the contract with Sendcloud's 400 (as the fake "
        "gives it) instead of forwarding it",
    )
    safety = parser.add_argument_group("safety")
    safety.add_argument(
        "--connect-timeout",
        type=_timeout,
        default=defaults.connect_timeout,
        metavar="S",
        help="seconds to connect to the upstream before answering 504",
    )
    safety.add_argument(
        "--read-timeout",
        type=_timeout,
        default=defaults.read_timeout,
        metavar="S",
        help="seconds the upstream may stay silent while answering before 504",
    )
    safety.add_argument(
        "--idle-timeout",
        type=_timeout,
        default=defaults.idle_timeout,
        metavar="S",
        help="close a client connection that sends nothing for S seconds",
    )
    safety.add_argument(
        "--request-timeout",
        type=_timeout,
        default=defaults.request_timeout,
        metavar="S",
        help="answer 408 and close when a request has not arrived whole S seconds after "
        "its first byte",
    )
    safety.add_argument(
        "--max-body-bytes",
        type=positive_int,
        default=defaults.max_body_bytes,
        metavar="N",
        help="largest request body (else 413) and answer (else 502)",
    )
    safety.add_argument(
        "--max-connections",
        type=positive_int,
        default=defaults.max_connections,
        metavar="N",
        help="client connections served at once; more wait to be accepted",
    )


def settings_of(args: argparse.Namespace) -> Settings:
    """The settings the options describe; ``ValueError`` says what is wrong with them."""
    limits = Limits(
        connect_timeout=args.connect_timeout,
        read_timeout=args.read_timeout,
        idle_timeout=args.idle_timeout,
        request_timeout=args.request_timeout,
        max_body_bytes=args.max_body_bytes,
        max_connections=args.max_connections,
    )
    return Settings(
        upstream=Upstream.parse(args.upstream),
        host=args.host,
        port=args.port,
        record=Path(args.record) if args.record else None,
        report=Path(args.report) if args.report else None,
        format=args.output_format,
        block_invalid=args.block_invalid,
        limits=limits,
    )


def _usage(message: str) -> int:
    print(f"{_NAME}: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _say(text: str) -> None:
    """A line for the log on stderr; a log nobody reads stops nobody's traffic."""
    try:
        sys.stderr.write(text + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _prepare_outputs(settings: Settings) -> str | None:
    """Make the record folder and check that the report can be written: why not, or None."""
    if settings.record is not None:
        try:
            settings.record.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            return f"cannot make --record {settings.record}: {error.strerror or error}"
    if settings.report is not None:
        try:
            with settings.report.open("a", encoding="utf-8"):
                pass
        except OSError as error:
            return f"cannot write --report {settings.report}: {error.strerror or error}"
    return None


def run(args: argparse.Namespace) -> int:
    """Proxy until SIGINT or SIGTERM; the exit status says how the traffic did."""
    try:
        settings = settings_of(args)
    except ValueError as error:
        return _usage(str(error))
    problem = _prepare_outputs(settings)
    if problem is not None:
        return _usage(problem)
    try:
        sock = listen(settings.host, settings.port)
    except OSError as error:
        return _usage(
            f"cannot listen on {settings.host}:{settings.port}: {error.strerror or error}"
        )
    try:
        print(base_url(sock, settings.upstream.root), flush=True)
        _say(f"{_NAME}: forwarding to {settings.upstream.base_url}; Ctrl-C stops")
        if settings.upstream.exposed:
            _say(f"{_NAME}: warning: the upstream is plain http: credentials cross the network")
        if not is_loopback(settings.host):
            _say(f"{_NAME}: warning: listening on {settings.host}, beyond this machine")
        outcome = asyncio.run(_serve(settings, sock))
    finally:
        sock.close()
    return _finish(settings, outcome)


@dataclass
class _Outcome:
    tally: Tally
    recording_error: str | None


async def _serve(settings: Settings, sock: socket.socket) -> _Outcome:
    from sendcloud_contract.proxy.http import Clients
    from sendcloud_contract.proxy.recording import Recording
    from sendcloud_contract.proxy.traffic import Traffic
    from sendcloud_contract.proxy.upstream import Forwarder

    loop = asyncio.get_running_loop()
    loop.set_exception_handler(_quiet)
    tally = Tally()
    recording = Recording(settings.record) if settings.record is not None else None
    forwarder = Forwarder(settings.upstream, settings.limits)
    traffic = Traffic(settings, forwarder, tally, _say, recording)

    def refused(method: str, target: str, answer: Answer) -> None:
        tally.refused += 1
        path = shown(target.partition("?")[0])
        _say(f"- {method} {path} {answer.status} refused by the proxy: {answer.failure}")

    clients = Clients(sock, traffic, settings.limits, refused)
    stop, hurry = asyncio.Event(), asyncio.Event()

    def signalled() -> None:
        """The first signal stops the proxy once the exchanges in flight are done; the
        next one stops it at once."""
        if stop.is_set():
            hurry.set()
            return
        stop.set()
        busy = clients.busy()
        if busy:
            _say(f"{_NAME}: stopping once {busy} exchange(s) in flight end; again to stop now")

    handled = (signal.SIGINT, signal.SIGTERM)
    main = threading.current_thread() is threading.main_thread()
    if main:
        for sig in handled:
            loop.add_signal_handler(sig, signalled)
    accepting = loop.create_task(clients.serve())
    try:
        await stop.wait()
    finally:
        accepting.cancel()
        clients.stop()
        await clients.drain(settings.limits.drain_seconds, hurry)
        await forwarder.aclose()
        if main:
            for sig in handled:
                loop.remove_signal_handler(sig)
    return _Outcome(tally, None if recording is None else recording.error)


def _quiet(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """asyncio's complaints in one line each, never a traceback."""
    error = context.get("exception")
    detail = f"{type(error).__name__}: {error}" if error is not None else ""
    _say(f"{_NAME}: {context.get('message', 'error')} {detail}".rstrip())


def _finish(settings: Settings, outcome: _Outcome) -> int:
    from sendcloud_contract.proxy.summary import RENDERERS

    tally = outcome.tally
    rendered = RENDERERS[settings.format](tally, settings.upstream.base_url)
    failed = outcome.recording_error
    if failed is not None:
        _say(f"{_NAME}: error: the recording is incomplete: {failed}")
    try:
        if settings.report is None:
            sys.stdout.write(rendered)
            sys.stdout.flush()
        else:
            settings.report.write_text(rendered, encoding="utf-8")
    except OSError as error:
        if settings.report is None:  # so that the interpreter's last flush stays quiet
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        _say(f"{_NAME}: error: cannot write the summary: {error.strerror or error}")
        return EXIT_OUTPUT
    if failed is not None:
        return EXIT_OUTPUT
    _say(f"{_NAME}: stopped")
    return EXIT_OK if tally.conforming else EXIT_INVALID
