"""Who is told of each exchange: the listeners, and what went wrong in them.

The pytest plugin (request validation, coverage), recordings and the contract
suite watch the fake through this seam. A listener runs after the reply is
decided and outside every lock; an exception in one never changes the reply:
it is logged and kept in :attr:`Listeners.errors` for whoever watches.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sendcloud_contract.fake.models import Exchange

__all__ = ["Listener", "ListenerError", "Listeners"]

Listener = Callable[[Exchange], object]

_log = logging.getLogger("sendcloud_contract.fake")


@dataclass(frozen=True)
class ListenerError:
    """A listener raised on an exchange; the reply went out unchanged."""

    listener: Listener
    exchange: Exchange
    error: Exception


class Listeners:
    """The registered listeners, called in the order they were added."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []
        self._errors: list[ListenerError] = []

    def add(self, listener: Listener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def remove(self, listener: Listener) -> None:
        """Stop calling ``listener``; ``ValueError`` when it was not added."""
        with self._lock:
            try:
                self._listeners.remove(listener)
            except ValueError:
                raise ValueError(f"{listener!r} is not a listener of this fake") from None

    @property
    def errors(self) -> tuple[ListenerError, ...]:
        with self._lock:
            return tuple(self._errors)

    def clear_errors(self) -> None:
        with self._lock:
            self._errors.clear()

    def tell(self, exchange: Exchange) -> None:
        """Call every listener with ``exchange``; record (and log) what they raise."""
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(exchange)
            except Exception as error:
                _log.exception(
                    "a listener of the Sendcloud fake failed on %s %s",
                    exchange.method,
                    exchange.url,
                )
                with self._lock:
                    self._errors.append(ListenerError(listener, exchange, error))
