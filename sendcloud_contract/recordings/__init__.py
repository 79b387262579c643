"""Recorded traffic (VCR.py cassettes, HAR archives, the project's own JSON form) checked
against the contract, one interaction at a time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sendcloud_contract.recordings.files import (
    RECORDING,
    RECORDING_SUFFIXES,
    read_recording,
    validate_loaded,
    validate_path,
    validate_recording,
)
from sendcloud_contract.recordings.formats import RECORDING_FORMATS, RecordingFormat, detect, read

if TYPE_CHECKING:
    from sendcloud_contract.recordings.interaction import Body, Interaction, Problem
    from sendcloud_contract.recordings.recorder import Recorder
    from sendcloud_contract.recordings.simple import as_simple

__all__ = [
    "RECORDING",
    "RECORDING_FORMATS",
    "RECORDING_SUFFIXES",
    "Body",
    "Interaction",
    "Problem",
    "Recorder",
    "RecordingFormat",
    "as_simple",
    "detect",
    "read",
    "read_recording",
    "validate_loaded",
    "validate_path",
    "validate_recording",
]


def __getattr__(name: str) -> Any:
    """The interaction types, the writer and the recorder, imported when first asked for
    (``validate`` runs without them)."""
    if name in ("Body", "Interaction", "Problem"):
        from sendcloud_contract.recordings import interaction

        return getattr(interaction, name)
    if name == "as_simple":
        from sendcloud_contract.recordings.simple import as_simple

        return as_simple
    if name == "Recorder":
        from sendcloud_contract.recordings.recorder import Recorder

        return Recorder
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
