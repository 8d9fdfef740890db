"""A local OpenID Provider in the place of ID-porten, speaking the flow Synapse uses against it.

OpenID Connect Core 1.0 with the parts ID-porten requires of a client: discovery, JWKS, the
authorization code flow with ``state``, ``nonce`` and PKCE (S256 only), the token endpoint with
``client_secret_basic`` or ``client_secret_post``, userinfo, and RS256-signed ID tokens that
carry ID-porten's claims: ``pid`` (the fødselsnummer), a pairwise ``sub``, ``acr`` and ``amr``.

Who logs in is up to the test, as if they had just used BankID: ``op.log_in_next(pid)``, or at
a lower level: ``op.log_in_next(pid, acr="idporten-loa-substantial")`` (MinID).

Usage::

    async with FakeIdPorten(client_id="samsnakk", client_secret="s" * 32) as op:
        op.redirect_uris.add(callback_url)
        op.log_in_next("15076500565")
        ...  # op.issuer, op.issued_tokens
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlencode

from aiohttp import web
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from tests.fakes.connections import one_request_per_connection

_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@dataclass(frozen=True)
class _Grant:
    pid: str
    acr: str
    client_id: str
    redirect_uri: str
    nonce: str | None
    code_challenge: str


@dataclass
class FakeIdPorten:
    client_id: str
    client_secret: str
    redirect_uris: set[str] = field(default_factory=set)
    issued_tokens: int = 0
    port: int = 0
    # The acr_values each authorization request asked for, so a test sees what a client asks.
    acr_values_requested: list[str | None] = field(default_factory=list)
    # With a registered public key, the token endpoint also takes private_key_jwt (RFC 7523).
    client_key: RSAKey | None = None
    auth_methods_used: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._key = RSAKey.generate_key(2048, parameters={"kid": "fake-idporten", "use": "sig"})
        self._next: list[tuple[str, str]] = []
        self._grants: dict[str, _Grant] = {}
        self._access: dict[str, str] = {}
        app = web.Application(middlewares=[one_request_per_connection])
        app.router.add_get("/.well-known/openid-configuration", self._discovery)
        app.router.add_get("/jwks", self._jwks)
        app.router.add_get("/authorize", self._authorize)
        app.router.add_post("/token", self._token)
        app.router.add_get("/userinfo", self._userinfo)
        self._runner = web.AppRunner(app, access_log=None)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def log_in_next(self, pid: str, acr: str = "idporten-loa-high") -> None:
        self._next.append((pid, acr))

    async def __aenter__(self) -> FakeIdPorten:
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._runner.cleanup()

    # -- endpoints ---------------------------------------------------------------------------

    async def _discovery(self, _: web.Request) -> web.Response:
        base = self.issuer.rstrip("/")
        return web.json_response(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{base}/authorize",
                "token_endpoint": f"{base}/token",
                "userinfo_endpoint": f"{base}/userinfo",
                "jwks_uri": f"{base}/jwks",
                "response_types_supported": ["code"],
                "response_modes_supported": ["query"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                ],
                "scopes_supported": ["openid", "profile"],
                "claims_supported": ["sub", "pid", "acr", "amr", "nonce", "iss", "aud"],
            }
        )

    async def _jwks(self, _: web.Request) -> web.Response:
        return web.json_response({"keys": [self._key.as_dict(private=False)]})

    async def _authorize(self, request: web.Request) -> web.Response:
        q = request.query
        self.acr_values_requested.append(q.get("acr_values"))
        redirect_uri = q.get("redirect_uri", "")
        if q.get("client_id") != self.client_id or redirect_uri not in self.redirect_uris:
            return web.json_response({"error": "invalid_request"}, status=400)
        problem = None
        if q.get("response_type") != "code" or "openid" not in q.get("scope", "").split():
            problem = "invalid_request"
        elif q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            problem = "invalid_request"  # ID-porten requires PKCE
        elif not self._next:
            problem = "access_denied"  # nobody is logging in
        params: dict[str, str] = {"state": q.get("state", "")}
        if problem:
            params["error"] = problem
        else:
            code = secrets.token_urlsafe(24)
            self._grants[code] = _Grant(
                *self._next.pop(0),
                self.client_id,
                redirect_uri,
                q.get("nonce"),
                q["code_challenge"],
            )
            params["code"] = code
        raise web.HTTPFound(f"{redirect_uri}?{urlencode(params)}")

    def _client_authenticated(self, request: web.Request, form: Any) -> bool:
        if "client_assertion" in form:
            self.auth_methods_used.append("private_key_jwt")
            return self._assertion_valid(str(form["client_assertion"]), form)
        self.auth_methods_used.append("client_secret")
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            given = (unquote(user), unquote(password))
        else:
            given = (form.get("client_id", ""), form.get("client_secret", ""))
        return given[0] == self.client_id and hmac.compare_digest(given[1], self.client_secret)

    def _assertion_valid(self, assertion: str, form: Any) -> bool:
        if self.client_key is None or form.get("client_assertion_type") != _ASSERTION_TYPE:
            return False
        try:
            token = jwt.decode(assertion, self.client_key)
            jwt.JWTClaimsRegistry(
                iss={"essential": True, "value": self.client_id},
                sub={"essential": True, "value": self.client_id},
                aud={"essential": True, "values": [self.issuer, f"{self.issuer}token"]},
                exp={"essential": True},
            ).validate(token.claims)
        except (JoseError, ValueError):
            return False
        return True

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        if not self._client_authenticated(request, form):
            return web.json_response({"error": "invalid_client"}, status=401)
        grant = self._grants.pop(str(form.get("code", "")), None)
        verifier = str(form.get("code_verifier", ""))
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if (
            form.get("grant_type") != "authorization_code"
            or grant is None
            or form.get("redirect_uri") != grant.redirect_uri
            or not hmac.compare_digest(challenge, grant.code_challenge)
        ):
            return web.json_response({"error": "invalid_grant"}, status=400)
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": grant.client_id,
            # ID-porten's sub is pairwise: one per person and client, not the number.
            "sub": hashlib.sha256(f"{grant.client_id}:{grant.pid}".encode()).hexdigest()[:43],
            "iat": now,
            "exp": now + 120,
            "auth_time": now,
            "acr": grant.acr,
            "amr": ["BankID"],
            "pid": grant.pid,
        }
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        header = {"alg": "RS256", "kid": self._key.kid, "typ": "JWT"}
        access_token = secrets.token_urlsafe(32)
        self._access[access_token] = grant.pid
        self.issued_tokens += 1
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
        pid = self._access.get(token)
        if pid is None:
            return web.json_response({"error": "invalid_token"}, status=401)
        sub = hashlib.sha256(f"{self.client_id}:{pid}".encode()).hexdigest()[:43]
        return web.json_response({"sub": sub, "pid": pid})
