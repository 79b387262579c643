"""Write a drifted Orders API document for the demo: the contract, as Sendcloud might change it.

It starts from the contract written as OpenAPI (which drift finds nothing in), then
(1) drops the 401 answers, as Sendcloud's published document does: a known deviation,
listed in ``deviations.yaml`` beside this script; and (2) adds a query parameter
``shipping_method`` to ``GET /orders``: the drift the demo reports.

    python examples/openapi/write_drifted.py build/demo-openapi/drifted.yaml
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from sendcloud_contract.drift import contract_openapi


def drifted() -> dict[str, object]:
    document = contract_openapi()
    for item in document["paths"].values():
        for operation in item.values():
            del operation["responses"]["401"]
    document["paths"]["/orders"]["get"]["parameters"].append(
        {"in": "query", "name": "shipping_method", "schema": {"type": "string"}}
    )
    return document


def main(target: str) -> None:
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(drifted(), sort_keys=False), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
