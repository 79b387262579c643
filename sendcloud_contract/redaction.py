"""What a report may show of a payload's text: shortened, and never a credential whole.

Payloads, fixtures and recordings end up in CI logs and annotations, and a file may hold a
token by mistake (or be a link to a credentials file). Every place that echoes a value into
a message, a hint or a report goes through :func:`shorten`, which masks what looks like a
credential: a Basic or Bearer token, a URL's user name and password, a ``key=value`` secret,
a token of a known shape (``sk_live_...``, ``ghp_...``, a JWT, a private key), and a long
random-looking key (32 or more hex digits with letters among them, or 32 or more letters,
digits and ``+_=-`` that mix upper and lower case and digits).
"""

from __future__ import annotations

import functools
import re

__all__ = ["MASK", "redact", "shorten"]

MASK = "****"

_SCHEME_TOKEN = r"\b(?:[Bb]earer|[Bb]asic|[Tt]oken|[Dd]igest)\s+(?P<token>[^\s'\"]{8,})"
_USERINFO = r"[A-Za-z][A-Za-z0-9+.-]*://(?P<userinfo>[^/?#\s@'\"]+)@"
_NAMED_SECRET = (
    r"(?i:api[_-]?key|apikey|secret(?:[_-]?key)?|passw(?:or)?d|access[_-]?token|token)"
    r"['\"]?\s*[:=]\s*['\"]?(?P<named>[^\s'\",;&]{6,})"
)
_KNOWN_SHAPE = (
    r"(?P<known>\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{8,}"
    r"|\bgh[pousr]_[A-Za-z0-9]{20,}|\bgithub_pat_\w{20,}|\bxox[abprs]-[A-Za-z0-9-]{10,}"
    r"|\bAKIA[0-9A-Z]{16}\b|\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*"
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----[^-]*)"
)
_RANDOM = r"(?P<random>(?<![\w+=-])[A-Za-z0-9+_=-]{32,}(?![\w+=-]))"

_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


@functools.cache
def _credentials() -> re.Pattern[str]:
    """Compiled when a report first shows a value: compiling it costs every start-up more
    than most runs spend showing values."""
    return re.compile("|".join((_SCHEME_TOKEN, _USERINFO, _NAMED_SECRET, _KNOWN_SHAPE, _RANDOM)))


def _random_looking(text: str) -> bool:
    """Digits mixed with letters: hex digits, or letters of both cases."""
    if not any(c.isdigit() for c in text):
        return False
    upper, lower = any(c.isupper() for c in text), any(c.islower() for c in text)
    return (upper and lower) or ((upper or lower) and _HEX_DIGITS.issuperset(text))


def _mask(match: re.Match[str]) -> str:
    whole, secret = match.group(), match.lastgroup
    if secret == "known":
        return whole[:4] + MASK
    if secret is None or (secret == "random" and not _random_looking(whole)):
        return whole
    start, end = match.span(secret)
    return whole[: start - match.start()] + MASK + whole[end - match.start() :]


def redact(text: str) -> str:
    """``text`` with every credential-looking part replaced by :data:`MASK`."""
    return _credentials().sub(_mask, text)


def shorten(text: str, limit: int = 60) -> str:
    """``text`` redacted, then cut to ``limit`` characters (``...`` marks the cut)."""
    text = redact(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."
