"""Test-session settings shared by the whole suite."""

from __future__ import annotations

import os

from hypothesis import settings

from tests.doc_examples import DOCS

# Reproducible in CI: fixed seed, no example database, enough examples to mean something.
settings.register_profile("ci", max_examples=300, derandomize=True, database=None, deadline=None)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Every example of README.md and docs/ is a test item (tests/doc_examples.py says how each runs).
pytest_collect_file = DOCS.pytest()
