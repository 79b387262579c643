"""The wheel is self-contained: installed outside the source tree, it finds its schemas."""

from __future__ import annotations

import json
import shutil
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.helpers import ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the built wheel installed into it (no network)."""
    work = tmp_path_factory.mktemp("packaging")
    dist = work / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("sendcloud_contract-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    fresh_site = Path(
        sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)})
    )
    # Dependencies come from this test environment, so the install needs no network;
    # the package itself comes only from the wheel.
    (fresh_site / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(venv / "bin" / "python"),
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    return venv


def _printed(installed: Path, code: str, cwd: Path) -> list[str]:
    """The lines ``code`` prints, run by the fresh environment's Python outside the tree."""
    probe = subprocess.run(
        [str(installed / "bin" / "python"), "-c", code],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return probe.stdout.splitlines()


def test_installed_package_comes_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    module_file, schema_dir = _printed(
        installed,
        "import sendcloud_contract, sendcloud_contract.schemas as s; "
        "print(sendcloud_contract.__file__); print(s.schema_dir())",
        tmp_path,
    )
    assert Path(module_file).is_relative_to(installed)
    assert Path(schema_dir).is_relative_to(installed)
    assert (Path(schema_dir) / "order.schema.json").is_file()
    assert (Path(module_file).parent / "py.typed").is_file()


def test_installed_wheel_registers_its_pytest_plugin(installed: Path, tmp_path: Path) -> None:
    entry_point, module_file = _printed(
        installed,
        "import importlib.metadata as m, pytest_sendcloud; "
        "(e,) = [e for e in m.entry_points(group='pytest11') if e.name == 'sendcloud']; "
        "print(e.value); print(pytest_sendcloud.__file__)",
        tmp_path,
    )
    assert entry_point == "pytest_sendcloud.plugin"
    assert Path(module_file).is_relative_to(installed)
    assert (Path(module_file).parent / "py.typed").is_file()


def test_installed_cli_validates_outside_the_source_tree(installed: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    bad = tmp_path / "bad.json"
    shutil.copy(ROOT / "examples" / "valid" / "international-order.json", good)
    shutil.copy(ROOT / "examples" / "invalid" / "integer-id.json", bad)
    script = installed / "bin" / "sendcloud-contract"
    done = subprocess.run(
        [str(script), "validate", str(good)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    done = subprocess.run(
        [str(script), "validate", str(bad)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "Input should be a valid string" in done.stdout


def test_installed_drift_reads_the_shipped_deviations(installed: Path, tmp_path: Path) -> None:
    """The deviations file ships beside the schemas: drift of the contract's own document is 0."""
    document = tmp_path / "contract.json"
    probe = subprocess.run(
        [
            str(installed / "bin" / "python"),
            "-c",
            "import json, sys; from sendcloud_contract.drift import contract_openapi; "
            "json.dump(contract_openapi(), open(sys.argv[1], 'w'))",
            str(document),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.returncode == 0
    done = subprocess.run(
        [str(installed / "bin" / "sendcloud-contract"), "drift", "--format", "json", str(document)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    # Each shipped entry is about Sendcloud's document: against the contract's own, all are stale.
    assert report["summary"]["drift"] == 0
    assert report["summary"]["stale"] > 0
    assert all(
        "_schemas/v3/orders/deviations.yaml" in s["location"]["file"] for s in report["stale"]
    )
