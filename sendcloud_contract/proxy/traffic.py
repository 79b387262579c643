"""Each exchange through the proxy: forward, answer, then judge, log, count and record it.

The client has its answer before the exchange is judged, so checking adds
nothing to the time it waits. With ``block_invalid`` the request is judged
first, and one that breaks the contract is answered 400 without being
forwarded.
"""

from __future__ import annotations

import asyncio
import contextlib
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from sendcloud_contract import operations
from sendcloud_contract.exchanges import (
    Checked,
    Content,
    Query,
    Verdict,
    check_request,
    check_response,
)
from sendcloud_contract.pointers import MISSING
from sendcloud_contract.proxy.answers import blocked, failure
from sendcloud_contract.proxy.messages import Answer, Incoming, header_values, shown
from sendcloud_contract.proxy.tally import Found, Outcome, Tally, Unmatched
from sendcloud_contract.report import Severity, Violation

if TYPE_CHECKING:
    from sendcloud_contract.operations import Operation
    from sendcloud_contract.proxy.http import Respond
    from sendcloud_contract.proxy.recording import Recording
    from sendcloud_contract.proxy.settings import Settings

__all__ = ["Forwarding", "Traffic"]


class Forwarding(Protocol):
    """What forwards a request (``proxy.upstream.Forwarder``): the answer, or the proxy's own."""

    async def forward(self, incoming: Incoming) -> Answer: ...


class Traffic:
    """The proxy's handler of complete requests, which ``proxy.http.Clients`` calls."""

    def __init__(
        self,
        settings: Settings,
        forwarder: Forwarding,
        tally: Tally,
        say: Callable[[str], None],
        recording: Recording | None = None,
    ) -> None:
        self.settings = settings
        self.forwarder = forwarder
        self.tally = tally
        self.say = say
        self.recording = recording
        self._numbers = 0

    async def __call__(self, incoming: Incoming, respond: Respond) -> None:
        self._numbers += 1
        number = self._numbers
        answered = False

        async def answer_once(answer: Answer) -> None:
            nonlocal answered
            answered = True
            # A client that left does not undo the exchange with the upstream: it still counts.
            with contextlib.suppress(OSError, asyncio.TimeoutError):
                await respond(answer)

        try:
            await self._exchange(number, incoming, answer_once)
        except Exception as error:
            # A bug here must cost one answer, never the proxy: say so, and keep serving.
            if not answered:
                await answer_once(failure(502, "the proxy failed on this exchange"))
            self.say(
                f"#{number} {incoming.method} {shown(_path(incoming))} proxy error: "
                f"{type(error).__name__}: {shown(str(error))} (a bug in sendcloud-contract: "
                "please report it)"
            )

    async def _exchange(self, number: int, incoming: Incoming, respond: Respond) -> None:
        path = _path(incoming)
        matched = operations.match(path, self.settings.upstream.root)
        operation = matched.operation(incoming.method) if matched is not None else None
        query = _query(incoming.target) if operation is not None and operation.query_kind else None
        body = Content(incoming.body) if incoming.body else None
        parts: tuple[Checked, ...] | None = None
        if operation is not None and self.settings.block_invalid:
            parts = check_request(operation, query=query, body=body)
            if not Verdict(operation, None, parts).ok:
                answer = blocked(parts)
                await respond(answer)
                self._judged(number, incoming, path, operation, parts, answer, None, blocking=True)
                return
        answer = await self.forwarder.forward(incoming)
        await respond(answer)
        decoded = None if answer.from_proxy else _Decoded(answer)
        if decoded is not None and self.recording is not None:
            self._record(incoming, answer, decoded)
        if operation is None:
            self._unmatched(number, incoming, path, matched, answer)
            return
        if parts is None:
            parts = check_request(operation, query=query, body=body)
        self._judged(number, incoming, path, operation, parts, answer, decoded, blocking=False)

    def _judged(
        self,
        number: int,
        incoming: Incoming,
        path: str,
        operation: Operation,
        parts: tuple[Checked, ...],
        answer: Answer,
        decoded: _Decoded | None,
        *,
        blocking: bool,
    ) -> None:
        """Judge the answer too (when the upstream gave one), then log and count the exchange."""
        found: list[Found] = []
        if decoded is not None:
            parts = (*parts, check_response(operation, answer.status, decoded.content))
            found.extend(Found(number, "response", p) for p in decoded.problems)
        verdict = Verdict(operation, None if decoded is None else answer.status, parts)
        found[:0] = [Found(number, part.part, v) for part, v in verdict.violations()]
        errors = sum(f.violation.severity is Severity.ERROR for f in found)
        if blocking:
            self.tally.blocked += 1
            word = f"blocked, not forwarded ({_count(errors, 'error')})"
        elif decoded is None:
            word = f"no answer from the upstream: {answer.failure}"
            if errors:
                word += f"; INVALID request ({_count(errors, 'error')})"
        else:
            word = f"INVALID ({_count(errors, 'error')})" if errors else "ok"
            if len(found) > errors:
                word += f", {_count(len(found) - errors, 'warning')}"
            sent = next((p.value for p in parts if p.part == "request"), None)
            self.tally.coverage.record_exchange(
                operation.key,
                answer.status,
                None if sent is MISSING else sent,
                operation.request_kind,
            )
        lines = [f"#{number} {incoming.method} {shown(path)} {answer.status} {word}"]
        lines.extend(_violation_lines(found))
        self.say("\n".join(lines))
        outcome: Outcome = "invalid" if errors else "no-answer" if decoded is None else "ok"
        self.tally.add(outcome, operation.key, found)

    def _unmatched(
        self,
        number: int,
        incoming: Incoming,
        path: str,
        matched: operations.Match | None,
        answer: Answer,
    ) -> None:
        if matched is None:
            reason = "not an Orders API path"
        else:
            reason = f"the Orders API has no operation {incoming.method} {matched.route}"
        line = f"#{number} {incoming.method} {shown(path)} {answer.status} unmatched: {reason}"
        if answer.from_proxy:
            line += f"; no answer from the upstream: {answer.failure}"
        self.say(line)
        self.tally.unmatched.append(
            Unmatched(number, incoming.method, shown(path), answer.status, reason)
        )
        self.tally.add("unmatched", None, [])

    def _record(self, incoming: Incoming, answer: Answer, decoded: _Decoded) -> None:
        assert self.recording is not None
        content = decoded.content
        self.recording.add(
            incoming.method,
            self.settings.upstream.origin + incoming.target,
            incoming.headers,
            incoming.body,
            answer.status,
            answer.headers,
            content.data if content is not None and content.readable else b"",
        )


def _path(incoming: Incoming) -> str:
    return unquote(urlsplit(incoming.target).path) or "/"


def _query(target: str) -> Query:
    """Query parameters as recordings read them: a repeated one is a list."""
    parsed = parse_qs(urlsplit(target).query, keep_blank_values=True)
    return {name: values[0] if len(values) == 1 else values for name, values in parsed.items()}


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _violation_lines(found: list[Found]) -> list[str]:
    lines = []
    for item in found:
        violation = item.violation
        pointer = shown(violation.pointer or "/")
        lines.append(
            f"  {item.part} {pointer}: {violation.severity.value}: "
            f"{shown(violation.message)} [{violation.rule}]"
        )
        if violation.hint:
            lines.append(f"      hint: {shown(violation.hint)}")
    return lines


class _Decoded:
    """The answer's body with its ``Content-Encoding`` undone (gzip, deflate): the contract
    is about the JSON, not its transport. ``problems`` say what could not be undone."""

    def __init__(self, answer: Answer) -> None:
        self.problems: list[Violation] = []
        self.content = self._decode(answer)

    def _decode(self, answer: Answer) -> Content | None:
        if not answer.body:
            return None
        data = answer.body
        codings = [
            c.strip().lower()
            for value in header_values(answer.headers, "content-encoding")
            for c in value.split(",")
            if c.strip()
        ]
        for coding in reversed(codings):
            try:
                if coding in ("gzip", "x-gzip"):
                    data = zlib.decompress(data, 16 + zlib.MAX_WBITS)
                elif coding == "deflate":
                    data = _inflate(data)
                elif coding != "identity":
                    why = f"its Content-Encoding {coding!r} is not read here"
                    self.problems.append(_undecodable(why))
                    return Content(readable=False)
            except zlib.error as error:
                why = f"it is not valid {coding} data ({error})"
                self.problems.append(_undecodable(why, warn=False))
                return Content(readable=False)
        return Content(data)


def _inflate(data: bytes) -> bytes:
    try:
        return zlib.decompress(data)
    except zlib.error:
        return zlib.decompress(data, -zlib.MAX_WBITS)


def _undecodable(why: str, *, warn: bool = True) -> Violation:
    return Violation(
        "",
        f"the answer's body is not checked: {why}",
        "exchange.content-encoding",
        Severity.WARNING if warn else Severity.ERROR,
        hint="Let the client ask for gzip or no compression (Accept-Encoding).",
    )
