"""Validate the interactions of a recording against the contract, side by side.

Each interaction whose path is an Orders API route is matched to its
operation (``sendcloud_contract.operations``) and judged by the one checker
of an exchange (``sendcloud_contract.exchanges``): the request body as the
operation's request kind, a list query as ``order-list-query``, the response
body as the kind its status answers with. This module places what it finds
in the recording file. Other routes are counted and left alone.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import replace

from sendcloud_contract import operations
from sendcloud_contract.exchanges import Checked, Content, check_exchange
from sendcloud_contract.loading import Document
from sendcloud_contract.operations import Operation
from sendcloud_contract.recording_report import InteractionPlace
from sendcloud_contract.recordings.credentials import credential_problems
from sendcloud_contract.recordings.interaction import Body, Interaction, Problem, Side
from sendcloud_contract.recordings.shape import child
from sendcloud_contract.report import Severity, Violation

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
    verdict = check_exchange(
        operation,
        query=interaction.query,
        request=_content(interaction.request_body),
        status=interaction.status,
        response=_content(interaction.response_body),
        allow_unknown_fields=context.allow_unknown_fields,
    )
    for part in verdict.parts:
        found.extend(_placed(context, operation, part))
    return True, found


def _content(body: Body | None) -> Content | None:
    """A recorded body as the checker takes it; an empty one is no body."""
    if body is None or body.empty:
        return None
    return Content(body.data, body.value, body.embedded, body.readable)


def _placed(context: _Context, operation: Operation, part: Checked) -> Iterator[Violation]:
    """What the checker found in one part, placed in the recording and worded as
    recordings word it."""
    interaction = context.interaction
    side = part.side
    if part.part == "query":
        for violation in part.violations:
            yield context.at(violation, interaction.url_at, side)
        return
    body = interaction.request_body if side == "request" else interaction.response_body
    where = interaction.url_at if side == "request" else interaction.response_at
    at = body.at if body is not None else where
    if part.finding == "undocumented-status":
        yield context.error(
            "recording.undocumented-status",
            f"{operation.key} has no documented answer {interaction.status}; "
            "its body is not checked",
            "Documented: " + ", ".join(str(code) for code in operation.responses) + ".",
            at,
            side,
            warning=True,
        )
    elif part.finding == "unexpected-body":
        yield context.error(
            "recording.unexpected-body",
            f"a {interaction.status} answer of {operation.key} has no body, but one was recorded",
            "Sendcloud sends no content with this status.",
            at,
            side,
        )
    elif part.finding == "missing-body" and not context.reported(side):
        yield context.error(
            "recording.missing-body",
            f"the {side} has no body, but {part.kind} was expected",
            "Record the body, or check that the recording tool did not drop it.",
            at,
            side,
        )
    for problem in part.problems:
        shown = f" (line {problem.line}, column {problem.column} of the body)"
        message = problem.message + (shown if problem.line is not None else "")
        violation = Violation(problem.pointer, message, problem.rule, hint=problem.hint)
        yield context.at(violation, at, side)
    for violation in part.violations:
        embedded = body is not None and body.embedded
        yield context.at(violation, at + violation.pointer if embedded else at, side)
