"""The fake's data types: who calls, what it answers, and what a listener is told.

A leaf of the fake: the request edge, authentication and the store all use
these values, and this module imports none of them.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from sendcloud_contract.operations import Operation

__all__ = ["JSON", "MAX_INTEGRATION_ID", "Account", "Exchange", "Reply"]

JSON = Any
# The largest integration id there can be (Sendcloud's ids are 64-bit).
MAX_INTEGRATION_ID = 2**63 - 1


@dataclass(frozen=True)
class Account:
    """A Sendcloud account: Basic credentials, the integrations it owns, an optional token.

    ``integrations=None`` (the default) declares none: the account then knows every
    integration id a request names (except ones another account declares), so a new
    user's first order is stored whatever integration it names. Declared integrations
    are strict, as on Sendcloud: any other id is "Integration with id N does not exist".
    """

    public_key: str
    secret_key: str
    integrations: tuple[int, ...] | None = None
    bearer_token: str | None = None

    def __post_init__(self) -> None:
        if not self.public_key or not self.secret_key:
            raise ValueError("an account needs a public key and a secret key")
        if ":" in self.public_key:
            raise ValueError("a public key cannot contain ':' (Basic auth splits on it)")
        if self.integrations is None:
            return
        integrations = tuple(self.integrations)
        if any(
            isinstance(i, bool) or not isinstance(i, int) or not 1 <= i <= MAX_INTEGRATION_ID
            for i in integrations
        ):
            raise ValueError(f"integration ids must be positive integers, not {integrations!r}")
        object.__setattr__(self, "integrations", integrations)

    def knows(self, integration: int, declared: Mapping[int, str]) -> bool:
        """Whether this account's requests may name ``integration``.

        ``declared`` maps the integrations some account declared to its public key: an
        account that declared none knows every id but those.
        """
        if self.integrations is not None:
            return integration in self.integrations
        owner = declared.get(integration, self.public_key)
        return 1 <= integration <= MAX_INTEGRATION_ID and owner == self.public_key


@dataclass(frozen=True)
class Reply:
    """What the fake answers; ``stall`` asks the adapter to behave like a hung server."""

    status: int
    body: JSON = None
    headers: tuple[tuple[str, str], ...] = ()
    stall: float | None = None

    @functools.cached_property
    def content(self) -> bytes:
        return b"" if self.body is None else orjson.dumps(self.body)

    def header_items(self) -> list[tuple[str, str]]:
        """The headers to send, with the content type and length of the body."""
        items = list(self.headers)
        if self.body is not None:
            items.append(("content-type", "application/json"))
            items.append(("content-length", str(len(self.content))))
        return items


@dataclass(frozen=True)
class Exchange:
    """One handled request and the fake's reply, as a listener sees it.

    ``headers`` are the request headers as received; ``json`` is the body
    as the fake parsed it (None when it did not parse one, or for a body of
    ``null``); ``operation`` is None for paths and methods the API does not
    have; ``public_key`` names the account that was authenticated, if any.
    """

    method: str
    url: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: tuple[tuple[str, str], ...]
    body: bytes
    json: JSON
    operation: Operation | None
    reply: Reply
    public_key: str | None

    def header(self, name: str) -> str | None:
        """A request header by case-insensitive name (repeated ones joined by ``", "``)."""
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return ", ".join(values) if values else None
