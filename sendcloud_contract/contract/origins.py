"""Where a URL leads (its origin), and URLs as the suite prints them: without credentials.

Credentials go only to the origin of the base URL. A URL may carry credentials
of its own (``http://user:secret@host/``): the base URL's are taken out and
used as credentials, and any URL the suite prints has them masked.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

__all__ = ["Origin", "origin", "redact", "split_credentials"]

Origin = tuple[str, str, int]

_DEFAULT_PORTS = {"http": 80, "https": 443}
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*:)?//[^/?#]*@")


def origin(url: str) -> Origin | None:
    """Scheme, host and port (the default one filled in); None for a URL without a host."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if not parts.hostname or scheme not in _DEFAULT_PORTS:
        return None
    return scheme, _ascii_host(parts.hostname), port or _DEFAULT_PORTS[scheme]


def _ascii_host(host: str) -> str:
    """The host as it goes on the wire: ``bücher.example`` is ``xn--bcher-kva.example``."""
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return host.lower()


def redact(url: str) -> str:
    """``url`` with any user name and password masked: ``http://***@host/...``."""
    return _USERINFO.sub(lambda m: (m.group(1) or "") + "//***@", url, count=1)


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """The URL without its user name and password, and the two (percent-decoded)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None, None
    host = parts.netloc.rpartition("@")[2]
    bare = urlunsplit(SplitResult(parts.scheme, host, parts.path, parts.query, parts.fragment))
    user = unquote(parts.username) if parts.username is not None else None
    password = unquote(parts.password) if parts.password is not None else None
    return bare, user, password
