"""The fixtures' object types are public, in ``pytest_sendcloud``, for annotations."""

from __future__ import annotations

import pytest

import pytest_sendcloud
from tests.plugin.helpers import Run

TYPED_TESTS = """
from __future__ import annotations

from pytest_sendcloud import FakeHandle, FreshFakes, Settings, Validator


def test_fixture_types(
    sendcloud_fake: FakeHandle,
    sendcloud_server: FakeHandle,
    sendcloud_fakes: FreshFakes,
    sendcloud_validator: Validator,
    sendcloud_settings: Settings,
) -> None:
    assert isinstance(sendcloud_fake, FakeHandle)
    assert isinstance(sendcloud_server, FakeHandle)
    assert isinstance(sendcloud_fakes, FreshFakes)
    assert isinstance(sendcloud_validator, Validator)
    assert isinstance(sendcloud_settings, Settings)
    with sendcloud_fakes.fresh() as fake:
        assert isinstance(fake, FakeHandle)
"""


def test_the_fixtures_give_the_exported_types(pytester: pytest.Pytester, run: Run) -> None:
    pytester.makeconftest(
        """
        from pytest_sendcloud import SendcloudSetup

        def pytest_sendcloud_configure(setup):
            assert isinstance(setup, SendcloudSetup)
        """
    )
    pytester.makepyfile(TYPED_TESTS)

    run().assert_outcomes(passed=1)


def test_every_exported_name_resolves_and_nothing_else_does() -> None:
    for name in pytest_sendcloud.__all__:
        assert getattr(pytest_sendcloud, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'FakeSendcloud'"):
        _ = pytest_sendcloud.FakeSendcloud
