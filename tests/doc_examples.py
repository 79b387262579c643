"""Every example in README.md and docs/ runs in the test suite, through Sybil.

Sybil finds the fenced blocks of the Markdown files and makes each a test item;
the evaluators below say what running one means:

- ``python``: executed in a namespace the document's examples share. A block
  that defines test functions (``def test_...``) is a test module a user would
  save in their own project: it is written to a file and run by pytest in a
  subprocess, with the plugin loaded as an installed package loads it.
- ``sh``: each command (lines joined on a trailing backslash) runs in bash and
  must exit 0, or with the status its trailing comment names
  (``# exit status 1``). A command ending in ``&`` is a server: it runs in the
  background until it has printed its first line, the block's later commands
  run while it is up, and it is stopped with Ctrl-C (SIGINT) when the block
  ends, after which it must exit 0.
- ``yaml``: parsed; a pre-commit configuration must name hooks this project
  defines.

Each document runs in a temporary folder holding a copy of ``examples/``, with
this environment's ``bin`` first on ``PATH``; servers listen on loopback only.
An example that cannot run offline (``pip install``) is marked
``<!-- skip: next "reason" -->`` (Sybil's own skip), and the suite reports it
as skipped with that reason. Blocks in other languages (``text`` for output,
``json``, ``toml``) are shown, not run.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sybil import Example, Sybil
from sybil.evaluators.python import PythonEvaluator
from sybil.parsers.markdown import CodeBlockParser, SkipParser

ROOT = Path(__file__).resolve().parent.parent
RUN_LANGUAGES = ("python", "sh", "yaml")
SHOWN_LANGUAGES = ("text", "json", "toml")
COMMAND_SECONDS = 300
SERVER_START_SECONDS = 60
SERVER_STOP_SECONDS = 20
_EXIT_STATUS = re.compile(r"#\s*exit status (\d+)\s*$")
_TEST_FUNCTION = re.compile(r"^(def test_|class Test)", re.MULTILINE)
_SANDBOX = "__sendcloud_docs_sandbox__"


@dataclass
class Sandbox:
    """The temporary folder one document's examples run in."""

    path: Path
    previous: Path
    previous_path: str | None


def setup(namespace: dict[str, Any]) -> None:
    """A fresh folder with a copy of ``examples/``, made the working directory, and this
    environment's commands first on ``PATH`` for the Python examples too (one that starts
    ``sendcloud-contract`` finds it as a user's would)."""
    path = Path(tempfile.mkdtemp(prefix="sendcloud-docs-"))
    shutil.copytree(ROOT / "examples", path / "examples")
    namespace[_SANDBOX] = Sandbox(path, Path.cwd(), os.environ.get("PATH"))
    os.environ["PATH"] = environment()["PATH"]
    os.chdir(path)


def teardown(namespace: dict[str, Any]) -> None:
    sandbox: Sandbox = namespace.pop(_SANDBOX)
    os.chdir(sandbox.previous)
    if sandbox.previous_path is None:
        os.environ.pop("PATH", None)
    else:
        os.environ["PATH"] = sandbox.previous_path
    shutil.rmtree(sandbox.path, ignore_errors=True)


def environment() -> dict[str, str]:
    """This environment's commands first on ``PATH``, Python's output unbuffered."""
    bin_dir = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "PATH": os.pathsep.join([bin_dir, os.environ.get("PATH", "")]),
        "PYTHONUNBUFFERED": "1",
    }


def commands(source: str) -> list[str]:
    """The commands of a shell block: continuation lines joined, blanks and comments left out."""
    found: list[str] = []
    pending = ""
    for line in source.splitlines():
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        command = (pending + line).strip()
        pending = ""
        if command and not command.startswith("#"):
            found.append(command)
    return found


def expected_status(command: str) -> int:
    found = _EXIT_STATUS.search(command)
    return int(found.group(1)) if found else 0


class Server:
    """A command that runs in the background while the rest of its block runs."""

    def __init__(self, command: str, cwd: Path) -> None:
        self.command = command
        self.process = subprocess.Popen(
            ["bash", "-c", f"exec {command}"],
            cwd=cwd,
            env=environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait_until_up(self) -> str:
        """Its first line of output; it must print one before it is used."""
        import selectors

        stdout = self.process.stdout
        assert stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
            if not selector.select(SERVER_START_SECONDS):
                self.stop()
                raise AssertionError(f"{self.command!r} printed nothing within a minute")
        line = stdout.readline()
        if not line:
            _, err = self.process.communicate(timeout=SERVER_STOP_SECONDS)
            raise AssertionError(f"{self.command!r} exited {self.process.returncode}:\n{err}")
        return line

    def stop(self) -> tuple[int, str]:
        """Ctrl-C, as a user stops it; its exit status and what it wrote to stderr."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            _, err = self.process.communicate(timeout=SERVER_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
            return -1, err + "\n(killed: it did not stop on Ctrl-C)"
        return self.process.returncode, err


def run_shell(example: Example) -> None:
    cwd = Path.cwd()
    servers: list[Server] = []
    try:
        for command in commands(str(example.parsed)):
            if command.endswith("&"):
                server = Server(command[:-1].strip(), cwd)
                servers.append(server)
                server.wait_until_up()
                continue
            result = subprocess.run(
                ["bash", "-c", command],
                cwd=cwd,
                env=environment(),
                capture_output=True,
                text=True,
                timeout=COMMAND_SECONDS,
                check=False,
            )
            wanted = expected_status(command)
            assert result.returncode == wanted, (
                f"{command}\nexited {result.returncode}, the example says {wanted}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
            assert "Traceback" not in result.stderr, result.stderr
    finally:
        stopped = [(server.command, *server.stop()) for server in servers]
    for command, status, err in stopped:
        assert status == 0, f"{command}\nexited {status} on Ctrl-C:\n{err}"


def run_test_module(example: Example) -> None:
    """A test module of the docs, run by pytest as a user's project would run it."""
    module = Path.cwd() / f"test_{Path(example.path).stem.replace('-', '_')}_{example.line}.py"
    module.write_text(str(example.parsed), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-W", "error", "-p", "no:randomly",
         "-p", "no:cacheprovider", module.name],
        cwd=module.parent,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=COMMAND_SECONDS,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout, result.stdout
    assert " failed" not in result.stdout, result.stdout


_python = PythonEvaluator()


def run_python(example: Example) -> None:
    if _TEST_FUNCTION.search(str(example.parsed)):
        run_test_module(example)
    else:
        _python(example)


def check_yaml(example: Example) -> None:
    document = yaml.safe_load(str(example.parsed))
    if isinstance(document, dict) and "repos" in document:
        ours = {
            hook["id"] for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
        }
        named = {hook["id"] for repo in document["repos"] for hook in repo["hooks"]}
        assert named <= ours, f"hooks {sorted(named - ours)} are not in .pre-commit-hooks.yaml"


DOCS = Sybil(
    parsers=[
        SkipParser(),
        CodeBlockParser("python", run_python),
        CodeBlockParser("sh", run_shell),
        CodeBlockParser("yaml", check_yaml),
    ],
    path=str(ROOT),
    patterns=["README.md", "docs/*.md"],
    setup=setup,
    teardown=teardown,
)
