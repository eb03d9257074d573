"""Twilio request signatures (``X-Twilio-Signature``) on the TwiML webhook.

Twilio signs each webhook with HMAC-SHA1, keyed with the account's auth token, over the
full URL it called followed by every POST parameter as name + value, sorted by name;
the header is that digest in base64.
https://www.twilio.com/docs/usage/webhooks/webhooks-security
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Mapping


def signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    payload = url + "".join(name + params[name] for name in sorted(params))
    digest = hmac.new(auth_token.encode("utf-8"), payload.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def is_valid(auth_token: str, header: str | None, url: str, params: Mapping[str, str]) -> bool:
    """Constant-time check of the header against the signature of this URL and form."""
    if not header:
        return False
    return hmac.compare_digest(signature(auth_token, url, params), header)
