"""``sendcloud-contract serve``: the fake over HTTP, for code in any language.

Prints the base URL on the first line of stdout (then the credentials), so a
script can read it, and stops cleanly on Ctrl-C or SIGTERM. uvicorn is
imported only when the server starts, so the CLI stays quick to load.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import signal
import socket
import sys
import threading
from collections.abc import Sequence
from types import FrameType
from typing import Any

from sendcloud_contract._exit import EXIT_OK, EXIT_USAGE
from sendcloud_contract.argtypes import port, positive_int, seconds_at_most
from sendcloud_contract.extras import needs_extra
from sendcloud_contract.fake.core import PUBLIC_KEY, SECRET_KEY, Account, FakeSendcloud, SeedError
from sendcloud_contract.listening import BACKLOG, base_url, listen
from sendcloud_contract.operations import API_ROOT

__all__ = ["SPARE_FILES", "add_arguments", "open_files_for", "run"]

# The longest a timeout may be set to: a day (this also keeps out inf and nan).
_MAX_SECONDS = 86_400.0
# Files the process needs besides its connections: a burst of accepted and one of
# refused ones being closed, refused ones being answered (64 at most), the
# listening socket, the standard streams, the event loop's own, what imports open.
# asyncio accepts up to a backlog of connections at once before any is refused.
SPARE_FILES = 2 * BACKLOG + 96


_timeout = seconds_at_most(_MAX_SECONDS)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``serve`` options; the CLI calls this on its subcommand parser."""
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    parser.add_argument(
        "--port",
        type=port,
        default=8000,
        help="port to listen on; 0 picks a free one (default: %(default)s)",
    )
    keys = parser.add_argument_group(
        "credentials",
        "Clients authenticate with HTTP Basic auth, the public key as the user name and the "
        "secret key as the password, as on Sendcloud; with --bearer-token, also with "
        "'Authorization: Bearer TOKEN'. The server prints the keys it accepts when it starts.",
    )
    keys.add_argument(
        "--public-key",
        default=PUBLIC_KEY,
        metavar="KEY",
        help="the public key, the Basic auth user name (default: %(default)s)",
    )
    keys.add_argument(
        "--secret-key",
        default=SECRET_KEY,
        metavar="KEY",
        help="the secret key, the Basic auth password (default: %(default)s)",
    )
    keys.add_argument(
        "--bearer-token", metavar="TOKEN", help="also accept 'Authorization: Bearer TOKEN'"
    )
    parser.add_argument(
        "--integration",
        type=int,
        nargs="+",
        action="extend",
        metavar="ID",
        help="integration id(s) the account owns; any other id is refused, as on Sendcloud "
        "(default: none declared, so every integration id a request names is known)",
    )
    parser.add_argument(
        "--seed", metavar="FILE", help="load orders from a payload file (JSON, JSON Lines, YAML)"
    )
    parser.add_argument(
        "--first-id",
        type=int,
        default=1,
        metavar="N",
        help="Sendcloud id of the first new order (default: %(default)s)",
    )
    knobs = parser.add_argument_group("realism and faults")
    knobs.add_argument(
        "--rate-limit",
        action="store_true",
        help="enforce Sendcloud's limits: GET 1000/min; POST, PATCH, DELETE 100/min, 15/s",
    )
    knobs.add_argument(
        "--visibility-delay",
        type=int,
        default=0,
        metavar="N",
        help="a new order is 404 (and absent from lists) for its next N reads "
        "(default: %(default)s)",
    )
    knobs.add_argument(
        "--still-processing",
        action="append",
        default=[],
        metavar="ORDER_ID",
        help="answer the 'still processing' conflict to the next batch holding ORDER_ID "
        "(repeat the option to refuse more batches)",
    )
    knobs.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="SPEC",
        help="inject a fault: 'METHOD PATH STATUS|timeout [TIMES|always]', "
        "e.g. 'POST /orders 503' or 'GET /orders/{id} timeout always'",
    )
    knobs.add_argument(
        "--stall-seconds",
        type=float,
        default=30.0,
        metavar="S",
        help="how long a 'timeout' fault hangs before answering 504 (default: %(default)g)",
    )
    bounds = parser.add_argument_group(
        "connections",
        "What one client may hold: a connection that is idle, or slow to send its request, "
        "is closed; past the limit a new connection is answered 503.",
    )
    bounds.add_argument(
        "--keep-alive-timeout",
        type=_timeout,
        default=5.0,
        metavar="S",
        help="close a connection idle this long after an answer (default: %(default)g)",
    )
    bounds.add_argument(
        "--header-timeout",
        type=_timeout,
        default=10.0,
        metavar="S",
        help="a request line and headers must all arrive within this long of the connection "
        "opening (or of the request's first byte on a kept-alive one), else the connection "
        "is closed, with a 408 if the request had begun (default: %(default)g)",
    )
    bounds.add_argument(
        "--body-timeout",
        type=_timeout,
        default=30.0,
        metavar="S",
        help="answer 408 to a request whose body is not all in this long after its headers "
        "(default: %(default)g)",
    )
    bounds.add_argument(
        "--max-connections",
        type=positive_int,
        default=256,
        metavar="N",
        help="connections open at once; more are answered 503, and the limit is lowered to "
        "fit the files the process may open (default: %(default)s)",
    )
    parser.add_argument(
        "--log-level",
        default="warning",
        choices=["critical", "error", "warning", "info", "debug", "trace"],
        help="uvicorn's log level; info and below log each request (default: %(default)s)",
    )


def _fault(fake: FakeSendcloud, spec: str, stall: float) -> None:
    words = spec.split()
    if len(words) not in (3, 4):
        raise ValueError(f"--fault {spec!r}: expected 'METHOD PATH STATUS|timeout [TIMES|always]'")
    method, path, what = words[:3]
    times: int | None = 1
    if len(words) == 4:
        times = None if words[3] == "always" else int(words[3])
    if what == "timeout":
        fake.inject_fault(f"{method} {path}", timeout=True, times=times, stall_seconds=stall)
    else:
        fake.inject_fault(f"{method} {path}", status=int(what), times=times)


def _load_seed(path: str) -> list[Any]:
    from sendcloud_contract.loading import load_path

    orders: list[Any] = []
    problems: list[str] = []
    for document in load_path(path):
        problems.extend(
            f"{path}:{p.line or 0}:{p.column or 0}: {p.message}" for p in document.problems
        )
        if document.fatal:
            continue
        value = document.value
        orders.extend(value if isinstance(value, list) else [value])
    if problems:
        raise ValueError("\n".join(problems))
    return orders


def build_fake(args: argparse.Namespace) -> FakeSendcloud:
    """The fake the options describe, seeded; ValueError says what is wrong with them."""
    account = Account(
        args.public_key,
        args.secret_key,
        tuple(args.integration) if args.integration else None,
        bearer_token=args.bearer_token,
    )
    if args.first_id < 1:
        raise ValueError("--first-id must be at least 1")
    if args.visibility_delay < 0:
        raise ValueError("--visibility-delay cannot be negative")
    fake = FakeSendcloud(
        [account],
        ids=itertools.count(args.first_id),
        rate_limit=args.rate_limit,
        visibility_delay=args.visibility_delay,
    )
    if args.seed:
        fake.seed(_load_seed(args.seed))
    for order_id in dict.fromkeys(args.still_processing):
        fake.still_processing(order_id, times=args.still_processing.count(order_id))
    for spec in args.fault:
        _fault(fake, spec, args.stall_seconds)
    return fake


def open_files_for(connections: int) -> int:
    """How many connections the process can hold open, raising its open-file limit if it may.

    Past its limit a process cannot accept, and asyncio logs a traceback for every
    try; so the soft limit is raised (up to the hard one) to fit the connections,
    and when even that is too low, fewer connections are allowed.
    """
    try:
        import resource
    except ImportError:  # not on this platform: nothing to fit
        return connections
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + SPARE_FILES
    if soft != resource.RLIM_INFINITY and soft < wanted:
        raised = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return connections
    return max(1, min(connections, soft - SPARE_FILES))


def _integrations(account: Account) -> str:
    if account.integrations is None:
        return "any (none declared; --integration ID declares them)"
    return ", ".join(str(i) for i in account.integrations)


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C or SIGTERM; 0 after a clean stop, 2 for unusable options."""
    try:
        fake = build_fake(args)
    except SeedError as error:
        print(f"sendcloud-contract serve: {args.seed}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (ValueError, OSError) as error:
        print(f"sendcloud-contract serve: {error}", file=sys.stderr)
        return EXIT_USAGE
    with needs_extra("sendcloud-contract serve"):
        # Before binding, so that a missing server package leaves no socket behind.
        import uvicorn

        from sendcloud_contract.fake.asgi import asgi_app
        from sendcloud_contract.fake.http_guard import ConnectionLimits, guarded_protocol

    try:
        sock = listen(args.host, args.port)
    except OSError as error:
        print(
            f"sendcloud-contract serve: cannot listen on {args.host}:{args.port}: {error.strerror}",
            file=sys.stderr,
        )
        return EXIT_USAGE

    max_connections = open_files_for(args.max_connections)
    if max_connections < args.max_connections:
        print(
            f"sendcloud-contract serve: --max-connections lowered to {max_connections}: "
            "the process may not open more files",
            file=sys.stderr,
        )
    limits = ConnectionLimits(
        keep_alive_timeout=args.keep_alive_timeout,
        header_timeout=args.header_timeout,
        max_connections=max_connections,
    )
    app = asgi_app(fake, body_timeout=args.body_timeout)
    config = uvicorn.Config(
        app,
        http=guarded_protocol(limits),
        ws="none",
        log_level=args.log_level,
        access_log=args.log_level in ("info", "debug", "trace"),
        lifespan="on",
        backlog=BACKLOG,
        timeout_keep_alive=max(1, round(args.keep_alive_timeout)),
        timeout_graceful_shutdown=3,
    )

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            asyncio.get_running_loop().set_exception_handler(_QuietAcceptErrors())
            await super().startup(sockets=sockets)

        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            app.begin_shutdown()  # waiting requests answer now, so shutdown cancels none
            super().handle_exit(sig, frame)

    server = Server(config)

    def stop(signum: int, frame: FrameType | None) -> None:
        server.handle_exit(signum, frame)

    # uvicorn re-raises the signal that stopped it once it is done; with this
    # handler in place that re-raise is harmless and the exit status stays 0.
    handled = (signal.SIGINT, signal.SIGTERM)
    previous = (
        {sig: signal.signal(sig, stop) for sig in handled}
        if threading.current_thread() is threading.main_thread()
        else {}
    )
    try:
        account = fake.account
        print(base_url(sock, API_ROOT))
        print(f"public key:   {account.public_key}")
        print(f"secret key:   {account.secret_key}")
        if account.bearer_token:
            print(f"bearer token: {account.bearer_token}")
        print(f"integrations: {_integrations(account)}")
        print(f"orders:       {len(fake.orders())}")
        print("Ctrl-C stops the server.", flush=True)
        server.run(sockets=[sock])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()
    print("sendcloud-contract serve: stopped", file=sys.stderr)
    return EXIT_OK


class _QuietAcceptErrors:
    """Out of files while accepting, asyncio stops accepting for a moment and tries again:
    one log line a minute says so, not a traceback each time."""

    def __init__(self) -> None:
        self.told_at: float | None = None

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        if not isinstance(error, OSError) or "accept()" not in str(context.get("message", "")):
            loop.default_exception_handler(context)
            return
        if self.told_at is None or loop.time() - self.told_at >= 60:
            self.told_at = loop.time()
            logging.getLogger("uvicorn.error").warning(
                "Could not accept connections (%s): trying again every second.", error.strerror
            )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sendcloud_contract.fake.server",
        description="Serve a stateful fake of Sendcloud's Orders API v3.",
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
