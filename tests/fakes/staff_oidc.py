"""A local OpenID Provider for staff logins whose users choose their own names.

The same OpenID Connect flow as tests/fakes/idporten.py (discovery, JWKS, authorization code
with PKCE S256, client authentication, RS256 ID tokens, userinfo), but the person is whoever
the test says, with any claims: an organisation's directory lets people pick a
``preferred_username`` such as ``samsnakk`` or ``b-…``, and two people can share a ``name``.

    op.log_in_as("sub-1", preferred_username="samsnakk", name="Trond Hansen")
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from typing import Any

from aiohttp import web
from joserfc import jwt

from tests.fakes.idporten import FakeIdPorten


class FakeStaffOidc(FakeIdPorten):
    def __post_init__(self) -> None:
        super().__post_init__()
        # The grant's "pid" field carries a key into these claim sets.
        self._people: dict[str, dict[str, Any]] = {}

    def log_in_as(self, sub: str, **claims: Any) -> None:
        key = secrets.token_hex(8)
        self._people[key] = {"sub": sub, **claims}
        self.log_in_next(key, acr="")

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        if not self._client_authenticated(request, form):
            return web.json_response({"error": "invalid_client"}, status=401)
        grant = self._grants.pop(str(form.get("code", "")), None)
        verifier = str(form.get("code_verifier", "")).encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if (
            form.get("grant_type") != "authorization_code"
            or grant is None
            or form.get("redirect_uri") != grant.redirect_uri
            or not hmac.compare_digest(challenge.decode(), grant.code_challenge)
        ):
            return web.json_response({"error": "invalid_grant"}, status=400)
        now = int(time.time())
        person = self._people[grant.pid]
        claims = {"iss": self.issuer, "aud": grant.client_id, "iat": now, "exp": now + 120}
        claims.update(person)
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        access_token = secrets.token_urlsafe(32)
        self._access[access_token] = grant.pid
        self.issued_tokens += 1
        header = {"alg": "RS256", "kid": self._key.kid, "typ": "JWT"}
        return web.json_response(
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 120,
                "scope": "openid profile",
                "id_token": jwt.encode(header, claims, self._key),
            },
            headers={"Cache-Control": "no-store"},
        )

    async def _userinfo(self, request: web.Request) -> web.Response:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        key = self._access.get(token)
        if key is None:
            return web.json_response({"error": "invalid_token"}, status=401)
        return web.json_response(self._people[key])
