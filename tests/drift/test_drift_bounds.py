"""Documents whose references expand without end: shared once, and bounded all the same."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sendcloud_contract.cli import main
from sendcloud_contract.drift import DriftProblem, DriftReport, check_drift
from sendcloud_contract.drift._normalise import Normaliser, Origin
from tests.drift.helpers import write

LEVELS = 7
WIDTH = 10


def chain(name: str, *, back: bool = False) -> dict[str, Any]:
    """Levels of WIDTH properties, each a $ref to the next level: WIDTH**LEVELS leaves inline.

    ``back`` adds to every level a property referring to the first one, a cycle
    through every level, so no level reads the same from everywhere.
    """
    levels = {}
    for n in range(LEVELS):
        following = (
            {"$ref": f"#/components/schemas/{name}{n + 1}"}
            if n + 1 < LEVELS
            else {"type": "string"}
        )
        properties = {f"p{i}": following for i in range(WIDTH)}
        if back:
            properties["back"] = {"$ref": f"#/components/schemas/{name}0"}
        levels[f"{name}{n}"] = {"type": "object", "properties": properties}
    return levels


def document(order: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    """A document whose batch of orders is a list of ``order``."""
    batch = {"type": "array", "items": order}
    body = {"content": {"application/json": {"schema": batch}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "hostile", "version": "1"},
        "paths": {"/orders": {"post": {"requestBody": body, "responses": {}}}},
        "components": {"schemas": schemas},
    }


def test_a_referenced_schema_is_normalised_once_and_shared() -> None:
    schemas = chain("L")

    def resolve(ref: str, base: str, origin: Origin) -> tuple[Any, Origin, str]:
        pointer = ref.removeprefix("#")
        return schemas[pointer.rpartition("/")[2]], Origin("doc", pointer), base

    root = Normaliser(resolve, max_nodes=200).node(
        {"$ref": "#/components/schemas/L0"}, Origin("doc", "/root")
    )
    level1 = {id(node) for node in root.properties.values()}
    assert len(level1) == 1
    level2 = {id(node) for child in root.properties.values() for node in child.properties.values()}
    assert len(level2) == 1


def test_ten_to_the_seventh_inline_leaves_compare_in_a_small_budget(
    tmp_path: Path, no_deviations: Path
) -> None:
    path = write(tmp_path, document({"$ref": "#/components/schemas/L0"}, chain("L")))
    assert path.stat().st_size < 4000
    result = check_drift(str(path), deviations_path=str(no_deviations), max_nodes=500)
    assert isinstance(result, DriftReport), result
    assert any(f.pointer == "/items/properties/p0" for f in result.findings)


def test_all_of_two_expanding_chains_merges_each_pair_once(
    tmp_path: Path, no_deviations: Path
) -> None:
    both = {"allOf": [{"$ref": "#/components/schemas/L0"}, {"$ref": "#/components/schemas/M0"}]}
    path = write(tmp_path, document(both, chain("L") | chain("M")))
    result = check_drift(str(path), deviations_path=str(no_deviations), max_nodes=500)
    assert isinstance(result, DriftReport), result


def test_cycles_through_every_level_stop_at_the_limit_as_a_problem(
    tmp_path: Path, no_deviations: Path
) -> None:
    path = write(tmp_path, document({"$ref": "#/components/schemas/L0"}, chain("L", back=True)))
    result = check_drift(str(path), deviations_path=str(no_deviations), max_nodes=2000)
    assert isinstance(result, DriftProblem)
    assert result.message == "the schemas expand to more than 2000 nodes"
    assert "--max-schema-nodes" in result.hint
    assert result.line is not None
    assert result.pointer.startswith("/components/schemas/L")


def test_the_limit_is_an_option_and_its_problem_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, no_deviations: Path
) -> None:
    path = write(tmp_path, document({"$ref": "#/components/schemas/L0"}, chain("L", back=True)))
    status = main(
        ["drift", str(path), "--deviations", str(no_deviations), "--max-schema-nodes", "1000"]
    )
    err = capsys.readouterr().err
    assert status == 2
    assert "the schemas expand to more than 1000 nodes" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_a_bad_limit_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, value: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["drift", str(tmp_path / "any.yaml"), "--max-schema-nodes", value])
    assert exited.value.code == 2
    assert "argument --max-schema-nodes: expected a" in capsys.readouterr().err
