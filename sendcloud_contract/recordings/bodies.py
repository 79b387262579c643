"""Recorded bodies to bytes: text, base64 and ``Content-Encoding`` (gzip, deflate).

VCR.py keeps what the server sent, so a gzip answer is recorded compressed;
HAR stores bodies already decoded, and compressed only by tools that get
it wrong, which the gzip magic number shows.

A few kilobytes of gzip (twice gzip, say) can inflate to gigabytes, so bodies
are inflated a piece at a time and never beyond :class:`Inflation`'s limits:
one body no larger than the loader reads (``DEFAULT_MAX_BYTES``), all bodies of
one recording together no larger than ``DEFAULT_MAX_TOTAL``.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any, Literal

from sendcloud_contract.loading import DEFAULT_MAX_BYTES
from sendcloud_contract.recordings.interaction import Body, Problem, Side
from sendcloud_contract.report import Severity

__all__ = [
    "DEFAULT_MAX_TOTAL",
    "Inflation",
    "TooLarge",
    "decode_base64",
    "decode_body",
    "inflate",
    "undo_coding",
]

_GZIP_MAGIC = b"\x1f\x8b"
DEFAULT_MAX_TOTAL = 10 * DEFAULT_MAX_BYTES
Decoding = Literal["declared", "sniffed", "none"]


class TooLarge(Exception):
    """A body inflates to more bytes than allowed; ``limit`` is the bound it passed."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} bytes")
        self.limit = limit


@dataclass
class Inflation:
    """How far the bodies of one recording may inflate: each alone, and all together."""

    per_body: int = DEFAULT_MAX_BYTES
    total: int = DEFAULT_MAX_TOTAL
    spent: int = 0

    def limit(self) -> int:
        return max(0, min(self.per_body, self.total - self.spent))


def decode_body(
    raw: str | bytes,
    at: str,
    side: Side,
    encodings: list[str],
    *,
    decoding: Decoding,
    problems: list[Problem],
    inflation: Inflation | None = None,
) -> Body | None:
    """The body at ``at``: ``None`` when empty, not ``readable`` when it cannot be decoded.

    ``encodings`` are the ``Content-Encoding`` header values; ``decoding``
    says whether to trust them (VCR), only act on gzip data that announces
    itself (HAR), or leave the body as written (the project's own form).
    ``inflation`` is shared by the bodies of one recording (a fresh one otherwise).
    """
    if inflation is None:
        inflation = Inflation()
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if not data:
        return None
    names = [n.strip().lower() for value in encodings for n in value.split(",") if n.strip()]
    if decoding == "none" or not names:
        return Body(at, data)
    if decoding == "sniffed" and not data.startswith(_GZIP_MAGIC):
        return Body(at, data)
    for name in reversed(names):
        try:
            decoded = undo_coding(name, data, inflation.limit())
        except TooLarge as error:
            problems.append(_too_large(names, error.limit, inflation, at, side))
            return Body(at, readable=False)
        if isinstance(decoded, str):
            problems.append(_problem(name, decoded, at, side))
            return Body(at, readable=False)
        data = decoded
    inflation.spent += len(data)
    return Body(at, data)


def undo_coding(name: str, data: bytes, limit: int) -> bytes | str:
    """The data with one content coding removed, or why that failed; TooLarge past ``limit``.

    "unsupported" is the reason for a coding other than gzip, deflate and identity.
    """
    if name == "identity":
        return data
    if name in ("gzip", "x-gzip"):
        try:
            return _gunzip(data, limit)
        except zlib.error as error:
            return f"the body is not valid gzip data ({error})"
    if name == "deflate":
        try:
            return inflate(data, zlib.MAX_WBITS, limit)[0]
        except zlib.error:
            try:
                return inflate(data, -zlib.MAX_WBITS, limit)[0]
            except zlib.error as error:
                return f"the body is not valid deflate data ({error})"
    return "unsupported"


def inflate(data: bytes, wbits: int, limit: int) -> tuple[bytes, bytes]:
    """One zlib stream of ``data`` inflated, and the bytes after it.

    At most ``limit + 1`` bytes are ever produced: past ``limit``, :class:`TooLarge`.
    A stream cut short is a ``zlib.error``.
    """
    inflater = zlib.decompressobj(wbits)
    out = bytearray()
    pending = data
    while True:
        out += inflater.decompress(pending, limit + 1 - len(out))
        if len(out) > limit:
            raise TooLarge(limit)
        pending = inflater.unconsumed_tail
        if inflater.eof or not pending:
            break
    if not inflater.eof:
        raise zlib.error("the data ends before the end of the compressed stream")
    return bytes(out), inflater.unused_data


def _gunzip(data: bytes, limit: int) -> bytes:
    """Every gzip member of ``data``, together no larger than ``limit``; zero padding may follow."""
    out = bytearray()
    rest = data
    while rest:
        if not rest.startswith(_GZIP_MAGIC):
            if out and not rest.strip(b"\0"):
                break
            raise zlib.error(f"not a gzip member at byte {len(data) - len(rest)}")
        try:
            member, rest = inflate(rest, 16 + zlib.MAX_WBITS, limit - len(out))
        except TooLarge:
            raise TooLarge(limit) from None
        out += member
    return bytes(out)


def _too_large(names: list[str], limit: int, inflation: Inflation, at: str, side: Side) -> Problem:
    coding = ", ".join(names)
    if limit < inflation.per_body:
        what = (
            f"the recording's bodies inflate to more than {inflation.total} bytes together "
            f"(this one is Content-Encoding {coding}); it is not checked"
        )
    else:
        what = (
            f"the body inflates to more than {limit} bytes (Content-Encoding {coding}); "
            "it is not checked"
        )
    return Problem(
        "recording.too-large",
        what,
        "A body this large is no Orders API answer; re-record it, or check that the "
        "recording was not tampered with.",
        at,
        side,
    )


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
