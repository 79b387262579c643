"""Validate payloads against the contract: one path for every payload.

A value that no parser made is first checked for a JSON form (:mod:`json_form`); then the
compiled contract's ``is_valid`` answers, and only a value it refuses pays for the walk over
the detailed errors; then the domain rules (:mod:`rules`) run.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import orjson

from sendcloud_contract import json_form, patching, pointers, rules, schemas
from sendcloud_contract.loading import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_DEPTH,
    Document,
    Format,
    LoadProblem,
    load_path,
)
from sendcloud_contract.redaction import shorten
from sendcloud_contract.report import Report, Severity, Violation
from sendcloud_contract.schemas import KINDS, RESPONSE_KINDS, Kind

if TYPE_CHECKING:
    from jsonschema_rs import ValidationError

__all__ = ["detect_kind", "validate", "validate_documents", "validate_file"]

AUTO = "auto"

# Names that shop systems and older Sendcloud guides use for a field the contract spells otherwise.
KNOWN_RENAMES = {
    "order_date": "order_created_at",
    "created": "order_created_at",
    "updated": "order_updated_at",
    "order_status": "status",
    "zip": "postal_code",
    "zipcode": "postal_code",
    "zip_code": "postal_code",
    "postcode": "postal_code",
    "country": "country_code",
    "state": "state_province_code",
    "province": "state_province_code",
    "street": "address_line_1",
    "address": "address_line_1",
    "phone": "phone_number",
    "telephone": "phone_number",
    "qty": "quantity",
    "price": "unit_price",
    "weight_kg": "measurement",
    "integration_id": "integration",
    "service_point_id": "service_point_details",
}

_JSON_TYPE_NAMES = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "array",
    dict: "object",
    type(None): "null",
}


def _json_type(value: Any) -> str:
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def sendcloud_pointer(kind: str, pointer: str) -> str | None:
    """The place of a violation the way Sendcloud's 400 answers write it."""
    if kind == "order-batch":
        parts = pointer.split("/", 2)
        if len(parts) < 2:
            return "/data/attributes/"
        rest = "/" + parts[2] if len(parts) == 3 else ""
        return f"/data/attributes/[{parts[1]}]{rest}"
    if kind == "order":
        return f"/data/attributes/[0]{pointer}"
    if kind == "order-update":
        return f"/data/attributes{pointer}" if pointer else "/data/attributes/"
    return None


@functools.cache
def _query_parameters() -> frozenset[str]:
    return frozenset(schemas.resource(schemas.uri_for("order-list-query"))["properties"])


def detect_kind(value: Any) -> tuple[Kind, str]:
    """Recognise the shape of a payload; returns the kind and why it was chosen."""
    if isinstance(value, json_form.ARRAYS):
        return "order-batch", "a JSON array is a batch of orders (POST /orders body)"
    if not isinstance(value, dict):
        name = _json_type(value)
        article = "an" if name[0] in "aeiou" else "a"
        return "order-batch", f"{article} {name} is no known shape; checked as an order batch"
    if "errors" in value:
        return "errors", "an object with 'errors' is a JSON:API error document"
    if "data" in value:
        data = value["data"]
        if isinstance(data, json_form.ARRAYS):
            if any(isinstance(x, dict) and "order_details" in x for x in data):
                return "order-list-response", "'data' holds full orders (GET /orders answer)"
            if not data:
                return "order-list-response", "'data' is an empty list (GET /orders answer)"
            return "order-batch-response", "'data' holds order ids (POST /orders 201 answer)"
        if isinstance(data, dict) and "order_details" in data:
            return "order-response", "'data' holds one full order (GET /orders/{id} answer)"
        return "order-update-response", "'data' holds one order id (PATCH /orders/{id} answer)"
    query_keys = _query_parameters()
    if value and all(k in query_keys and isinstance(v, str) for k, v in value.items()):
        return "order-list-query", "only GET /orders query parameters with string values"
    if "payment_details" not in value and "order_number" not in value:
        return (
            "order-update",
            "an order without payment_details or order_number reads as a PATCH body; "
            "use --kind order to check it as a full order",
        )
    return "order", "an object with order fields is a single order"


@functools.cache
def _schema_at(location: str | None) -> Any:
    """The schema node an ``absolute_keyword_location`` names (``None`` when unknown)."""
    return schemas.lookup(location) if location else None


def _known_fields(location: str | None) -> dict[str, Any]:
    """The properties of the object schema that holds the keyword at ``location``."""
    parent = _schema_at(location.rsplit("/", 1)[0]) if location else None
    return parent.get("properties", {}) if isinstance(parent, dict) else {}


def _did_you_mean(name: str, known: Sequence[str]) -> str | None:
    """The hint naming the known name that ``name`` most likely stands for, if any."""
    lowered = name.lower()
    match = KNOWN_RENAMES.get(lowered)
    if match not in known:
        match = next((candidate for candidate in known if candidate.lower() == lowered), None)
    if match is None:
        import difflib  # only an invalid payload needs suggestions: a valid run never loads it

        close = difflib.get_close_matches(lowered, known, n=1, cutoff=0.75)
        match = close[0] if close else None
    return f"did you mean '{match}'?" if match else None


_FIELD_HINTS = {
    "country_code": "use the ISO 3166-1 alpha-2 code in upper case, e.g. NL, DE, US",
    "country_of_origin": "use the ISO 3166-1 alpha-2 code in upper case, e.g. NL, CN",
    "state_province_code": "use the ISO 3166-2 subdivision code, e.g. NY or US-NY",
    "image_url": "give an absolute http(s) URL",
    "currency": "use an ISO 4217 code in upper case",
    "page_size": "use a whole number from 1 to 200",
    "integration": "use integration ids separated by commas, e.g. 41,68",
    "sort": "combine integration, order_number, order_created_at, order_updated_at, pk; "
    "prefix '-' for descending",
}

_FORMAT_EXAMPLES = {
    "date-time": "an RFC 3339 date-time such as 2018-02-27T10:00:00.555Z",
    "date": "a date such as 2023-04-28",
    "email": "an e-mail address such as johndoe@example.com",
}


_COSTS_VALUE = "common.schema.json#/$defs/costs/properties/value/"
_COSTS_HINT = "send costs as a decimal string such as '3.99', or null"


def _field_hint(field: str, location: str | None) -> str | None:
    """The hint for a field, by the schema place that refused it: a price's ``value`` is a
    number, a cost's ``value`` a decimal string."""
    if location and _COSTS_VALUE in location:
        return _COSTS_HINT
    return _FIELD_HINTS.get(field)


def _unquoted(value: Any, types: Sequence[str]) -> str | None:
    """The JSON number a string spells when the contract wants a number there; else None."""
    if not isinstance(value, str):
        return None
    try:
        number = orjson.loads(value)
    except orjson.JSONDecodeError:
        return None
    wanted = (int, float) if "number" in types else int if "integer" in types else ()
    if isinstance(number, bool) or not isinstance(number, wanted):
        return None
    return value.strip()


def _short(value: Any) -> str:
    return shorten(repr(value))


def _violation(
    kind: Kind, path: Sequence[str | int], message: str, rule: str, **extra: Any
) -> Violation:
    pointer = pointers.to_pointer(path)
    return Violation(
        pointer=pointer,
        message=message,
        rule=rule,
        sendcloud_pointer=sendcloud_pointer(kind, pointer),
        **extra,
    )


class _Mapper:
    """Turns jsonschema-rs errors into violations for one document of one kind."""

    def __init__(self, kind: Kind, allow_unknown_fields: bool) -> None:
        self.kind = kind
        self.unknown_severity = Severity.WARNING if allow_unknown_fields else Severity.ERROR

    def violations(self, errors: Iterable[ValidationError]) -> list[Violation]:
        return [violation for error in errors for violation in self._one(error)]

    def _one(self, error: ValidationError) -> list[Violation]:
        # The engine's error kinds are told apart by their class names.
        variant, rule, details = type(error.kind).__name__, error.kind.name, error.kind.as_dict()
        path = list(error.instance_path)
        field = next((p for p in reversed(path) if isinstance(p, str)), "")
        value = error.instance
        if variant == "AdditionalProperties":
            known = sorted(_known_fields(error.absolute_keyword_location))
            remove = "remove it; known fields here: " + ", ".join(known)
            return [
                _violation(
                    self.kind,
                    [*path, name],
                    f"unknown field '{name}'",
                    rule,
                    hint=_did_you_mean(name, known) or remove,
                    severity=self.unknown_severity,
                )
                for name in details["unexpected"]
            ]
        if variant == "Required":
            missing = details["property"]
            violation = _violation(
                self.kind,
                path,
                f"missing required field '{missing}'",
                rule,
                hint=_missing_hint(missing, value, _known_fields(error.absolute_keyword_location)),
            )
            target = pointers.to_pointer([*path, missing])
            return [replace(violation, sendcloud_pointer=sendcloud_pointer(self.kind, target))]
        if variant in ("OneOfNotValid", "AnyOf"):
            return self._closest_branch(error, details["context"], path)
        if variant == "OneOfMultipleValid":
            return [
                _violation(
                    self.kind,
                    path,
                    "matches more than one of the allowed alternatives",
                    rule,
                    hint=_one_of_hint(error.absolute_keyword_location),
                )
            ]
        if rule == "maxItems" and self.kind == "order-batch" and not path:
            limit = details["limit"]
            count = len(value) if isinstance(value, json_form.ARRAYS) else "more"
            return [
                _violation(
                    self.kind,
                    path,
                    f"Orders list should have at most {limit} items, not {count}",
                    rules.BATCH_TOO_LARGE.id,
                    hint=rules.BATCH_TOO_LARGE.hint,
                )
            ]
        message, hint = self._describe(error, variant, details, field, value)
        return [_violation(self.kind, path, message, rule, hint=hint)]

    def _describe(
        self,
        error: ValidationError,
        variant: str,
        details: dict[str, Any],
        field: str,
        value: Any,
    ) -> tuple[str, str | None]:
        hint = _field_hint(field, error.absolute_keyword_location)
        if variant == "Type":
            expected = " or ".join(details["types"])
            shown = "" if value is None else f" {_short(value)}"
            message = f"expected {expected}, got {_json_type(value)}{shown}"
            if field == "id" and self.kind in RESPONSE_KINDS:
                return message, (
                    "Sendcloud sends id as an integer in 201 and PATCH answers, "
                    "and as a digit string in list and retrieve answers"
                )
            if field == "id" and isinstance(value, int) and "string" in details["types"]:
                return (
                    "Input should be a valid string",
                    f"Sendcloud answers with an integer id but requests must send it as a string: "
                    f'"{value}"',
                )
            number = _unquoted(value, details["types"])
            if number is not None:
                hint = f"send the number without quotes: {number}"
            elif "string" in details["types"] and isinstance(value, (int, float)):
                hint = f'quote it: "{value}"'
            return message, hint
        if variant == "Enum":
            options = [str(o) for o in details["options"]]
            message = f"{_short(value)} is not one of {', '.join(options)}"
            if isinstance(value, str):
                hint = _did_you_mean(value, options) or hint
            return message, hint
        if variant == "Format":
            name = details["format"]
            wanted = _FORMAT_EXAMPLES.get(name, f"a valid {name}")
            return f"{_short(value)} is not a valid {name}", f"use {wanted}"
        if variant == "Pattern":
            return f"{_short(value)} does not have the expected shape", hint or (
                f"match the pattern {details['pattern']}"
            )
        if variant == "Minimum":
            if field == "quantity":
                return "Input should be greater than 0", "order at least one unit"
            return f"{_short(value)} is less than the minimum of {details['limit']}", hint
        if variant == "ExclusiveMinimum":
            return f"{_short(value)} must be greater than {details['limit']}", hint
        if variant == "Maximum":
            return f"{_short(value)} is more than the maximum of {details['limit']}", hint
        if variant == "MinLength":
            return "must not be empty" if not value else f"{_short(value)} is too short", hint
        if variant == "MaxLength":
            return f"{_short(value)} is longer than {details['limit']} characters", hint
        if variant == "MinItems":
            return f"needs at least {details['limit']} item(s)", hint
        if variant == "MaxItems":
            return f"has {len(value)} items, more than the {details['limit']} allowed", hint
        if variant == "MinProperties":
            return "is empty", "include at least one field to change"
        return error.message, hint

    def _closest_branch(
        self,
        error: ValidationError,
        context: list[list[ValidationError]],
        path: list[str | int],
    ) -> list[Violation]:
        branches = _schema_at(error.absolute_keyword_location)
        distances = [_branch_distance(errors) for errors in context]
        best = distances.index(min(distances))
        tied = [i for i, distance in enumerate(distances) if distance == distances[best]]
        if len(tied) > 1 and all(
            e.kind.name in ("required", "additionalProperties") for i in tied for e in context[i]
        ):
            names = " or ".join(_branch_title(branches, i) for i in tied)
            return [
                _violation(
                    self.kind,
                    path,
                    f"matches none of the alternatives ({names})",
                    error.kind.name,
                    hint=_one_of_hint(error.absolute_keyword_location),
                )
            ]
        note = f"closest alternative: {_branch_title(branches, best)}"
        inner = self.violations(context[best])
        return [replace(v, hint=f"{v.hint}; {note}" if v.hint else note) for v in inner]


def _branch_distance(errors: list[ValidationError]) -> tuple[int, int]:
    """How far an instance is from a branch: fewer errors, deeper errors are closer."""
    return (len(errors), -max((len(e.instance_path) for e in errors), default=0))


def _branch_title(branches: Any, index: int) -> str:
    if isinstance(branches, list) and index < len(branches):
        branch = branches[index]
        if isinstance(branch, dict) and "title" in branch:
            return str(branch["title"])
    return f"alternative {index + 1}"


def _one_of_hint(location: str | None) -> str:
    branches = _schema_at(location)
    requirements = []
    if isinstance(branches, list):
        for branch in branches:
            needed = branch.get("required", []) if isinstance(branch, dict) else []
            if needed:
                requirements.append(" + ".join(f"'{n}'" for n in needed))
    if requirements:
        return "give exactly one of " + " or ".join(requirements)
    return "make it match exactly one alternative"


def _missing_hint(missing: str, value: Any, known: Iterable[str]) -> str | None:
    """Point at a present field that was probably meant to be the missing one."""
    if not isinstance(value, dict):
        return None
    import difflib

    strangers = [key for key in value if key not in known]
    for present in strangers:
        if KNOWN_RENAMES.get(present.lower()) == missing:
            return f"'{present}' is not a contract field: rename it to '{missing}'"
    for present in strangers:
        if difflib.get_close_matches(present.lower(), [missing], n=1, cutoff=0.75):
            return f"'{present}' looks like a misspelling of '{missing}'"
    return None


def _violations(
    value: Any,
    kind: Kind,
    *,
    allow_unknown_fields: bool,
    parsed: bool,
    current: Mapping[str, Any] | None = None,
) -> list[Violation]:
    """Every violation of a value of a kind; ``parsed`` says a parser made it (so it is JSON);
    ``current`` as for :func:`validate`, for a body that breaks nothing on its own."""
    if current is not None and kind != "order-update":
        raise ValueError(
            "current= is the stored order a PATCH body is merged into: it applies to "
            f"kind 'order-update' only, not {kind!r}"
        )
    if not parsed:
        not_json = json_form.problems(value)
        if not_json:
            return _not_json(kind, not_json)
    validator = schemas.compiled(kind)
    try:
        errors = [] if validator.is_valid(value) else list(validator.iter_errors(value))
    except ValueError as error:
        return _unchecked(kind, value, error)
    found = _Mapper(kind, allow_unknown_fields).violations(errors) if errors else []
    found.extend(
        replace(v, sendcloud_pointer=sendcloud_pointer(kind, v.pointer))
        for v in rules.check(kind, value)
    )
    if (
        current is not None
        and isinstance(value, dict)
        and not any(v.severity is Severity.ERROR for v in found)
    ):
        found.extend(patching.merge_violations(current, value, _order_violations))
    return found


def _order_violations(order: Mapping[str, Any]) -> list[Violation]:
    return _violations(order, "order", allow_unknown_fields=False, parsed=False)


def _unchecked(kind: Kind, value: Any, error: ValueError) -> list[Violation]:
    """The engine refused to check ``value``: why, in the JSON-form walk's words when it
    finds the cause, else in the engine's (its own nesting limit, say)."""
    found = json_form.problems(value)
    if found:
        return _not_json(kind, found)
    if "recursion limit" in str(error).lower():
        message = "nested too deeply for the contract engine to check"
        hint = "flatten the structure: no payload of the Orders API nests more than a few levels"
        return [Violation(pointer="", message=message, rule="too-deep", hint=hint)]
    message = f"the value cannot be checked as JSON: {error}"
    return _not_json(kind, [([], message, json_form.DEFAULT_HINT)])


def _not_json(kind: Kind, found: list[json_form.Problem]) -> list[Violation]:
    """Violations for Python values that have no JSON form (a datetime, a set, an int key)."""
    return [_violation(kind, path, message, "not-json", hint=hint) for path, message, hint in found]


def _resolve_kind(kind: str, value: Any) -> tuple[Kind, str | None]:
    if kind == AUTO:
        return detect_kind(value)
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected auto or one of {', '.join(KINDS)}")
    return kind, None


def validate(
    payload: Any,
    kind: str = AUTO,
    *,
    allow_unknown_fields: bool = False,
    strict: bool = False,
    current: Mapping[str, Any] | None = None,
) -> Report:
    """Check an already-parsed payload against the contract and the domain rules.

    ``current``, for a PATCH body (kind ``order-update``), is the stored order as GET
    returns it: the report then also says what merging the body into it would break, at
    the place in the body and in the words of the fake's refusal (:mod:`patching`).
    """
    resolved, reason = _resolve_kind(kind, payload)
    violations = _violations(
        payload, resolved, allow_unknown_fields=allow_unknown_fields, parsed=False, current=current
    )
    report = Report(kind=resolved, violations=violations, kind_reason=reason)
    return report.strict() if strict else report


def _load_violation(problem: LoadProblem, index: int | None) -> Violation:
    return Violation(
        pointer=problem.pointer,
        message=problem.message,
        rule=problem.rule,
        hint=problem.hint,
        line=problem.line,
        column=problem.column,
        document=index,
    )


def _located(violation: Violation, document: Document) -> Violation:
    line, column = document.locate(violation.pointer) or (None, None)
    located = replace(violation, line=line, column=column, document=document.index)
    return _as_written(located, document)


def _as_written(violation: Violation, document: Document) -> Violation:
    """A string the YAML reader took for a boolean (``country_code: NO``) is told to be
    quoted as it was written, not as the value it became."""
    message = violation.message
    if violation.rule != "type" or not message.startswith("expected string"):
        return violation
    if ", got boolean " not in message:
        return violation
    written = document.source_text(violation.pointer)
    if written is None:
        return violation
    return replace(
        violation, hint=f'quote it: "{written}" (unquoted, YAML does not read it as text)'
    )


def validate_documents(
    documents: Sequence[Document],
    kind: str = AUTO,
    *,
    path: str | None = None,
    allow_unknown_fields: bool = False,
    strict: bool = False,
    current: Mapping[str, Any] | None = None,
) -> Report:
    """Check loaded documents (one file's worth) and place every violation at line:column;
    ``current`` as for :func:`validate`."""
    violations: list[Violation] = []
    kinds: list[str] = []
    reasons: list[str] = []
    for document in documents:
        violations.extend(_load_violation(p, document.index) for p in document.problems)
        if document.fatal:
            continue
        resolved, reason = _resolve_kind(kind, document.value)
        kinds.append(resolved)
        if reason:
            reasons.append(reason)
        found = _violations(
            document.value,
            resolved,
            allow_unknown_fields=allow_unknown_fields,
            parsed=True,
            current=current,
        )
        if found:
            located = [_located(v, document) for v in found]
            violations.extend(sorted(located, key=lambda v: (v.line or 0, v.column or 0)))
    distinct = set(kinds)
    if len(distinct) == 1:
        report_kind = kinds[0]
    elif distinct:
        report_kind = "mixed"
    else:
        report_kind = kind if kind != AUTO else "unknown"
    report = Report(
        kind=report_kind,
        violations=violations,
        path=path,
        kind_reason=reasons[0] if len(set(reasons)) == 1 else None,
    )
    return report.strict() if strict else report


def validate_file(
    path: str | os.PathLike[str],
    kind: str = AUTO,
    *,
    fmt: Format | None = None,
    allow_unknown_fields: bool = False,
    strict: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> Report:
    """Load a payload file (JSON, JSON Lines or YAML) and check every document in it."""
    documents = load_path(path, fmt=fmt, max_bytes=max_bytes, max_depth=max_depth)
    return validate_documents(
        documents,
        kind,
        path=os.fspath(path),
        allow_unknown_fields=allow_unknown_fields,
        strict=strict,
    )
