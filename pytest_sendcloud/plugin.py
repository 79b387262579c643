"""The pytest plugin (entry point ``sendcloud``): fixtures, marker, options, payload
items, cassette checks, the summary line and contract coverage.

Its parts live in :mod:`pytest_sendcloud`; this module is what pytest
registers. Disable it with ``-p no:sendcloud``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_sendcloud import hookspec
from pytest_sendcloud.fixtures import _sendcloud_loopback as _sendcloud_loopback
from pytest_sendcloud.fixtures import (
    sendcloud_config,
    sendcloud_fake,
    sendcloud_fakes,
    sendcloud_live,
    sendcloud_server,
    sendcloud_settings,
    sendcloud_validator,
)
from pytest_sendcloud.keys import (
    CASSETTES,
    CURRENT_TEST,
    ERROR_ANSWERS,
    PAYLOAD_FILES,
    RECORD,
    REQUEST_CHECKS,
)
from pytest_sendcloud.options import MARKER_HELP, add_options

if TYPE_CHECKING:
    from pytest_sendcloud.collection import PayloadFile

__all__ = [
    "pytest_addhooks",
    "pytest_addoption",
    "pytest_collect_file",
    "pytest_collection_modifyitems",
    "pytest_configure",
    "pytest_runtest_call",
    "pytest_runtest_makereport",
    "pytest_runtest_protocol",
    "pytest_runtest_teardown",
    "pytest_sessionfinish",
    "pytest_terminal_summary",
    "pytest_testnodedown",
    "sendcloud_config",
    "sendcloud_fake",
    "sendcloud_fakes",
    "sendcloud_live",
    "sendcloud_server",
    "sendcloud_settings",
    "sendcloud_validator",
]


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hookspec)


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER_HELP)
    config.stash[PAYLOAD_FILES] = frozenset()
    config.stash[CASSETTES] = bool(
        config.getoption("sendcloud_cassettes") or config.getini("sendcloud_cassettes")
    )
    if config.getoption("sendcloud_payloads") or config.getini("sendcloud_payloads"):
        from pytest_sendcloud.collection import payload_paths

        config.stash[PAYLOAD_FILES] = payload_paths(config)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> PayloadFile | None:
    files = parent.config.stash.get(PAYLOAD_FILES, frozenset())
    if not files or file_path.resolve() not in files:
        return None
    from pytest_sendcloud.collection import collect_payload_file

    return collect_payload_file(file_path, parent)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, items: list[pytest.Item]) -> None:
    """The payload files outside the paths pytest collected become items too."""
    files = session.config.stash.get(PAYLOAD_FILES, frozenset())
    if files:
        from pytest_sendcloud.collection import collect_the_rest

        collect_the_rest(session, files, items)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """Remember the running test, for ``sendcloud_fakes.fresh()`` and its marker."""
    item.config.stash[CURRENT_TEST] = item
    try:
        return (yield)
    finally:
        item.config.stash[CURRENT_TEST] = None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A contract violation's report comes first, then where the test raised it; a test
    that failed otherwise shows the fake's error answers as a section of its report."""
    report = yield
    excinfo = call.excinfo
    if excinfo is not None and report.failed and _is_contract_violation(excinfo.value):
        report.longrepr = _violation_text(item, excinfo)
    elif report.failed and call.when == "call" and ERROR_ANSWERS in item.stash:
        from pytest_sendcloud.error_answers import add_section

        add_section(item, report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    """Fail the test on the requests that broke the contract, even when the code under
    test swallowed the fake's 400; beside a failure of its own, add them as a section."""
    if not item.stash.get(REQUEST_CHECKS, None):
        return (yield)
    from pytest_sendcloud.request_check import RequestViolation, take_failures

    try:
        outcome = yield
    except BaseException:
        failed = take_failures(item)
        if failed:
            item.add_report_section("call", "sendcloud requests", failed)
        raise
    failed = take_failures(item)
    if failed:
        raise RequestViolation(failed)
    return outcome


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """With ``--sendcloud-cassettes``, check the test's cassettes once its fixtures are torn
    down (VCR.py writes a cassette then)."""
    if not item.config.stash.get(CASSETTES, False):
        return (yield)
    from pytest_sendcloud.cassettes import cassette_paths, check_cassettes

    paths = cassette_paths(item)
    outcome = yield
    check_cassettes(item, paths)
    return outcome


def _is_contract_violation(error: BaseException) -> bool:
    from pytest_sendcloud.cassettes import CassetteViolation
    from pytest_sendcloud.request_check import RequestViolation
    from sendcloud_contract.assertions import ContractViolation

    return isinstance(error, (ContractViolation, RequestViolation, CassetteViolation))


def _violation_text(item: pytest.Item, excinfo: pytest.ExceptionInfo[BaseException]) -> str:
    """The report, then the line of the test module that raised it (if the test's frame
    is in the traceback: a request failure found after the test returned has none)."""
    notes = getattr(excinfo.value, "__notes__", [])  # Hypothesis' falsifying example, say
    text = "\n".join([str(excinfo.value), *notes])
    mine = [entry for entry in excinfo.traceback if Path(str(entry.path)) == item.path]
    if not mine:
        return text
    last = mine[-1]
    shown = os.path.relpath(item.path, item.config.invocation_params.dir)
    source = str(last.statement).strip()
    return f"{text}\n\n{shown}:{last.lineno + 1}: in {last.name}\n    {source}"


def pytest_sessionfinish(session: pytest.Session) -> None:
    """An xdist worker hands its record to the controller."""
    workeroutput = getattr(session.config, "workeroutput", None)
    record = session.config.stash.get(RECORD, None)
    if workeroutput is not None and record is not None:
        workeroutput["sendcloud"] = record.as_dict()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """The controller merges what each xdist worker recorded."""
    from pytest_sendcloud.record import record_of

    data = getattr(node, "workeroutput", {}).get("sendcloud")
    if data is not None:
        record_of(node.config).merge(data)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):
        return
    wanted = ("sendcloud_coverage", "sendcloud_coverage_json", "sendcloud_coverage_html")
    if RECORD not in config.stash and not any(config.getoption(name) for name in wanted):
        return
    from pytest_sendcloud.record import record_of
    from pytest_sendcloud.summary import write_coverage

    record = record_of(config)
    if record.payloads or record.requests:
        terminalreporter.write_line(record.summary_line())
    write_coverage(config, record, terminalreporter.write_line)
