"""Untrusted text made safe to print: file names, keys and values come from the payloads.

A file name with a newline would forge report lines, one with ANSI escapes would drive the
terminal, and XML 1.0 cannot hold most control characters even escaped. Such characters
are written as visible escapes (``\\n``, ``\\x1b``), undecodable bytes of a file name
(Python's surrogate escapes) as the byte (``\\xff``).
"""

from __future__ import annotations

__all__ = ["encodable", "visible"]

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _unsafe(char: str) -> bool:
    """C0 and C1 controls, DEL, bidirectional overrides and isolates, lone surrogates, and
    the two code points XML 1.0 excludes."""
    return (
        char < " "
        or "\x7f" <= char <= "\x9f"
        or "\u202a" <= char <= "\u202e"
        or "\u2066" <= char <= "\u2069"
        or "\ud800" <= char <= "\udfff"
        or char in "\ufffe\uffff"
    )


def _escape(char: str) -> str:
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
    return "".join(_escape(char) if _unsafe(char) else char for char in text)


def encodable(text: str) -> str:
    """``text`` with only its lone surrogates escaped, for formats that escape the rest."""
    if text.isprintable():
        return text
    return "".join(_escape(char) if "\ud800" <= char <= "\udfff" else char for char in text)
