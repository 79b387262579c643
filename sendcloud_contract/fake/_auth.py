"""Who is calling: Basic credentials or a Bearer token, and the optional partner id.

Credentials are checked before anything else, even routing, so an
unauthenticated request learns nothing about routes, faults or stored orders.
The partner id is a header of ``POST /orders`` only, as Sendcloud declares it.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import uuid
from collections.abc import Mapping

from sendcloud_contract.fake._errors import Refusal, refuse
from sendcloud_contract.fake.models import Account

__all__ = ["authenticate", "check_partner"]

_CHALLENGE = (("www-authenticate", 'Basic realm="api"'),)


def authenticate(accounts: Mapping[str, Account], headers: Mapping[str, str]) -> Account:
    """Basic auth (public:secret), or a static Bearer token when an account has one.

    ``accounts`` maps public keys to accounts; ``headers`` have lower-case names.
    """
    scheme, _, credentials = headers.get("authorization", "").strip().partition(" ")
    scheme = scheme.lower()
    credentials = credentials.strip()
    if scheme == "basic":
        try:
            decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
        except (ValueError, binascii.Error):
            raise _unauthorized(
                "Invalid basic header. Credentials not correctly base64 encoded.",
                "Invalid username/password.",
            ) from None
        public, _, secret = decoded.partition(":")
        account = accounts.get(public)
        if account is not None and _same(account.secret_key, secret):
            return account
        raise _unauthorized(
            "The username or password provided is incorrect. "
            "Please make a request with the valid credentials.",
            "Invalid username/password.",
        )
    if scheme == "bearer" and credentials:
        for account in accounts.values():
            if account.bearer_token and _same(account.bearer_token, credentials):
                return account
        raise _unauthorized(
            "The access token provided is invalid or has expired.", "Invalid token."
        )
    raise _unauthorized("Authentication credentials were not provided.", "No credentials")


def _same(expected: str, given: str) -> bool:
    """Compare secrets in constant time, so timing reveals nothing about them."""
    return hmac.compare_digest(expected.encode(), given.encode())


def _unauthorized(detail: str, title: str) -> Refusal:
    return refuse(401, "authentication_failed", detail, title=title, headers=_CHALLENGE)


def check_partner(headers: Mapping[str, str]) -> None:
    """A Sendcloud-Partner-Id header is optional, but when sent it must be a UUID."""
    partner = headers.get("sendcloud-partner-id")
    if partner is None:
        return
    try:
        uuid.UUID(partner.strip())
    except ValueError:
        raise refuse(
            400,
            "invalid",
            f"Sendcloud-Partner-Id {partner!r} is not a valid UUID.",
            title="Invalid partner id",
            header="Sendcloud-Partner-Id",
        ) from None
