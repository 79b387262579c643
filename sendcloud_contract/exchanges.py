"""One checker of an exchange: an operation of the Orders API, the request sent, the answer.

The plugin's request check, recordings and the proxy judge traffic here, so a
request or an answer means the same thing to each of them. Each part of an
exchange (the list query, the request body, the answer's body) is checked
against the kind the operations table gives it, by :func:`~sendcloud_contract.validate`
(the contract, then the domain rules). Front ends only word and place what is
found: a recording points into its file, the proxy names the exchange.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from sendcloud_contract.loading import LoadProblem, load_bytes
from sendcloud_contract.pointers import MISSING
from sendcloud_contract.report import Report, Severity, Violation
from sendcloud_contract.validation import validate, validate_documents

if TYPE_CHECKING:
    from sendcloud_contract.operations import Operation
    from sendcloud_contract.schemas import Kind

__all__ = [
    "Checked",
    "Content",
    "Finding",
    "Part",
    "Query",
    "Verdict",
    "check_exchange",
    "check_request",
    "check_response",
    "finding_violation",
]

Part = Literal["query", "request", "response"]
Finding = Literal["missing-body", "unexpected-body", "undocumented-status"]
Query = Mapping[str, str | list[str]]


@dataclass(frozen=True)
class Content:
    """A body that was sent: ``data`` as it went over the wire, or, when a recording holds
    the body as a JSON value itself, that ``value`` (``parsed``).

    A body that is there but cannot be read (bad base64, an unknown
    ``Content-Encoding``) is not ``readable``: it is not judged, and whoever
    read it says why. No body at all is ``None`` where a ``Content`` is asked for.
    """

    data: bytes = b""
    value: Any = None
    parsed: bool = False
    readable: bool = True


@dataclass(frozen=True)
class Checked:
    """One part of an exchange as checked.

    ``kind`` is what the part was checked as (``None``: the contract documents
    no body for it). ``value`` is the JSON value that was checked, or
    :data:`~sendcloud_contract.pointers.MISSING`. ``finding`` is what is wrong
    with the exchange itself: a body expected and not sent, a body sent where
    none is documented, a status the operation does not document.
    ``problems`` say why a body is not JSON, ``violations`` what the contract
    and the rules found; both point into the part (the body, or the query's
    parameters), with the line and column of a body sent as bytes.
    """

    part: Part
    kind: Kind | None
    value: Any = MISSING
    finding: Finding | None = None
    problems: tuple[Violation, ...] = ()
    violations: tuple[Violation, ...] = ()

    @property
    def side(self) -> Literal["request", "response"]:
        return "response" if self.part == "response" else "request"

    def report(self, path: str | None = None) -> Report:
        """The part as a payload report: loading problems first, then the violations in
        the order of their place in the body (as ``validate_documents`` gives them)."""
        ordered = sorted(self.violations, key=lambda v: (v.line or 0, v.column or 0))
        return Report(self.kind or "unknown", [*self.problems, *ordered], path=path)


@dataclass(frozen=True)
class Verdict:
    """An exchange judged: its operation, the status answered (``None``: the answer was not
    judged) and each part that was checked."""

    operation: Operation
    status: int | None
    parts: tuple[Checked, ...]

    def part(self, name: Part) -> Checked | None:
        return next((p for p in self.parts if p.part == name), None)

    def violations(self) -> Iterator[tuple[Checked, Violation]]:
        """Every finding, problem and violation, with the part it is in."""
        for part in self.parts:
            if part.finding is not None:
                yield part, finding_violation(self.operation, self.status, part)
            for violation in (*part.problems, *part.violations):
                yield part, violation

    @property
    def ok(self) -> bool:
        """True when nothing is an error; warnings alone keep an exchange conforming."""
        return all(v.severity is not Severity.ERROR for _, v in self.violations())


def check_request(
    operation: Operation,
    *,
    query: Query | None,
    body: Content | None,
    allow_unknown_fields: bool = False,
    current: Mapping[str, Any] | None = None,
) -> tuple[Checked, ...]:
    """The request's parts: its list query (``query`` None: not judged) and its body;
    ``current``, for a PATCH, the stored order the body is merged into
    (:func:`~sendcloud_contract.validation.validate`)."""
    parts = []
    if operation.query_kind is not None and query is not None:
        report = validate(
            dict(query), operation.query_kind, allow_unknown_fields=allow_unknown_fields
        )
        parts.append(
            Checked("query", operation.query_kind, dict(query), violations=tuple(report.violations))
        )
    if operation.request_kind is not None:
        parts.append(_body("request", operation.request_kind, body, allow_unknown_fields, current))
    return tuple(parts)


def check_response(
    operation: Operation,
    status: int,
    body: Content | None,
    *,
    allow_unknown_fields: bool = False,
) -> Checked:
    """The answer's body, checked as the kind its status answers with."""
    kind, documented = operation.response_kind(status)
    if not documented:
        return Checked("response", None, finding="undocumented-status")
    if kind is None:
        sent = body is not None
        return Checked("response", None, finding="unexpected-body" if sent else None)
    return _body("response", kind, body, allow_unknown_fields)


def check_exchange(
    operation: Operation,
    *,
    query: Query | None = None,
    request: Content | None = None,
    status: int | None = None,
    response: Content | None = None,
    allow_unknown_fields: bool = False,
) -> Verdict:
    """Judge one exchange: the request's parts, then the answer (``status`` None: no
    answer to judge)."""
    parts = check_request(
        operation, query=query, body=request, allow_unknown_fields=allow_unknown_fields
    )
    if status is not None:
        answer = check_response(
            operation, status, response, allow_unknown_fields=allow_unknown_fields
        )
        parts = (*parts, answer)
    return Verdict(operation, status, parts)


def _body(
    part: Part,
    kind: Kind,
    body: Content | None,
    allow_unknown_fields: bool,
    current: Mapping[str, Any] | None = None,
) -> Checked:
    if body is None:
        return Checked(part, kind, finding="missing-body")
    if not body.readable:
        return Checked(part, kind)
    if body.parsed:
        report = validate(
            body.value, kind, allow_unknown_fields=allow_unknown_fields, current=current
        )
        return Checked(part, kind, body.value, violations=tuple(report.violations))
    documents = load_bytes(body.data, fmt="json")
    document = documents[0]
    if document.fatal:
        problems = tuple(_problem(p) for p in document.problems)
        return Checked(part, kind, problems=problems)
    # validate_documents places each violation at its line and column in the body, and
    # puts the loading problems (a duplicate key, say) first.
    report = validate_documents(
        documents, kind, allow_unknown_fields=allow_unknown_fields, current=current
    )
    found = len(document.problems)
    problems, located = tuple(report.violations[:found]), tuple(report.violations[found:])
    return Checked(part, kind, document.value, None, problems, located)


def _problem(problem: LoadProblem) -> Violation:
    return Violation(
        problem.pointer,
        problem.message,
        problem.rule,
        hint=problem.hint,
        line=problem.line,
        column=problem.column,
    )


_HINTS = {
    "request": "Send the JSON body the operation takes.",
    "response": "The operation answers this status with a body; check what the server sent.",
}


def finding_violation(operation: Operation, status: int | None, part: Checked) -> Violation:
    """A finding about the exchange itself, worded for traffic (``exchange.*`` rules).

    Recordings word the same findings their own way (``recording.*``), as their
    readers have always seen them.
    """
    side = part.side
    if part.finding == "missing-body":
        return Violation(
            "",
            f"the {side} has no body, but {part.kind} was expected",
            "exchange.missing-body",
            hint=_HINTS[side],
        )
    if part.finding == "unexpected-body":
        return Violation(
            "",
            f"a {status} answer of {operation.key} has no body, but one was sent",
            "exchange.unexpected-body",
            hint="Sendcloud sends no content with this status.",
        )
    documented = ", ".join(str(code) for code in operation.responses)
    return Violation(
        "",
        f"{operation.key} has no documented answer {status}; its body is not checked",
        "exchange.undocumented-status",
        Severity.WARNING,
        hint=f"Documented: {documented}.",
    )
