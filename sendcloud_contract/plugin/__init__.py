"""The pytest plugin's parts, one module per concept; ``sendcloud_contract.pytest_plugin``
is the module pytest loads (entry point ``sendcloud``).

The types a test meets are exported here, for annotations::

    from sendcloud_contract.plugin import FakeHandle, FreshFakes, Validator

    def test_push(sendcloud_fake: FakeHandle) -> None: ...

``FakeHandle`` is what ``sendcloud_fake``, ``sendcloud_server`` and a
``sendcloud_fakes.fresh()`` block give; ``Validator`` is ``sendcloud_validator``;
``FreshFakes`` is ``sendcloud_fakes``; ``Settings`` is ``sendcloud_settings``;
``SendcloudSetup`` is what a ``pytest_sendcloud_configure`` hook receives.

Nothing here imports the validator, the fake or an HTTP library at import
time, and the names above are imported on first use: a session that uses none
of the fixtures pays only for the modules pytest loads.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sendcloud_contract.plugin.fixtures import FreshFakes
    from sendcloud_contract.plugin.handle import FakeHandle, Validator
    from sendcloud_contract.plugin.hookspec import ExtraRule, SendcloudSetup
    from sendcloud_contract.plugin.options import Settings

__all__ = ["ExtraRule", "FakeHandle", "FreshFakes", "SendcloudSetup", "Settings", "Validator"]

_HOMES = {
    "ExtraRule": "sendcloud_contract.plugin.hookspec",
    "FakeHandle": "sendcloud_contract.plugin.handle",
    "FreshFakes": "sendcloud_contract.plugin.fixtures",
    "SendcloudSetup": "sendcloud_contract.plugin.hookspec",
    "Settings": "sendcloud_contract.plugin.options",
    "Validator": "sendcloud_contract.plugin.handle",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
