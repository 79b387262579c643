"""Recorded bodies to bytes: text, base64 and ``Content-Encoding`` (gzip, deflate).

VCR.py keeps what the server sent, so a gzip answer is recorded compressed;
HAR stores bodies already decoded, and compressed only by tools that get
it wrong, which the gzip magic number shows.
"""

from __future__ import annotations

from typing import Any, Literal

from sendcloud_contract.recordings.interaction import Body, Problem, Side
from sendcloud_contract.report import Severity

__all__ = ["decode_base64", "decode_body"]

_GZIP_MAGIC = b"\x1f\x8b"
Decoding = Literal["declared", "sniffed", "none"]


def decode_body(
    raw: str | bytes,
    at: str,
    side: Side,
    encodings: list[str],
    *,
    decoding: Decoding,
    problems: list[Problem],
) -> Body | None:
    """The body at ``at``: ``None`` when empty, not ``readable`` when it cannot be decoded.

    ``encodings`` are the ``Content-Encoding`` header values; ``decoding``
    says whether to trust them (VCR), only act on gzip data that announces
    itself (HAR), or leave the body as written (the project's own form).
    """
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if not data:
        return None
    names = [n.strip().lower() for value in encodings for n in value.split(",") if n.strip()]
    if decoding == "none" or not names:
        return Body(at, data)
    if decoding == "sniffed" and not data.startswith(_GZIP_MAGIC):
        return Body(at, data)
    for name in reversed(names):
        decoded = _undo(name, data)
        if isinstance(decoded, str):
            problems.append(_problem(name, decoded, at, side))
            return Body(at, readable=False)
        data = decoded
    return Body(at, data)


def _undo(name: str, data: bytes) -> bytes | str:
    """The data with one content coding removed, or why that failed."""
    import zlib

    if name == "identity":
        return data
    if name in ("gzip", "x-gzip"):
        try:
            import gzip

            return gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as error:
            return f"the body is not valid gzip data ({error})"
    if name == "deflate":
        try:
            return zlib.decompress(data)
        except zlib.error:
            try:
                return zlib.decompress(data, -zlib.MAX_WBITS)
            except zlib.error as error:
                return f"the body is not valid deflate data ({error})"
    return "unsupported"


def _problem(name: str, reason: str, at: str, side: Side) -> Problem:
    if reason == "unsupported":
        return Problem(
            "recording.content-encoding",
            f"the body's Content-Encoding {name!r} cannot be decoded here; it is not checked",
            "Record with decode_compressed_response=True, or use gzip or deflate.",
            at,
            side,
            Severity.WARNING,
        )
    return Problem(
        "recording.content-encoding",
        f"{reason}, although Content-Encoding says {name}",
        "Re-record the interaction, or remove the Content-Encoding header if the body "
        "was edited by hand.",
        at,
        side,
    )


def decode_base64(
    text: str, encoding: Any, at: str, side: Side, problems: list[Problem]
) -> bytes | None:
    """A body written as base64 (HAR's ``encoding``, the own form's ``base64``)."""
    import base64
    import binascii

    if encoding != "base64":
        problems.append(
            Problem(
                "recording.shape",
                f"unknown body encoding {encoding!r}; the body is not checked",
                "HAR knows only 'base64' as an encoding of content.text.",
                at,
                side,
                Severity.WARNING,
            )
        )
        return None
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        problems.append(
            Problem(
                "recording.base64",
                "the body is not valid base64",
                "Export the recording again; the base64 text was cut or edited.",
                at,
                side,
            )
        )
        return None
