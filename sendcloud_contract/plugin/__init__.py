"""The pytest plugin's parts, one module per concept; ``sendcloud_contract.pytest_plugin``
is the module pytest loads (entry point ``sendcloud``).

Nothing here imports the validator, the fake or an HTTP library at import
time: a session that uses none of the fixtures pays only for these modules.
"""

from __future__ import annotations

from sendcloud_contract.plugin.handle import FakeHandle, Validator
from sendcloud_contract.plugin.hookspec import SendcloudSetup
from sendcloud_contract.plugin.options import Settings

__all__ = ["FakeHandle", "SendcloudSetup", "Settings", "Validator"]
