"""The pytest plugin of sendcloud-contract (entry point ``sendcloud``), one module per
concept; :mod:`pytest_sendcloud.plugin` is the module pytest loads.

The types a test meets are exported here, for annotations::

    from pytest_sendcloud import FakeHandle, FreshFakes, Validator

    def test_push(sendcloud_fake: FakeHandle) -> None: ...

``FakeHandle`` is what ``sendcloud_fake``, ``sendcloud_server`` and a
``sendcloud_fakes.fresh()`` block give; ``Validator`` is ``sendcloud_validator``;
``FreshFakes`` is ``sendcloud_fakes``; ``Settings`` is ``sendcloud_settings``;
``SendcloudSetup`` is what a ``pytest_sendcloud_configure`` hook receives.
``sendcloud_live``'s types are in :mod:`pytest_sendcloud.live`, loaded only by a
test that asks for it.

Loading the plugin imports pytest and these modules, nothing of the validator, the fake
or an HTTP library: the fixtures and hooks import those when a test first needs them,
so a session that uses none of it pays next to nothing.
"""

from __future__ import annotations

from pytest_sendcloud.fixtures import FreshFakes
from pytest_sendcloud.handle import FakeHandle, Validator
from pytest_sendcloud.hookspec import ExtraRule, SendcloudSetup
from pytest_sendcloud.options import Settings

__all__ = [
    "ExtraRule",
    "FakeHandle",
    "FreshFakes",
    "SendcloudSetup",
    "Settings",
    "Validator",
]
