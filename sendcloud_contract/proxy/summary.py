"""The summary the proxy writes when it stops, in the format ``--format`` names.

Every format says the same: how many exchanges and what became of them, the
violations by operation (each naming its exchange, as the log did), the
exchanges no operation matched, and the contract coverage (operations and
statuses seen, and documented statuses never seen).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from sendcloud_contract.operations import OPERATIONS
from sendcloud_contract.proxy.messages import shown
from sendcloud_contract.proxy.tally import Found, Tally

__all__ = ["RENDERERS", "headline"]


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def headline(tally: Tally, upstream: str) -> str:
    """``sendcloud-contract proxy: 7 exchanges with URL: 5 ok, 1 broke the contract, ...``"""
    parts = [
        f"{tally.count('ok')} ok",
        f"{tally.count('invalid')} broke the contract",
        f"{tally.count('unmatched')} unmatched",
        f"{tally.count('no-answer')} without an answer from the upstream",
    ]
    if tally.blocked:
        parts.append(f"{tally.blocked} of them blocked")
    if tally.refused:
        parts.append(f"{_count(tally.refused, 'request')} refused by the proxy (limits)")
    return (
        f"sendcloud-contract proxy: {_count(tally.exchanges, 'exchange')} with {upstream}: "
        + ", ".join(parts)
    )


def _found_line(item: Found) -> str:
    violation = item.violation
    text = (
        f"  #{item.exchange} {item.part} {shown(violation.pointer or '/')}: "
        f"{violation.severity.value}: {shown(violation.message)} [{violation.rule}]"
    )
    if violation.hint:
        text += f"\n      hint: {shown(violation.hint)}"
    return text


def _operations(tally: Tally) -> list[tuple[str, str, int, int, list[Found]]]:
    """Each operation that was called: key, name, calls, broken exchanges, violations."""
    return [
        (
            op.key,
            op.name,
            tally.calls[op.key],
            tally.broken.get(op.key, 0),
            tally.found.get(op.key, []),
        )
        for op in OPERATIONS
        if tally.calls.get(op.key)
    ]


def render_text(tally: Tally, upstream: str) -> str:
    lines = [headline(tally, upstream)]
    for key, name, calls, broken, found in _operations(tally):
        verdict = f"{broken} broke the contract" if broken else "all kept to the contract"
        lines.append(f"{key} ({name}): {_count(calls, 'exchange')}, {verdict}")
        lines.extend(_found_line(item) for item in found)
    if tally.unmatched:
        lines.append(f"unmatched: {_count(len(tally.unmatched), 'exchange')}")
        lines.extend(
            f"  #{u.exchange} {u.method} {u.path} {u.status}: {u.reason}" for u in tally.unmatched
        )
    lines.append("contract coverage (the upstream's answers):")
    lines.extend("  " + line for line in tally.coverage.table())
    return "\n".join(lines) + "\n"


def render_json(tally: Tally, upstream: str) -> str:
    document: dict[str, Any] = {
        "upstream": upstream,
        "exchanges": tally.exchanges,
        "ok": tally.count("ok"),
        "invalid": tally.count("invalid"),
        "unmatched": tally.count("unmatched"),
        "no_answer": tally.count("no-answer"),
        "blocked": tally.blocked,
        "operations": [
            {
                "operation": key,
                "name": name,
                "exchanges": calls,
                "invalid": broken,
                "violations": [item.as_dict() for item in found],
            }
            for key, name, calls, broken, found in _operations(tally)
        ],
        "unmatched_exchanges": [u.as_dict() for u in tally.unmatched],
        "coverage": tally.coverage.as_dict(),
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n"


def render_junit(tally: Tally, upstream: str) -> str:
    """One test case per operation called (a failure when an exchange broke the contract),
    one for the unmatched exchanges; the coverage table as the suite's output."""
    import xml.etree.ElementTree as ET

    operations = _operations(tally)
    suite = ET.Element(
        "testsuite",
        name="sendcloud-contract proxy",
        tests=str(len(operations) + bool(tally.unmatched)),
        failures=str(sum(1 for op in operations if op[3])),
        errors="0",
        skipped="0",
    )
    for key, _name, calls, broken, found in operations:
        case = ET.SubElement(suite, "testcase", classname="sendcloud-contract.proxy", name=key)
        text = shown("\n".join(_found_line(item) for item in found))
        if broken:
            failure = ET.SubElement(
                case,
                "failure",
                message=f"{broken} of {_count(calls, 'exchange')} broke the contract",
                type="ContractViolation",
            )
            failure.text = text
        elif found:
            ET.SubElement(case, "system-out").text = text
    if tally.unmatched:
        case = ET.SubElement(
            suite, "testcase", classname="sendcloud-contract.proxy", name="unmatched"
        )
        ET.SubElement(case, "system-out").text = shown(
            "\n".join(f"#{u.exchange} {u.method} {u.path} {u.status}" for u in tally.unmatched)
        )
    coverage = [headline(tally, upstream), *tally.coverage.table()]
    ET.SubElement(suite, "system-out").text = shown("\n".join(coverage))
    suites = ET.Element("testsuites", name="sendcloud-contract")
    suites.append(suite)
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )


def _escaped(text: str) -> str:
    """A workflow command's message: %, CR and LF escaped so that it stays one line."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def render_github(tally: Tally, upstream: str) -> str:
    """A workflow annotation per violation, then the headline and the coverage table."""
    lines = []
    for key, _name, _calls, _broken, found in _operations(tally):
        for item in found:
            violation = item.violation
            message = (
                f"#{item.exchange} {key} {item.part} {violation.pointer or '/'}: "
                f"{violation.message}"
            )
            if violation.hint:
                message += f" (hint: {violation.hint})"
            title = _escaped(f"sendcloud-contract {violation.rule}").replace(",", "%2C")
            lines.append(
                f"::{violation.severity.value} title={title.replace(':', '%3A')}::"
                + _escaped(message)
            )
    for u in tally.unmatched:
        lines.append(
            "::notice title=sendcloud-contract unmatched::"
            + _escaped(f"#{u.exchange} {u.method} {u.path} {u.status}: {u.reason}")
        )
    lines.append(headline(tally, upstream))
    lines.extend(tally.coverage.table())
    return "\n".join(lines) + "\n"


RENDERERS: dict[str, Callable[[Tally, str], str]] = {
    "text": render_text,
    "json": render_json,
    "junit": render_junit,
    "github": render_github,
}
