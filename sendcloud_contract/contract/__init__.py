"""The upsert contract suite: generated orders replayed against any Orders API target.

``run(target, settings)`` checks the named :data:`LAWS` against the fake in
process (:class:`FakeTarget`), any base URL (:class:`HttpTarget`) or a real
account (:func:`sendcloud_account`), and returns :class:`Verdicts`.
:class:`SendcloudContractTest` is the same suite as a ``unittest.TestCase``.
"""

from __future__ import annotations

from sendcloud_contract.extras import needs_extra

with needs_extra("sendcloud_contract.contract"):
    from sendcloud_contract.contract.client import (
        DEFAULT_REQUEST_TIMEOUT,
        DeadlinePassed,
        TargetUnreachable,
    )
    from sendcloud_contract.contract.laws import LAWS, LawBroken
    from sendcloud_contract.contract.pacing import DEFAULT_MAX_RETRY_AFTER, Pacer, RateLimit
    from sendcloud_contract.contract.runner import (
        DEFAULT_DEADLINE,
        DEFAULT_EXAMPLES,
        DEFAULT_STEPS,
        RunSettings,
        Status,
        Verdict,
        Verdicts,
        run,
    )
    from sendcloud_contract.contract.targets import (
        FakeTarget,
        HttpTarget,
        Target,
        sendcloud_account,
    )
    from sendcloud_contract.contract.testcase import SendcloudContractTest

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_EXAMPLES",
    "DEFAULT_MAX_RETRY_AFTER",
    "DEFAULT_REQUEST_TIMEOUT",
    "DEFAULT_STEPS",
    "LAWS",
    "DeadlinePassed",
    "FakeTarget",
    "HttpTarget",
    "LawBroken",
    "Pacer",
    "RateLimit",
    "RunSettings",
    "SendcloudContractTest",
    "Status",
    "Target",
    "TargetUnreachable",
    "Verdict",
    "Verdicts",
    "run",
    "sendcloud_account",
]
