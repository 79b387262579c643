"""``check_drift``: load, pair, normalise, compare, then sort out the known deviations."""

from __future__ import annotations

from dataclasses import replace

from sendcloud_contract.drift import _deviations
from sendcloud_contract.drift._compare import compare
from sendcloud_contract.drift._model import DriftProblem, DriftReport, Finding, Location
from sendcloud_contract.drift._normalise import (
    DEFAULT_MAX_NODES,
    Origin,
    SchemaError,
    SchemaTooLarge,
)
from sendcloud_contract.drift._shapes import pairs
from sendcloud_contract.drift._sources import (
    OpenApi,
    contract_normaliser,
    contract_origin,
    contract_positions,
)

__all__ = ["check_drift"]


def check_drift(
    document_path: str,
    *,
    deviations_path: str | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> DriftReport | DriftProblem:
    """Compare the contract with an OpenAPI document; a problem when either cannot be read.

    ``deviations_path`` defaults to the deviations file shipped beside the schemas.
    ``max_nodes`` bounds the schema nodes built for the document: a document whose
    references expand beyond it is a problem, not a wait.
    """
    api = OpenApi.load(document_path)
    if isinstance(api, DriftProblem):
        return api
    deviations = _deviations.load(deviations_path or _deviations.default_path())
    if isinstance(deviations, DriftProblem):
        return deviations
    try:
        findings = _findings(api, max_nodes)
    except SchemaError as error:
        line, column = api.locate(error.origin.pointer) or (None, None)
        hint = (
            "Its references expand into more schemas than allowed; raise max_nodes "
            "(--max-schema-nodes) if the document is right."
            if isinstance(error, SchemaTooLarge)
            else "Fix the document at this place; drift reads local references only."
        )
        return DriftProblem(
            error.message,
            hint,
            error.origin.file,
            line,
            column,
            error.origin.pointer,
        )
    marked, stale = _deviations.apply(findings, deviations)
    return DriftReport(document_path, marked, stale)


def _findings(api: OpenApi, max_nodes: int) -> list[Finding]:
    found, findings = pairs(api, max_nodes)
    contract = contract_normaliser()
    for pair in found:
        assert pair.shape.kind is not None  # every pair names the contract's kind
        raw, origin, base = contract_origin(pair.shape.kind)
        findings.extend(compare(contract.node(raw, origin, base), pair.document, pair.shape))
    return [_positioned(f, api) for f in findings]


def _positioned(finding: Finding, api: OpenApi) -> Finding:
    def at(where: Location, position: tuple[int, int] | None) -> Location:
        return where if position is None else replace(where, line=position[0], column=position[1])

    document = at(finding.document, api.locate(finding.document.pointer))
    place = finding.contract
    contract = at(place, contract_positions(Origin(place.file, place.pointer)))
    return replace(finding, document=document, contract=contract)
