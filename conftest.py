"""Test-session settings shared by the whole suite."""

from __future__ import annotations

import os

from hypothesis import settings

# Reproducible in CI: fixed seed, no example database, enough examples to mean something.
settings.register_profile("ci", max_examples=300, derandomize=True, database=None, deadline=None)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
