"""An httpx transport that keeps each request to a deadline, however slowly the target answers.

httpx's timeouts bound each read and write, not a request: a target that sends a
byte a second never trips them. Here every read, write and connect of the socket
is given only the time left until the deadline of the request under way, so a
request ends with a timeout once its deadline passes, whatever the target does.
The deadline is set around a request with :func:`deadline`.

httpx's own transport takes no network backend, so this one owns an httpcore
connection pool built with the deadline-keeping backend, and maps each request
and answer between the two libraries itself, through their public API only.
"""

from __future__ import annotations

import socket
import time
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import httpcore
import httpx

__all__ = ["DeadlineTransport", "deadline"]

_DEADLINE: ContextVar[float | None] = ContextVar("sendcloud_contract_deadline", default=None)


@contextmanager
def deadline(at: float) -> Iterator[None]:
    """Requests made in the block end once ``time.monotonic()`` reaches ``at``."""
    token = _DEADLINE.set(at)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _within(timeout: float | None, error: type[httpcore.TimeoutException]) -> float | None:
    """``timeout`` shortened to the time left; ``error`` when none is left."""
    at = _DEADLINE.get()
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise error("the request's deadline passed")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    """A connection whose every socket operation ends by the deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _within(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        # One send at a time: a target that takes a byte now and then must not
        # keep a long body going past the deadline.
        sock: socket.socket = self._inner.get_extra_info("socket")
        view = memoryview(buffer)
        while view:
            budget = _within(timeout, httpcore.WriteTimeout)
            try:
                sock.settimeout(budget)
                sent = sock.send(view)
            except TimeoutError:
                raise httpcore.WriteTimeout("the target did not take the request in time") from None
            except OSError as error:
                raise httpcore.WriteError(str(error)) from None
            view = view[sent:]

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: typing.Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        budget = _within(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, budget))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    """httpcore's own network backend, its streams kept to the deadline."""

    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        budget = _within(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.connect_tcp(host, port, budget, local_address, socket_options))

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        budget = _within(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.connect_unix_socket(path, budget, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


# httpcore's errors as httpx names them; the most specific one wins (a ReadTimeout stays one).
_HTTPX_ERRORS: dict[type[Exception], type[httpx.HTTPError]] = {
    httpcore.TimeoutException: httpx.TimeoutException,
    httpcore.ConnectTimeout: httpx.ConnectTimeout,
    httpcore.ReadTimeout: httpx.ReadTimeout,
    httpcore.WriteTimeout: httpx.WriteTimeout,
    httpcore.PoolTimeout: httpx.PoolTimeout,
    httpcore.NetworkError: httpx.NetworkError,
    httpcore.ConnectError: httpx.ConnectError,
    httpcore.ReadError: httpx.ReadError,
    httpcore.WriteError: httpx.WriteError,
    httpcore.ProxyError: httpx.ProxyError,
    httpcore.UnsupportedProtocol: httpx.UnsupportedProtocol,
    httpcore.ProtocolError: httpx.ProtocolError,
    httpcore.LocalProtocolError: httpx.LocalProtocolError,
    httpcore.RemoteProtocolError: httpx.RemoteProtocolError,
}


@contextmanager
def _as_httpx_errors() -> Iterator[None]:
    """httpcore's exceptions raised as httpx's, as httpx's own transport does."""
    try:
        yield
    except Exception as error:
        mapped = next((_HTTPX_ERRORS[k] for k in type(error).__mro__ if k in _HTTPX_ERRORS), None)
        if mapped is None:
            raise
        raise mapped(str(error)) from error


class _Body(httpx.SyncByteStream):
    """An httpcore answer's body as httpx reads it, its errors in httpx's names."""

    def __init__(self, answer: httpcore.Response) -> None:
        self._answer = answer

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx_errors():
            yield from self._answer.iter_stream()

    def close(self) -> None:
        with _as_httpx_errors():
            self._answer.close()


class DeadlineTransport(httpx.BaseTransport):
    """An httpx transport over an httpcore connection pool of deadline-keeping connections.

    The pool has httpx's default limits and TLS settings; no proxy is used.
    """

    def __init__(self) -> None:
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_Backend(),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        sent = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _as_httpx_errors():
            answer = self._pool.handle_request(sent)
        return httpx.Response(
            status_code=answer.status,
            headers=answer.headers,
            stream=_Body(answer),
            extensions=answer.extensions,
        )

    def close(self) -> None:
        with _as_httpx_errors():
            self._pool.close()
