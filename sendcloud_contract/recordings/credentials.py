"""Unredacted credentials in recorded requests: found, flagged, never printed.

A recording kept in a repository for years should hold no working key.
VCR.py's ``filter_headers=["authorization"]`` removes the header;
placeholders such as ``Basic REDACTED`` or ``Bearer <token>`` are accepted.
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import urlsplit

from sendcloud_contract.recordings.interaction import Interaction, Problem
from sendcloud_contract.report import Severity

__all__ = ["CREDENTIAL_HEADERS", "credential_problems"]

CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization"})
"""The headers whose value is a credential, lower-cased."""
_PLACEHOLDER_WORDS = ("redacted", "filtered", "dummy", "placeholder", "removed", "hidden", "xxx")
_PLACEHOLDER_MARKS = ("*", "<", "{", "$", "…")
_HINT = (
    "Remove or mask credentials before keeping a recording: VCR.py's "
    "filter_headers=['authorization'] (pytest-recording: vcr_config) does it when recording."
)


def _placeholder(secret: str) -> bool:
    lowered = secret.lower()
    return (
        len(secret) < 8
        or len(set(secret.rstrip("="))) <= 1
        or any(word in lowered for word in _PLACEHOLDER_WORDS)
        or any(mark in secret for mark in _PLACEHOLDER_MARKS)
    )


def _basic_is_real(token: str) -> bool:
    try:
        decoded = base64.b64decode(token, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return False
    user, colon, password = decoded.partition(":")
    return bool(colon and user and password) and not _placeholder(password)


def _kind_of(value: str) -> str | None:
    scheme, _, token = value.strip().partition(" ")
    token = token.strip()
    if scheme.lower() == "basic" and _basic_is_real(token):
        return "Basic"
    if scheme.lower() == "bearer" and not _placeholder(token):
        return "Bearer"
    return None


def credential_problems(interaction: Interaction) -> list[Problem]:
    """A warning per unredacted credential in the request; the secret itself stays out."""
    found: list[Problem] = []
    places = interaction.request_header_places
    for index, (name, value) in enumerate(interaction.request_headers):
        if name.lower() in CREDENTIAL_HEADERS:
            kind = _kind_of(value)
            if kind:
                at = places[index] if index < len(places) else interaction.url_at
                message = f"the {name} header holds an unredacted {kind} credential"
                found.append(_warning(message, at))
    if urlsplit(interaction.url).password:
        found.append(_warning("the URL holds a user name and password", interaction.url_at))
    return found


def _warning(message: str, at: str) -> Problem:
    return Problem("recording.credentials", message, _HINT, at, "request", Severity.WARNING)
