"""What the suite runs against: the fake in process, any base URL, a real Sendcloud account.

A target gives an httpx client for the run and a hook around each example. The
fake starts every example afresh; a server the suite cannot reset (a base URL,
a real account) gets back what the suite created: it deletes its own orders at
the end of each example, and the run sweeps up whatever an example left.

Credentials in the base URL (``http://key:secret@host/...``) are taken out of
it: they serve as the keys when none are given, and the URL is kept without
them, so that nothing the suite prints or writes holds them.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Generator, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

import httpx

from sendcloud_contract.contract.origins import origin, split_credentials
from sendcloud_contract.contract.pacing import Pacer
from sendcloud_contract.contract.transport import DeadlineTransport

__all__ = ["FakeTarget", "HttpTarget", "Target", "sendcloud_account"]

SENDCLOUD_URL = "https://panel.sendcloud.sc/api/v3"
_TIMEOUT = 30.0
# The codings the suite can undo within its size limit.
_ACCEPTED_CODINGS = "gzip, deflate"


class _OwnOriginAuth(httpx.Auth):
    """Basic credentials on requests to the base URL's origin, and on no other."""

    def __init__(self, public_key: str, secret_key: str, base_url: str) -> None:
        self._basic = httpx.BasicAuth(public_key, secret_key)
        self._origin = origin(base_url)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._origin is not None and origin(str(request.url)) == self._origin:
            yield from self._basic.auth_flow(request)
        else:
            yield request


@dataclass
class Target:
    """A service that speaks the Orders API: where it is, who to be, how gently to ask."""

    base_url: str
    public_key: str
    secret_key: str
    integrations: tuple[int, int]
    foreign_integration: int | None = None
    pacer: Pacer | None = None
    read_retries: int = 3
    """How often a read of a new order is repeated while it is missing (asynchronous saving)."""
    retry_delay: float = 0.0
    sleep: Callable[[float], object] = time.sleep
    cleans_up: bool = True
    """Delete the orders an example created when it ends (a target that cannot be reset)."""

    def __post_init__(self) -> None:
        if len(set(self.integrations)) != 2:
            raise ValueError("the suite needs two distinct integrations of the account")
        if self.foreign_integration in self.integrations:
            raise ValueError("the foreign integration must not belong to the account")
        self.base_url, user, password = split_credentials(self.base_url)
        self.public_key = self.public_key or user or ""
        self.secret_key = self.secret_key or password or ""

    def client(self) -> httpx.Client:
        """The client for the whole run: credentials for the base URL's origin only, and
        every request kept to the deadline the suite sets around it."""
        return httpx.Client(
            auth=_OwnOriginAuth(self.public_key, self.secret_key, self.base_url),
            timeout=_TIMEOUT,
            transport=DeadlineTransport(),
            headers={"accept-encoding": _ACCEPTED_CODINGS},
        )

    def example(self) -> AbstractContextManager[object]:
        """Entered around each example; nothing to do for a shared server."""
        return nullcontext()


class HttpTarget(Target):
    """Any base URL over HTTP: the fake under ``sendcloud-contract serve``, a proxy, a service."""


@dataclass
class FakeTarget(Target):
    """The project's fake through respx: in process, fast, a fresh fake for every example.

    ``factory`` builds the fake (a subclass works too) with the accounts and
    ``options`` (``visibility_delay``, ``rate_limit``, ``clock``...).
    """

    base_url: str = ""
    public_key: str = "contract-public-key"
    secret_key: str = "contract-secret-key"
    integrations: tuple[int, int] = (1, 2)
    foreign_integration: int | None = 3
    cleans_up: bool = False
    factory: Callable[..., Any] | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    current: Any = None

    def __post_init__(self) -> None:
        from sendcloud_contract.fake import BASE_URL, FakeSendcloud

        super().__post_init__()
        self.base_url = self.base_url or BASE_URL
        self.factory = self.factory or FakeSendcloud

    def fresh(self) -> Any:
        """A new fake: this account, and another one owning the foreign integration."""
        from sendcloud_contract.fake import Account

        accounts = [Account(self.public_key, self.secret_key, integrations=self.integrations)]
        if self.foreign_integration is not None:
            accounts.append(
                Account("other-public-key", "other-secret-key", (self.foreign_integration,))
            )
        assert self.factory is not None
        return self.factory(accounts=accounts, **self.options)

    @contextmanager
    def example(self) -> Iterator[object]:
        """Entered around each example: a fresh fake, routed through respx."""
        from sendcloud_contract.fake import respx_router

        self.current = self.fresh()
        with respx_router(self.current, base_url=self.base_url):
            yield self.current


def sendcloud_account(env: Mapping[str, str] | None = None) -> HttpTarget:
    """A real Sendcloud account from the environment; opt-in, paced, patient on reads.

    ``SENDCLOUD_PUBLIC_KEY``, ``SENDCLOUD_SECRET_KEY``, ``SENDCLOUD_INTEGRATIONS`` (two
    ids, comma-separated), optionally ``SENDCLOUD_FOREIGN_INTEGRATION`` and
    ``SENDCLOUD_BASE_URL``. ``KeyError``/``ValueError`` name what is missing.
    """
    env = os.environ if env is None else env
    missing = [
        name
        for name in ("SENDCLOUD_PUBLIC_KEY", "SENDCLOUD_SECRET_KEY", "SENDCLOUD_INTEGRATIONS")
        if not env.get(name)
    ]
    if missing:
        raise KeyError(f"set {', '.join(missing)} to run the suite against a Sendcloud account")
    ids = tuple(int(part) for part in env["SENDCLOUD_INTEGRATIONS"].split(",") if part.strip())
    if len(ids) != 2:
        raise ValueError("SENDCLOUD_INTEGRATIONS needs two integration ids, e.g. 41,68")
    foreign = env.get("SENDCLOUD_FOREIGN_INTEGRATION")
    return HttpTarget(
        base_url=env.get("SENDCLOUD_BASE_URL", SENDCLOUD_URL),
        public_key=env["SENDCLOUD_PUBLIC_KEY"],
        secret_key=env["SENDCLOUD_SECRET_KEY"],
        integrations=(ids[0], ids[1]),
        foreign_integration=int(foreign) if foreign else None,
        pacer=Pacer(),
        read_retries=5,
        retry_delay=1.0,
    )
