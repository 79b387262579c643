"""Validate the interactions of a recording against the contract, side by side.

Each interaction whose path is an Orders API route is matched to its
operation (``sendcloud_contract.operations``): the request body is checked as
the operation's request kind, a list query as ``order-list-query``, the
response body as the kind its status answers with. Other routes are counted
and left alone.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import replace
from typing import Any

from sendcloud_contract import operations
from sendcloud_contract.loading import Document, load_bytes
from sendcloud_contract.operations import Operation
from sendcloud_contract.recording_report import InteractionPlace
from sendcloud_contract.recordings.credentials import credential_problems
from sendcloud_contract.recordings.interaction import Body, Interaction, Problem, Side
from sendcloud_contract.recordings.shape import child
from sendcloud_contract.report import Severity, Violation
from sendcloud_contract.schemas import Kind
from sendcloud_contract.validation import validate

__all__ = ["check_interaction", "problem_violation"]


class _Context:
    """What every violation of one interaction shares: its place in the file and the options."""

    def __init__(
        self,
        interaction: Interaction,
        document: Document,
        allow_unknown_fields: bool,
        broken: Collection[str],
    ) -> None:
        self.interaction = interaction
        self.document = document
        self.allow_unknown_fields = allow_unknown_fields
        self.broken = broken

    def reported(self, side: Side) -> bool:
        """Whether loading the file already found this side broken (then it is not judged)."""
        side_at = child(self.interaction.at, side)
        return any(p == side_at or p.startswith(side_at + "/") for p in self.broken)

    def place(self, side: Side | None) -> InteractionPlace:
        return InteractionPlace(
            self.interaction.index, self.interaction.method, self.interaction.path, side
        )

    def at(self, violation: Violation, where: str, side: Side | None) -> Violation:
        line, column = self.document.locate(where) or (None, None)
        return replace(violation, line=line, column=column, interaction=self.place(side))

    def problem(self, problem: Problem) -> Violation:
        return problem_violation(problem, self.document, self.place(problem.side))

    def error(
        self, rule: str, message: str, hint: str, where: str, side: Side, *, warning: bool = False
    ) -> Violation:
        """A ``recording.*`` finding; like every problem of the recording, its pointer
        points into the recording, not into a body."""
        severity = Severity.WARNING if warning else Severity.ERROR
        found = Violation(pointer=where, message=message, rule=rule, severity=severity, hint=hint)
        return self.at(found, where, side)


def problem_violation(
    problem: Problem, document: Document, place: InteractionPlace | None
) -> Violation:
    """A problem of the recording itself, pointed at in the recording (its ``pointer``)."""
    line, column = document.locate(problem.at) or (None, None)
    return Violation(
        pointer=problem.at,
        message=problem.message,
        rule=problem.rule,
        severity=problem.severity,
        hint=problem.hint,
        line=line,
        column=column,
        interaction=place,
    )


def check_interaction(
    interaction: Interaction,
    document: Document,
    *,
    root: str = operations.API_ROOT,
    allow_unknown_fields: bool = False,
    broken: Collection[str] = (),
) -> tuple[bool, list[Violation]]:
    """Whether the interaction is an Orders API call, and what is wrong with it.

    Credentials are flagged on every interaction, Orders API or not. ``broken``
    are the pointers where loading the file found problems.
    """
    context = _Context(interaction, document, allow_unknown_fields, broken)
    found = [context.problem(p) for p in interaction.problems]
    found.extend(context.problem(p) for p in credential_problems(interaction))
    matched = operations.match(interaction.path, root) if interaction.url else None
    if matched is None:
        return False, found
    operation = matched.operation(interaction.method)
    if operation is None:
        found.append(
            context.error(
                "recording.unknown-operation",
                f"the Orders API has no operation {interaction.method} {matched.route}",
                "Only " + ", ".join(o.key for o in operations.OPERATIONS) + " are checked.",
                interaction.url_at,
                "request",
                warning=True,
            )
        )
        return True, found
    found.extend(_request(context, operation))
    found.extend(_response(context, operation))
    return True, found


def _request(context: _Context, operation: Operation) -> Iterator[Violation]:
    interaction = context.interaction
    if operation.query_kind is not None:
        report = validate(
            dict(interaction.query),
            operation.query_kind,
            allow_unknown_fields=context.allow_unknown_fields,
        )
        for violation in report.violations:
            yield context.at(violation, interaction.url_at, "request")
    if operation.request_kind is not None:
        yield from _body(context, interaction.request_body, operation.request_kind, "request")


def _response(context: _Context, operation: Operation) -> Iterator[Violation]:
    interaction = context.interaction
    status = interaction.status
    if status is None:
        return
    body = interaction.response_body
    where = body.at if body is not None else interaction.response_at
    if status in operation.responses:
        kind = operation.responses[status]
    elif 400 <= status < 500:
        kind = "errors"  # Sendcloud answers every client error with a JSON:API document
    else:
        yield context.error(
            "recording.undocumented-status",
            f"{operation.key} has no documented answer {status}; its body is not checked",
            "Documented: " + ", ".join(str(code) for code in operation.responses) + ".",
            where,
            "response",
            warning=True,
        )
        return
    if kind is None:
        if body is not None and not body.empty:
            yield context.error(
                "recording.unexpected-body",
                f"a {status} answer of {operation.key} has no body, but one was recorded",
                "Sendcloud sends no content with this status.",
                where,
                "response",
            )
        return
    yield from _body(context, body, kind, "response")


def _body(context: _Context, body: Body | None, kind: Kind, side: Side) -> Iterator[Violation]:
    interaction = context.interaction
    if body is not None and not body.readable:
        return  # a problem already says why it cannot be read
    if (body is None or body.empty) and not context.reported(side):
        where = interaction.url_at if side == "request" else interaction.response_at
        yield context.error(
            "recording.missing-body",
            f"the {side} has no body, but {kind} was expected",
            "Record the body, or check that the recording tool did not drop it.",
            body.at if body is not None else where,
            side,
        )
    if body is None or body.empty:
        return
    problems, value, usable = _parsed(context, body, side)
    yield from problems
    if not usable:
        return
    report = validate(value, kind, allow_unknown_fields=context.allow_unknown_fields)
    for violation in report.violations:
        where = body.at + violation.pointer if body.embedded else body.at
        yield context.at(violation, where, side)


def _parsed(context: _Context, body: Body, side: Side) -> tuple[list[Violation], Any, bool]:
    """The body's loading problems, its JSON value, and whether there is one to check."""
    if body.embedded:
        return [], body.value, True
    document = load_bytes(body.data, fmt="json")[0]
    found = []
    for problem in document.problems:
        where = f" (line {problem.line}, column {problem.column} of the body)"
        message = problem.message + (where if problem.line is not None else "")
        violation = Violation(problem.pointer, message, problem.rule, hint=problem.hint)
        found.append(context.at(violation, body.at, side))
    return found, document.value, not document.fatal
