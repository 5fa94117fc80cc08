"""`masked_url`: a URL as briefwatch prints it, its password and secret query values hidden.

Every URL we print or log (Redis, apprise channels, the archive's endpoints, sources) goes
through here, whatever its shape: `redis://:pw@host`, `json:/user:pw@host` (a scheme typed
with one slash), `user:pw@host` (no scheme at all), a password holding `/` or `@`.
"""

from __future__ import annotations

import re

MASK = "****"
# query keys whose values are secrets (apprise's and the usual ones)
_SECRET_KEYS = re.compile(r"(?i)^(pass|password|passwd|pwd|secret|token|apikey|api_key|key|auth|"
                          r"access_token|webhook|signature|sig)$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:/*")


def masked_url(url: str) -> str:
    """`url` with the password of its user part (and secret query values) replaced by ****.

    The user part is what comes before the last `@` preceding the query: a password may hold
    `/` or `@` unencoded, and a mistyped scheme (`json:/`, `redis:`) must not let it through.
    A path with an `@` and no `:` before it (`https://host/@name`) is left as it is."""
    scheme = _SCHEME.match(url)
    head = scheme.group(0) if scheme else ""
    rest = url[len(head):]
    cut = min((i for i in (rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
    authority, tail = rest[:cut], rest[cut:]
    at = authority.rfind("@")
    if at >= 0:
        userinfo, hostpart = authority[:at], authority[at + 1:]
        if ":" in userinfo:
            authority = f"{userinfo.split(':', 1)[0]}:{MASK}@{hostpart}"
        elif "/" not in userinfo and head.lower().rstrip(":/") not in ("mailto", ""):
            # a lone token as user (https://TOKEN@host/…): a secret in all but name
            authority = f"{MASK}@{hostpart}"
    return head + authority + _masked_query(tail)


def _masked_query(tail: str) -> str:
    if not tail.startswith("?"):
        return tail
    query, hash_, fragment = tail[1:].partition("#")
    parts = []
    for pair in query.split("&"):
        key, eq, value = pair.partition("=")
        parts.append(f"{key}={MASK}" if eq and value and _SECRET_KEYS.match(key) else pair)
    return "?" + "&".join(parts) + hash_ + fragment


def masked_text(text: str, *urls: str) -> str:
    """`text` (an error message, a log line) with each of `urls` and its password, wherever
    they appear, replaced by the masked form."""
    for url in sorted({u for u in urls if u}, key=len, reverse=True):
        text = text.replace(url, masked_url(url))
        password = _password(url)
        if password:
            text = text.replace(password, MASK)
    return text


def _password(url: str) -> str:
    scheme = _SCHEME.match(url)
    rest = url[scheme.end() if scheme else 0:]
    cut = min((i for i in (rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
    userinfo = rest[:cut].rpartition("@")[0]
    password = userinfo.split(":", 1)[1] if ":" in userinfo else ""
    return password if len(password) >= 4 else ""  # a short one would mask innocent text
