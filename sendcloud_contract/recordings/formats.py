"""Which recording format a loaded document is, and the reader for each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from sendcloud_contract.recordings.interaction import Interaction, Problem

__all__ = ["RECORDING_FORMATS", "RecordingFormat", "detect", "read"]

RecordingFormat = Literal["vcr-cassette", "har", "recording"]
RECORDING_FORMATS: tuple[RecordingFormat, ...] = ("vcr-cassette", "har", "recording")


def detect(value: Any) -> tuple[RecordingFormat, str] | None:
    """The format of a loaded recording and why, or None when it is no recording.

    Cheap on purpose: every payload file of a ``validate`` run passes here.
    """
    if isinstance(value, dict):
        if isinstance(value.get("interactions"), list):
            return "vcr-cassette", "a mapping with 'interactions' is a VCR.py cassette"
        log = value.get("log")
        if isinstance(log, dict) and "entries" in log:
            return "har", "a mapping with 'log.entries' is a HAR archive"
        return None
    if (
        isinstance(value, list)
        and value
        and isinstance(value[0], dict)
        and "request" in value[0]  # an order batch fails here, without a generator made
        and all(
            isinstance(item, dict) and "request" in item and "response" in item for item in value
        )
    ):
        return "recording", "a list of request/response pairs is a recording"
    return None


def read(fmt: RecordingFormat, value: Any) -> tuple[list[Interaction], list[Problem]]:
    """The interactions of a recording, and what is wrong with its structure.

    The readers are imported here, on the first recording, so that the payload
    files of a ``validate`` run only pay for :func:`detect`.
    """
    if fmt == "vcr-cassette":
        from sendcloud_contract.recordings.vcr import read_cassette

        return read_cassette(value)
    if fmt == "har":
        from sendcloud_contract.recordings.har import read_har

        return read_har(value)
    from sendcloud_contract.recordings.simple import read_simple

    return read_simple(value)
