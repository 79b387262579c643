"""The pytest plugin's parts, one module per concept; ``sendcloud_contract.pytest_plugin``
is the module pytest loads (entry point ``sendcloud``).

Nothing here imports the validator, the fake or an HTTP library at import
time: a session that uses none of the fixtures pays only for these modules.
The types a test meets are ``plugin.handle.FakeHandle`` and ``Validator``,
``plugin.hookspec.SendcloudSetup`` and ``plugin.options.Settings``.
"""
