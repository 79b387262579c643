"""Talking to a target over httpx: every exchange recorded, every answer's shape checked.

The suite judges a target by HTTP only. Each request goes through
:class:`ContractClient`, which paces it (when the target asks for it), retries
a 429 a bounded number of times, records the exchange for the curl rendering of
a failing run, and holds the answer's body against the response schema the
operations table names for its status (law ``shapes``).

A target gets nothing it could use to hold the suite: each request has a
deadline, the run has one, an answer's body is read (and inflated) up to a
size, a 429's ``Retry-After`` is capped, and a ``Link`` to another origin is a
broken law, never followed with the credentials.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import orjson

from sendcloud_contract.contract.laws import broken, require
from sendcloud_contract.contract.origins import origin, redact
from sendcloud_contract.contract.pacing import DEFAULT_MAX_RETRY_AFTER, Pacer, retry_after
from sendcloud_contract.contract.transport import deadline
from sendcloud_contract.exchanges import Content, check_response
from sendcloud_contract.loading import DEFAULT_MAX_BYTES
from sendcloud_contract.operations import Route, operation
from sendcloud_contract.recordings.bodies import TooLarge, undo_coding
from sendcloud_contract.report import Severity

__all__ = [
    "DEFAULT_REQUEST_TIMEOUT",
    "Answer",
    "ContractClient",
    "DeadlinePassed",
    "Exchange",
    "TargetUnreachable",
]

_THROTTLE_RETRIES = 3
DEFAULT_REQUEST_TIMEOUT = 30.0


class TargetUnreachable(BaseException):
    """The target could not be reached or did not answer: no verdict is possible.

    A ``BaseException``, not an ``Exception``, on purpose: Hypothesis treats an
    ``Exception`` as a failure to shrink, and would replay the run again and again
    against a server that is gone; this ends the run at once.
    """


class DeadlinePassed(TargetUnreachable):
    """The run's deadline passed before the suite was done: no verdict is possible."""


@dataclass(frozen=True)
class Exchange:
    """One request and its answer, as the rendering of a failing run shows them."""

    method: str
    url: str
    body: Any
    status: int
    answer: Any


@dataclass
class Answer:
    """A checked answer: its status, parsed JSON body (None when empty) and headers."""

    status: int
    body: Any
    headers: httpx.Headers
    url: str = ""
    """Where the request went: a relative ``Link`` is read against it."""

    def links(self) -> dict[str, str]:
        """The ``Link`` header's targets by relation (``next``, ``prev``), as full URLs."""
        found: dict[str, str] = {}
        for part in self.headers.get("link", "").split(","):
            target, _, params = part.partition(";")
            target = target.strip()
            rel = params.strip().removeprefix("rel=").strip('"')
            if target.startswith("<") and target.endswith(">") and rel:
                found[rel] = urljoin(self.url, target[1:-1])
        return found


@dataclass(frozen=True)
class _Reply:
    """What came back: the status, the headers, the body's bytes or why they are not here."""

    status: int
    headers: httpx.Headers
    raw: bytes
    unread: str | None = None


@dataclass
class ContractClient:
    """An httpx client for one target, with the suite's bookkeeping around each request.

    ``run_deadline`` is a ``time.monotonic()`` instant (None: no deadline); each
    request also ends ``request_timeout`` seconds after it starts. Once a request
    runs out of time, only clean-up follows, and it gets one ``request_timeout`` in
    all: a target that slow would otherwise hold it up for every order.
    ``notes`` collects what the run should report besides verdicts (a capped wait).
    """

    http: httpx.Client
    base_url: str
    pacer: Pacer | None = None
    log: list[Exchange] = field(default_factory=list)
    on_created: Callable[[Sequence[int]], None] = lambda ids: None
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT
    run_deadline: float | None = None
    max_answer_bytes: int = DEFAULT_MAX_BYTES
    max_retry_after: float = DEFAULT_MAX_RETRY_AFTER
    notes: dict[str, None] = field(default_factory=dict)
    _cleaning_up: bool = field(default=False, init=False, repr=False)

    def call(
        self,
        method: str,
        route: Route,
        *,
        pk: int | None = None,
        params: Sequence[tuple[str, str]] = (),
        body: Any = None,
        url: str | None = None,
    ) -> Answer:
        """Send one request; ``url`` (a ``Link`` target) replaces the route's own URL.

        A ``url`` on another origin than the base URL's breaks law ``listing`` and is
        not requested: the credentials are the base URL's origin's only.
        """
        if url is None:
            path = route.replace("{id}", str(pk))
            url = str(httpx.URL(self.base_url.rstrip("/") + path, params=list(params)))
        elif origin(url) != origin(self.base_url):
            broken(
                "listing",
                f'a Link rel="next" leads to {redact(url)}, away from the origin of the base '
                "URL; it was not followed, as the credentials are for that origin only",
            )
        content = None if body is None else orjson.dumps(body)
        headers = {"content-type": "application/json"} if content is not None else {}
        for attempt in range(_THROTTLE_RETRIES + 1):
            if self.pacer is not None:
                self.pacer.wait(method)
            reply = self._send(method, url, content, headers)
            if reply.status != 429 or attempt == _THROTTLE_RETRIES:
                break
            if self.pacer is not None:
                self._wait_to_retry(reply.headers.get("retry-after"))
        answer = self._checked(method, route, url, body, reply)
        if method == "POST" and answer.status == 201:
            self.on_created([o["id"] for o in answer.body["data"]])
        return answer

    def _send(
        self, method: str, url: str, content: bytes | None, headers: dict[str, str]
    ) -> _Reply:
        """One request, over by its deadline, its body read up to ``max_answer_bytes``."""
        now = time.monotonic()
        if self.run_deadline is not None and now >= self.run_deadline:
            raise DeadlinePassed(f"the run's deadline passed before {method} {redact(url)}")
        until = now + self.request_timeout
        if self.run_deadline is not None:
            until = min(until, self.run_deadline)
        request = self.http.build_request(
            method, url, content=content, headers=headers, timeout=self.request_timeout
        )
        try:
            with deadline(until):
                response = self.http.send(request, stream=True)
                try:
                    return self._read(response)
                finally:
                    response.close()
        except httpx.TimeoutException:
            ran_out = until == self.run_deadline
            self._clean_up_only()
            if ran_out:
                raise DeadlinePassed(
                    f"the run's deadline passed during {method} {redact(url)}"
                ) from None
            raise TargetUnreachable(
                f"{method} {redact(url)}: no complete answer within "
                f"{self.request_timeout:g} s (the request's deadline)"
            ) from None
        except httpx.HTTPError as error:
            raise TargetUnreachable(f"{method} {redact(url)}: {error}") from None

    def _clean_up_only(self) -> None:
        """The run ends for time: what follows must be done one request's time from now."""
        if not self._cleaning_up:
            self._cleaning_up = True
            self.run_deadline = time.monotonic() + self.request_timeout

    def _read(self, response: httpx.Response) -> _Reply:
        """The body, undone of its content codings, or why it was not read whole."""
        limit = self.max_answer_bytes
        over = f"over the limit of {limit} bytes (--max-answer-bytes)"
        status, headers = response.status_code, response.headers
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return _Reply(status, headers, b"", f"its Content-Length {declared} is {over}")
        received = bytearray()
        for chunk in response.iter_raw():
            received += chunk
            if len(received) > limit:
                return _Reply(status, headers, b"", f"its body is {over}; it was read no further")
        data = bytes(received)
        codings = headers.get_list("content-encoding", split_commas=True)
        names = [name.strip().lower() for name in codings if name.strip()]
        for name in reversed(names):
            try:
                decoded = undo_coding(name, data, limit)
            except TooLarge:
                why = f"its body (Content-Encoding {', '.join(names)}) inflates {over}"
                return _Reply(status, headers, b"", why)
            if isinstance(decoded, str):
                reason = "a coding the suite does not read" if decoded == "unsupported" else decoded
                return _Reply(status, headers, b"", f"its Content-Encoding {name}: {reason}")
            data = decoded
        return _Reply(status, headers, data)

    def _wait_to_retry(self, header: str | None) -> None:
        """Sleep as a 429 asks, within the cap and the run's deadline."""
        seconds, note = retry_after(header, self.max_retry_after)
        if note is not None:
            self.notes[note] = None
        if self.run_deadline is not None and time.monotonic() + seconds >= self.run_deadline:
            raise DeadlinePassed(
                f"the target asked to wait {seconds:g} s (Retry-After), past the run's deadline"
            )
        assert self.pacer is not None
        self.pacer.sleep(seconds)

    def _checked(self, method: str, route: Route, url: str, body: Any, reply: _Reply) -> Answer:
        status = reply.status
        raw = reply.raw
        parsed: Any = None
        problem = reply.unread
        if raw:
            try:
                parsed = orjson.loads(raw)
            except orjson.JSONDecodeError:
                problem = f"the body is not JSON: {raw[:120]!r}"
        self.log.append(Exchange(method, url, body, status, parsed if problem is None else raw))
        where = f"{method} {urlsplit(url).path} answered {status}"
        if status >= 500 or status == 429:
            raise TargetUnreachable(f"{where}: the target failed or kept refusing (rate limit)")
        if problem is not None:
            broken("shapes", f"{where}: {problem}")
        checked = check_response(
            operation(method, route), status, Content(value=parsed, parsed=True) if raw else None
        )
        if checked.finding == "undocumented-status":
            broken("shapes", f"{where}, a status the Orders API does not document for it")
        require(
            "shapes",
            checked.finding != "unexpected-body",
            f"{where} with a body where none is documented",
        )
        require("shapes", checked.finding != "missing-body", f"{where} without the body it owes")
        first = next((v for v in checked.violations if v.severity is Severity.ERROR), None)
        require(
            "shapes",
            first is None,
            f"{where}: the body is not a valid {checked.kind}: "
            f"{first.pointer if first else ''} {first.message if first else ''}",
        )
        return Answer(status, parsed, reply.headers, url)
