"""Fixtures for the fake's tests: one suite, run through respx and through the ASGI app."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from sendcloud_contract.fake import BASE_URL, FakeSendcloud, ManualClock, asgi_app, mock_sendcloud
from tests.fake.helpers import ALICE, ASGI_BASE_URL, BOB, START, Api, ASGIClientTransport, Seen


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def fake(clock: ManualClock) -> FakeSendcloud:
    return FakeSendcloud([ALICE, BOB], clock=clock, ids=itertools.count(1))


@pytest.fixture(params=["respx", "asgi"])
def api(request: pytest.FixtureRequest, fake: FakeSendcloud) -> Iterator[Api]:
    """The same fake reached through respx or through the ASGI app."""
    if request.param == "respx":
        with mock_sendcloud(fake):
            api = Api("respx", fake, BASE_URL, None, Seen())
            yield api
            api.close()
    else:
        transport = ASGIClientTransport(asgi_app(fake))
        api = Api("asgi", fake, ASGI_BASE_URL, transport, Seen())
        try:
            yield api
        finally:
            api.close()
            transport.close()
