"""HTTP/1.1 as the proxy writes it, and the upstream's answers as the proxy reads them.

Sans-IO: bytes in, messages out, so each rule is tested without a socket. The
clients' requests are read by h11, which is strict with what a stranger sends;
what the proxy writes is built here from headers that a parser has already
checked, and the upstream's answer is read here by a small reader of the
framing RFC 9112 gives a response (a length, chunks, or the connection's end).
h11 does both as well, at several times the cost per message, and the proxy
handles every message twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from http import HTTPStatus

from sendcloud_contract.proxy.messages import Headers

__all__ = [
    "MAX_HEAD_BYTES",
    "Parsed",
    "ResponseReader",
    "WireError",
    "request_bytes",
    "response_bytes",
]

MAX_HEAD_BYTES = 64 * 1024
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_BAD_VALUE = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
_STATUS_LINE = re.compile(rb"HTTP/1\.([01]) ([0-9]{3})(?: [^\r\n]*)?")
_DIGITS = re.compile(rb"[0-9]{1,18}")
_CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]{1,15})[ \t]*(?:;[^\r\n]*)?")


class WireError(Exception):
    """The upstream's answer is not HTTP/1.1 the proxy can read; ``str()`` says why."""


@dataclass(frozen=True)
class Parsed:
    """A whole answer: its status, its headers as sent, its body (unframed), and whether
    the connection may carry another request."""

    status: int
    headers: Headers
    body: bytes
    keep_alive: bool


def request_bytes(method: str, target: str, headers: Headers, body: bytes) -> bytes:
    """A request with a ``Content-Length`` body. Every part comes from a parsed request or
    from the proxy itself, so none holds a line break."""
    lines = [f"{method} {target} HTTP/1.1"]
    lines.extend(f"{name}: {value}" for name, value in headers)
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"content-length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def response_bytes(
    status: int, headers: Headers, body: bytes, *, close: bool, head_only: bool = False
) -> bytes:
    """An answer framed by ``Content-Length`` (none for 1xx, 204 and 304); ``head_only``
    for an answer to HEAD, which carries no body."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    lines = [f"HTTP/1.1 {status} {phrase}".rstrip()]
    lines.extend(f"{name}: {value}" for name, value in headers)
    bodiless = status < 200 or status in (204, 304)
    if not bodiless:
        lines.append(f"content-length: {len(body)}")
    if close:
        lines.append("connection: close")
    sent = b"" if bodiless or head_only else body
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + sent


class ResponseReader:
    """Reads one answer to a request of ``method`` off the bytes fed to it."""

    def __init__(self, method: str, max_body_bytes: int) -> None:
        self.method = method
        self.max_body_bytes = max_body_bytes
        self._buffer = bytearray()
        self._body = bytearray()
        self._phase = "head"
        self._left = 0
        self._head: tuple[int, Headers, bool] | None = None

    def feed(self, data: bytes) -> Parsed | None:
        """The answer once it is whole, else None; ``WireError`` when it cannot be one."""
        self._buffer += data
        return self._advance()

    def feed_eof(self) -> Parsed:
        """The connection ended: the answer if it was read to its end, else ``WireError``."""
        if self._phase == "until-close" and self._head is not None:
            self._body += self._buffer
            self._check_size()
            return self._done(keep_alive=False)
        raise WireError("the upstream closed the connection before its answer was whole")

    def _advance(self) -> Parsed | None:
        while True:
            if self._phase == "head":
                if not self._read_head():
                    return None
            elif self._phase == "length":
                if len(self._buffer) < self._left:
                    return None
                self._take(self._left)
                return self._done()
            elif self._phase == "size":
                line = self._line()
                if line is None:
                    return None
                found = _CHUNK_SIZE.fullmatch(line)
                if found is None:
                    raise WireError("a chunk of the answer has no readable size")
                self._left = int(found.group(1), 16)
                self._phase = "data" if self._left else "trailer"
                if len(self._body) + self._left > self.max_body_bytes:
                    raise WireError(self._too_large())
            elif self._phase == "data":
                if len(self._buffer) < self._left + 2:
                    return None
                if self._buffer[self._left : self._left + 2] != b"\r\n":
                    raise WireError("a chunk of the answer is longer than its size says")
                self._take(self._left)
                del self._buffer[:2]
                self._phase = "size"
            elif self._phase == "trailer":
                line = self._line()
                if line is None:
                    return None
                if not line:
                    return self._done()
            else:  # until-close: everything up to the connection's end
                self._body += self._buffer
                self._buffer.clear()
                self._check_size()
                return None

    def _line(self) -> bytes | None:
        end = self._buffer.find(b"\r\n")
        if end < 0:
            if len(self._buffer) > MAX_HEAD_BYTES:
                raise WireError("a line of the answer's framing is too long")
            return None
        line = bytes(self._buffer[:end])
        del self._buffer[: end + 2]
        return line

    def _read_head(self) -> bool:
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self._buffer) > MAX_HEAD_BYTES:
                raise WireError(f"the answer's head is larger than {MAX_HEAD_BYTES} bytes")
            return False
        lines = bytes(self._buffer[:end]).split(b"\r\n")
        del self._buffer[: end + 4]
        found = _STATUS_LINE.fullmatch(lines[0])
        if found is None:
            raise WireError("the answer does not start with an HTTP/1.x status line")
        status = int(found.group(2))
        headers = _headers(lines[1:])
        if 100 <= status < 200:
            if status == 101:
                raise WireError("the upstream switched protocols, which the proxy does not")
            return True  # an interim answer (100 Continue): the real one follows
        tokens = _tokens(headers, "connection")
        keep_alive = "close" not in tokens and (found.group(1) == b"1" or "keep-alive" in tokens)
        self._head = (status, headers, keep_alive)
        self._frame(status, headers)
        return True

    def _frame(self, status: int, headers: Headers) -> None:
        coding = _tokens(headers, "transfer-encoding")
        lengths = {value.strip() for name, value in headers if name.lower() == "content-length"}
        if self.method == "HEAD" or status in (204, 304):
            self._phase, self._left = "length", 0
        elif coding:
            if coding[-1] != "chunked":
                raise WireError(f"the answer's Transfer-Encoding {coding[-1]!r} is not read here")
            self._phase = "size"
        elif lengths:
            if len(lengths) != 1 or not _DIGITS.fullmatch(next(iter(lengths)).encode()):
                raise WireError("the answer's Content-Length is not one whole number")
            self._left = int(next(iter(lengths)))
            if self._left > self.max_body_bytes:
                raise WireError(self._too_large())
            self._phase = "length"
        else:
            self._phase = "until-close"

    def _take(self, count: int) -> None:
        self._body += self._buffer[:count]
        del self._buffer[:count]

    def _check_size(self) -> None:
        if len(self._body) > self.max_body_bytes:
            raise WireError(self._too_large())

    def _too_large(self) -> str:
        return f"the upstream's answer is larger than {self.max_body_bytes} bytes"

    def _done(self, keep_alive: bool = True) -> Parsed:
        assert self._head is not None
        status, headers, kept = self._head
        return Parsed(status, headers, bytes(self._body), kept and keep_alive)


def _headers(lines: list[bytes]) -> Headers:
    headers = []
    for line in lines:
        name, colon, value = line.partition(b":")
        if not colon or not _TOKEN.fullmatch(name):
            raise WireError("a header line of the answer is malformed")
        value = value.strip(b" \t")
        if _BAD_VALUE.search(value):
            raise WireError("a header of the answer holds a control character")
        headers.append((name.decode("latin-1"), value.decode("latin-1")))
    return tuple(headers)


def _tokens(headers: Headers, name: str) -> list[str]:
    """The comma-separated tokens of every ``name`` header, lower-cased, in order."""
    return [
        token.strip().lower()
        for key, value in headers
        if key.lower() == name
        for token in value.split(",")
        if token.strip()
    ]
