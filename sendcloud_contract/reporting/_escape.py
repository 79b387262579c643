"""Untrusted text made safe to print: file names, keys and values come from the payloads.

A file name with a newline would forge report lines, one with ANSI escapes would drive the
terminal, and XML 1.0 cannot hold most control characters even escaped. Such characters
are written as visible escapes (``\\n``, ``\\x1b``), undecodable bytes of a file name
(Python's surrogate escapes) as the byte (``\\xff``).
"""

from __future__ import annotations

import re

from sendcloud_contract import _lazy

__all__ = ["encodable", "visible"]

# C0 and C1 controls, DEL, bidirectional overrides and isolates, lone surrogates, and the
# two code points XML 1.0 excludes.
_UNSAFE = _lazy.pattern("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
_SURROGATE = _lazy.pattern("[\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return _NAMED.get(char) or f"\\x{code:02x}"
    return f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every unsafe character written as a visible escape."""
    if text.isprintable():  # the common case; every unsafe character is unprintable
        return text
    return _UNSAFE.sub(_escape, text)


def encodable(text: str) -> str:
    """``text`` with only its lone surrogates escaped, for formats that escape the rest."""
    if text.isprintable():
        return text
    return _SURROGATE.sub(_escape, text)
