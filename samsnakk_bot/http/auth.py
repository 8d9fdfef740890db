"""Bearer-token checks for requests Synapse makes to us."""

from __future__ import annotations

import hmac

from aiohttp import web

from samsnakk_bot.http.errors import matrix_error


def require_bearer(request: web.Request, expected: str) -> None:
    """No token -> 401; wrong token -> 403. Compared in constant time."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise matrix_error(web.HTTPUnauthorized, "M_UNAUTHORIZED", "Missing bearer token")
    if not hmac.compare_digest(token.strip().encode(), expected.encode()):
        raise matrix_error(web.HTTPForbidden, "M_FORBIDDEN", "Bad token")
