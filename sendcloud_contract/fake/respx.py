"""The fake behind respx: code that talks httpx to Sendcloud reaches the fake instead.

Three ways in, from the most to the least managed::

    with mock_sendcloud() as fake:            # a fresh fake, routed for the block
        ...
    with respx_router(fake) as router:        # a router of your own, with the fake mounted
        router.get("https://example.com/").respond(204)
    mount(respx_mock, fake)                   # onto a router you already have
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from sendcloud_contract.extras import needs_extra
from sendcloud_contract.fake.core import BASE_URL, FakeSendcloud

with needs_extra("the fake's respx adapter (mock_sendcloud, mount, respx_router)"):
    import httpx
    import respx

__all__ = ["mock_sendcloud", "mount", "respx_router"]


def _responder(fake: FakeSendcloud, root: str) -> Callable[[httpx.Request], httpx.Response]:
    def respond(request: httpx.Request) -> httpx.Response:
        reply = fake.handle(
            request.method,
            str(request.url),
            request.headers.multi_items(),
            request.read(),
            root=root,
        )
        if reply.stall is not None:
            raise httpx.ReadTimeout("the Sendcloud fake did not answer (injected)", request=request)
        return httpx.Response(reply.status, headers=reply.header_items(), content=reply.content)

    return respond


def mount(
    router: respx.MockRouter, fake: FakeSendcloud, *, base_url: str = BASE_URL
) -> respx.Route:
    """Route every request under ``base_url`` on ``router`` to ``fake``; returns the route."""
    base = base_url.rstrip("/")
    root = urlsplit(base).path
    route = router.route(url__regex=re.escape(base) + r"(?:[/?#]|$)")
    route.side_effect = _responder(fake, root)
    return route


def respx_router(
    fake: FakeSendcloud | None = None,
    *,
    base_url: str = BASE_URL,
    assert_all_mocked: bool = True,
) -> respx.MockRouter:
    """A new respx router with the fake mounted; use it as a context manager or decorator.

    ``assert_all_called`` is off: a test that never reaches Sendcloud is no failure.
    """
    router = respx.MockRouter(assert_all_called=False, assert_all_mocked=assert_all_mocked)
    mount(router, fake if fake is not None else FakeSendcloud(), base_url=base_url)
    return router


@contextmanager
def mock_sendcloud(
    fake: FakeSendcloud | None = None,
    *,
    base_url: str = BASE_URL,
    assert_all_mocked: bool = True,
) -> Iterator[FakeSendcloud]:
    """Route httpx traffic for ``base_url`` to a fake for the block; yields the fake."""
    fake = fake if fake is not None else FakeSendcloud()
    with respx_router(fake, base_url=base_url, assert_all_mocked=assert_all_mocked):
        yield fake
