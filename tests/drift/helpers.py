"""Helpers of drift's tests: an edited document written to a file, and its schemas."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from sendcloud_contract.drift import DriftReport

Check = Callable[..., DriftReport]


def write(tmp_path: Path, document: dict[str, Any], name: str = "openapi.json") -> Path:
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text(json.dumps(document), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def schemas_of(document: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = document["components"]["schemas"]
    return found
