"""What the proxy is told: where to forward, and the limits that keep it safe.

Plain values, checked once when the command starts; every part of the proxy
reads them from here.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sendcloud_contract.operations import API_ROOT

__all__ = ["FORMATS", "Limits", "Settings", "Upstream", "is_loopback"]

FORMATS = ("text", "json", "junit", "github")


@dataclass(frozen=True)
class Limits:
    """Timeouts (seconds) and sizes; the defaults are what ``--help`` shows.

    ``idle_timeout``: a client connection that sends nothing for this long is
    closed. ``request_timeout``: a request must arrive whole (head and body)
    this long after its first byte, or it is answered 408. ``max_body_bytes``
    bounds request bodies (413) and answers (502). ``max_connections`` client
    connections are served at once; more wait in the listen backlog.
    """

    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    idle_timeout: float = 30.0
    request_timeout: float = 15.0
    max_body_bytes: int = 10 * 1024 * 1024
    max_connections: int = 64

    @property
    def drain_seconds(self) -> float:
        """How long a stopping proxy waits for the exchanges in flight: the longest one
        can take to arrive and be answered."""
        return self.request_timeout + self.connect_timeout + self.read_timeout + 1.0


@dataclass(frozen=True)
class Upstream:
    """The server requests are forwarded to: its origin, and the path the API lives under."""

    scheme: str
    host: str
    port: int
    root: str

    @classmethod
    def parse(cls, url: str) -> Upstream:
        """The upstream of ``url``; ``ValueError`` says why it cannot be one (without
        repeating the URL, which may hold a secret)."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as error:
            raise ValueError(f"--upstream is not a URL: {error}") from None
        if parts.username is not None or parts.password is not None:
            raise ValueError(
                "--upstream must not hold credentials; the client's Authorization header "
                "is forwarded as it is"
            )
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"--upstream: expected an http(s) URL such as {_EXAMPLE}")
        if parts.query or parts.fragment:
            raise ValueError("--upstream: give the base URL alone, without ? or #")
        root = parts.path.rstrip("/") or API_ROOT
        default = 443 if parts.scheme == "https" else 80
        return cls(parts.scheme, parts.hostname, port or default, root)

    @property
    def origin(self) -> str:
        """``scheme://host[:port]``: the one place credentials are sent to."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        port = "" if self.port == default else f":{self.port}"
        return f"{self.scheme}://{host}{port}"

    @property
    def base_url(self) -> str:
        return self.origin + self.root

    @property
    def exposed(self) -> bool:
        """Whether credentials would cross a network unencrypted to reach it."""
        return self.scheme == "http" and not is_loopback(self.host)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_EXAMPLE = "https://panel.sendcloud.sc/api/v3"


@dataclass(frozen=True)
class Settings:
    """One run of the proxy, as the command line gives it."""

    upstream: Upstream
    host: str = "127.0.0.1"
    port: int = 0
    record: Path | None = None
    report: Path | None = None
    format: str = "text"
    block_invalid: bool = False
    limits: Limits = Limits()
