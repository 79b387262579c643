"""The fixtures: ``sendcloud_validator``, ``sendcloud_fake``, ``sendcloud_server``,
``sendcloud_fakes`` (for Hypothesis), and the overridable ``sendcloud_config``.

The fake, respx and uvicorn are imported inside the fixtures, so that a
session which never asks for them does not load them, and a project that
installed only the base package is told which extra a fixture needs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any

import pytest

from pytest_sendcloud.keys import CURRENT_TEST
from pytest_sendcloud.options import Settings, resolve

if TYPE_CHECKING:
    from pytest_sendcloud.handle import FakeHandle, Validator
    from pytest_sendcloud.hookspec import SendcloudSetup
    from pytest_sendcloud.live import LiveHandle
    from pytest_sendcloud.request_check import RequestCheck
    from pytest_sendcloud.server import LoopbackServer
    from sendcloud_contract.fake import FakeSendcloud, SendcloudASGI

__all__ = [
    "sendcloud_config",
    "sendcloud_fake",
    "sendcloud_fakes",
    "sendcloud_live",
    "sendcloud_server",
    "sendcloud_settings",
    "sendcloud_validator",
]


def fixture_needs(fixture: str, *modules: str) -> None:
    """Fail the test with the extra to install when one of ``modules`` is missing."""
    __tracebackhide__ = True
    from sendcloud_contract.extras import MissingExtra, needs_extra

    try:
        with needs_extra(f"the {fixture} fixture"):
            for module in modules:
                importlib.import_module(module)
    except MissingExtra as error:
        pytest.fail(f"sendcloud: {error}", pytrace=False)


def configured(node: pytest.Item, settings: Settings, fake: FakeSendcloud | None) -> SendcloudSetup:
    from pytest_sendcloud.hookspec import SendcloudSetup

    setup = SendcloudSetup(node=node, settings=settings, fake=fake)
    node.config.hook.pytest_sendcloud_configure(setup=setup)
    return setup


def _request_check(node: pytest.Item, settings: Settings) -> RequestCheck:
    from pytest_sendcloud.record import record_of
    from pytest_sendcloud.request_check import RequestCheck

    return RequestCheck(settings, [], record_of(node.config))


def _fake_maker(
    node: pytest.Item, settings: Settings, check: RequestCheck
) -> Callable[[], FakeSendcloud]:
    """Fresh fakes prepared by the conftest's hook, each watched by ``check``, by the
    test's error answers (and by its recorder under ``--sendcloud-record``)."""
    from pytest_sendcloud.error_answers import error_answers_of
    from pytest_sendcloud.recording import recorder_for
    from sendcloud_contract.fake import Account, FakeSendcloud
    from sendcloud_contract.fake.core import PUBLIC_KEY, SECRET_KEY

    recorder = recorder_for(node)
    answers = error_answers_of(node)

    def make() -> FakeSendcloud:
        fake = FakeSendcloud([Account(PUBLIC_KEY, SECRET_KEY, settings.integrations)])
        check.rules = configured(node, settings, fake).rules
        fake.add_listener(check.watching(fake))
        if recorder is not None:
            fake.add_listener(recorder)
        fake.add_listener(answers)
        return fake

    return make


@pytest.fixture
def sendcloud_config() -> dict[str, Any]:
    """Defaults for this test's sendcloud fixtures: override it in a conftest.

    Keys: ``base_url``, ``strict``, ``validate_requests``, ``integrations`` (declaring
    them makes the fake refuse every other integration id; undeclared, it knows them all).
    Lowest precedence: the sendcloud marker, the ini file and the command line
    override it.
    """
    return {}


@pytest.fixture
def sendcloud_settings(
    request: pytest.FixtureRequest, sendcloud_config: dict[str, Any]
) -> Settings:
    """This test's resolved settings (command line > ini > marker > sendcloud_config)."""
    return resolve(request.config, request.node, sendcloud_config)


@pytest.fixture
def sendcloud_validator(request: pytest.FixtureRequest, sendcloud_settings: Settings) -> Validator:
    """Validate payloads: ``.validate(payload, kind="auto")`` returns a Report,
    ``.assert_valid(payload, kind=...)`` fails the test with the text report.

    Runs the contract, the domain rules and the rules a ``pytest_sendcloud_configure``
    hook added; ``strict`` counts warnings as errors.
    """
    from pytest_sendcloud.handle import Validator
    from pytest_sendcloud.record import record_of

    rules = configured(request.node, sendcloud_settings, None).rules
    return Validator(sendcloud_settings, rules, record_of(request.config))


@pytest.fixture
def sendcloud_fake(
    request: pytest.FixtureRequest, sendcloud_settings: Settings
) -> Iterator[FakeHandle]:
    """A fresh fake Sendcloud account for this test, reached through respx at ``.base_url``
    (https://panel.sendcloud.sc/api/v3 unless configured): httpx code talks to it unchanged.

    ``.auth``, ``.integration_ids``, ``.orders``, ``.seed()``, ``.inject_fault()``,
    ``.still_processing()``, ``.visibility_delay``, ``.fresh()``. Works beside respx_mock.
    """
    from pytest_sendcloud.request_check import checks_of

    fixture_needs("sendcloud_fake", "httpx", "respx")
    check = _request_check(request.node, sendcloud_settings)
    checks_of(request.node).append(check)
    with respx_fake(request.node, sendcloud_settings, check) as handle:
        yield handle


@pytest.fixture(scope="session")
def _sendcloud_loopback() -> Iterator[tuple[LoopbackServer, SendcloudASGI]]:
    """One server for the session (per xdist worker); each test installs its own fake in it."""
    fixture_needs("sendcloud_server", "uvicorn")
    from pytest_sendcloud.server import LoopbackServer
    from sendcloud_contract.fake import FakeSendcloud, SendcloudASGI

    app = SendcloudASGI(FakeSendcloud())
    server = LoopbackServer(app).start()
    try:
        yield server, app
    finally:
        server.stop()


@pytest.fixture
def sendcloud_server(
    request: pytest.FixtureRequest,
    sendcloud_settings: Settings,
    _sendcloud_loopback: tuple[LoopbackServer, SendcloudASGI],
) -> FakeHandle:
    """The fake over HTTP on a loopback port (``.base_url``), for code that does not use
    httpx: requests, urllib, a subprocess, another language.

    One server per session; every test gets a fresh fake in it. Same ``.auth``
    and knobs as sendcloud_fake.
    """
    from pytest_sendcloud.handle import FakeHandle

    server, app = _sendcloud_loopback

    def install(fake: FakeSendcloud) -> None:
        app.fake = fake

    from pytest_sendcloud.request_check import checks_of

    check = _request_check(request.node, sendcloud_settings)
    checks_of(request.node).append(check)
    make = _fake_maker(request.node, sendcloud_settings, check)
    return FakeHandle(server.base_url, sendcloud_settings, make, install)


@pytest.fixture
def sendcloud_live(
    request: pytest.FixtureRequest, sendcloud_settings: Settings
) -> Iterator[LiveHandle]:
    """The fake in CI, a real account with ``--sendcloud-live URL``: ``.base_url``,
    ``.auth``, ``.integration_ids``, ``.order_id(name)`` (this run's prefix), ``.live``.

    Live, every exchange is checked as the fake's are, and the orders the test
    created are deleted after it; only those may be changed.
    """
    from pytest_sendcloud.live import live_handle, live_url

    node, settings = request.node, sendcloud_settings
    fixture_needs("sendcloud_live", "httpx", *(() if live_url(node.config) else ("respx",)))
    check = _request_check(node, settings)
    with live_handle(
        node,
        settings,
        rules=lambda: configured(node, settings, None).rules,
        fake=lambda: respx_fake(node, settings, check),
        fake_check=check,
    ) as handle:
        yield handle


class FreshFakes:
    """``sendcloud_fakes``: a session-wide source of fresh respx fakes, for Hypothesis."""

    def __init__(self, config: pytest.Config) -> None:
        self._config = config

    def fresh(self, **settings: Any) -> AbstractContextManager[FakeHandle]:
        """A fresh fake routed through respx for the block; ``settings`` as in the marker.

        A request that breaks the contract fails the block when it ends.
        """
        fixture_needs("sendcloud_fakes", "httpx", "respx")
        node = self._config.stash.get(CURRENT_TEST, None)
        if node is None:
            raise RuntimeError("sendcloud_fakes.fresh() works only while a test runs")
        return _checked_block(node, resolve(self._config, node, settings))


@contextmanager
def _checked_block(node: pytest.Item, settings: Settings) -> Iterator[FakeHandle]:
    from pytest_sendcloud.request_check import RequestViolation, render_failures

    check = _request_check(node, settings)
    with respx_fake(node, settings, check) as handle:
        yield handle
    failures = check.take()
    if failures:
        raise RequestViolation(render_failures(failures))


@contextmanager
def respx_fake(node: pytest.Item, settings: Settings, check: RequestCheck) -> Iterator[FakeHandle]:
    """A fake routed through a respx router of its own for the block."""
    import respx

    from pytest_sendcloud.handle import FakeHandle
    from sendcloud_contract.fake.respx import mount

    router = respx.MockRouter(assert_all_called=False, assert_all_mocked=True)

    def install(fake: FakeSendcloud) -> None:
        mount(router, fake, base_url=settings.base_url)

    with router:
        yield FakeHandle(settings.base_url, settings, _fake_maker(node, settings, check), install)


@pytest.fixture(scope="session")
def sendcloud_fakes(request: pytest.FixtureRequest) -> FreshFakes:
    """Fresh fakes on demand, for Hypothesis ``@given`` tests (session-scoped, so the
    function-scoped-fixture health check has nothing to object to)::

        @given(orders())
        def test_push(sendcloud_fakes, order):
            with sendcloud_fakes.fresh() as fake:
                ...
    """
    return FreshFakes(request.config)
