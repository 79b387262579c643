"""Rewrite sendcloud_contract/data/iso.json from pycountry's ISO 3166 and ISO 4217 data.

The validator reads that snapshot instead of importing pycountry, which costs a CLI run about
a tenth of a second. tests/test_iso_data.py fails when the snapshot and pycountry disagree;
then run: .venv/bin/python scripts/regenerate_iso_data.py
"""

from __future__ import annotations

import json
from pathlib import Path

import pycountry

TARGET = Path(__file__).resolve().parent.parent / "sendcloud_contract" / "data" / "iso.json"


def snapshot() -> dict[str, object]:
    """The codes, each list written as one space-separated string: parsing a few hundred
    strings instead of five thousand is most of what reading the file costs a CLI run."""
    subdivisions: dict[str, list[str]] = {}
    for subdivision in pycountry.subdivisions:
        country, _, local = subdivision.code.partition("-")
        subdivisions.setdefault(country, []).append(local)
    return {
        "source": f"pycountry {pycountry.__version__}",
        "countries": " ".join(sorted(c.alpha_2 for c in pycountry.countries)),
        "currencies": " ".join(sorted(c.alpha_3 for c in pycountry.currencies)),
        "subdivisions": {k: " ".join(sorted(v)) for k, v in sorted(subdivisions.items())},
    }


if __name__ == "__main__":
    TARGET.write_text(json.dumps(snapshot(), separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {TARGET}")
