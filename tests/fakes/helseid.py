"""A local OpenID Provider that behaves as HelseID documents it for new clients.

- Pushed authorization requests (RFC 9126) are required: ``/authorize`` refuses anything but
  ``client_id`` plus a ``request_uri`` from ``/par``, which expires (``par_lifetime``) and is
  single use.
- Client authentication is ``private_key_jwt`` only (RFC 7523), signed with the key registered
  for the client: ``client_secret`` in any form is refused, and so is an assertion signed by
  another key, for another audience, expired, or with a used ``jti``.
- PKCE S256 is required. ID tokens are RS256 and carry HelseID's identity claims:
  ``helseid://claims/identity/pid``, ``helseid://claims/hpr/hpr_number`` and ``name``.

Signatures are checked and made with joserfc. Usage::

    async with FakeHelseId(client_id="samsnakk", client_key=public_jwk) as op:
        op.redirect_uris.add(callback)
        op.log_in_next(pid="...", name="Trond Hansen")
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey
from joserfc.jwt import JWTClaimsRegistry

from tests.fakes.connections import one_request_per_connection

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
PID_CLAIM = "helseid://claims/identity/pid"
HPR_CLAIM = "helseid://claims/hpr/hpr_number"


@dataclass(frozen=True)
class _Person:
    pid: str
    name: str
    extra: dict[str, Any]


@dataclass(frozen=True)
class _Pushed:
    params: dict[str, str]
    expires: float


@dataclass(frozen=True)
class _Grant:
    person: _Person
    redirect_uri: str
    nonce: str | None
    code_challenge: str


@dataclass
class FakeHelseId:
    client_id: str
    client_key: RSAKey  # the public key registered for the client
    par_lifetime: float = 60.0
    redirect_uris: set[str] = field(default_factory=set)
    issued_tokens: int = 0
    refusals: list[tuple[str, str]] = field(default_factory=list)  # (endpoint, error)
    # Sign the next ID token with a key that is not in /jwks, as a forger would.
    forge_next_id_token: bool = False
    port: int = 0

    def __post_init__(self) -> None:
        self._key = RSAKey.generate_key(2048, parameters={"kid": "fake-helseid", "use": "sig"})
        self._next: list[_Person] = []
        self._pushed: dict[str, _Pushed] = {}
        self._grants: dict[str, _Grant] = {}
        self._jtis: set[str] = set()
        app = web.Application(middlewares=[one_request_per_connection])
        app.router.add_get("/.well-known/openid-configuration", self._discovery)
        app.router.add_get("/jwks", self._jwks)
        app.router.add_post("/connect/par", self._par)
        app.router.add_get("/connect/authorize", self._authorize)
        app.router.add_post("/connect/token", self._token)
        self._runner = web.AppRunner(app, access_log=None)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def log_in_next(self, pid: str, name: str, **extra: Any) -> None:
        """The next person to log in; ``extra`` claims go into the ID token as they are."""
        self._next.append(_Person(pid, name, extra))

    def expire_pushed_requests(self) -> None:
        """As if the browser took longer than the request_uri's lifetime."""
        self._pushed = {k: _Pushed(v.params, 0.0) for k, v in self._pushed.items()}

    async def __aenter__(self) -> FakeHelseId:
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._runner.cleanup()

    def _url(self, path: str) -> str:
        return self.issuer.rstrip("/") + path

    def _refuse(self, endpoint: str, error: str, status: int = 400) -> web.Response:
        self.refusals.append((endpoint, error))
        return web.json_response({"error": error}, status=status)

    # -- endpoints ---------------------------------------------------------------------------

    async def _discovery(self, _: web.Request) -> web.Response:
        return web.json_response(
            {
                "issuer": self.issuer,
                "authorization_endpoint": self._url("/connect/authorize"),
                "token_endpoint": self._url("/connect/token"),
                "pushed_authorization_request_endpoint": self._url("/connect/par"),
                "require_pushed_authorization_requests": True,
                "jwks_uri": self._url("/jwks"),
                "response_types_supported": ["code"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
                "token_endpoint_auth_signing_alg_values_supported": ["RS256", "PS256", "ES256"],
            }
        )

    async def _jwks(self, _: web.Request) -> web.Response:
        return web.json_response({"keys": [self._key.as_dict(private=False)]})

    def _client_problem(self, request: web.Request, form: Any) -> str | None:
        """None if the client proved itself with private_key_jwt, else the OAuth error."""
        if request.headers.get("Authorization") or "client_secret" in form:
            return "invalid_client"  # HelseID takes no shared secrets
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            return "invalid_client"
        try:
            token = jwt.decode(str(form.get("client_assertion", "")), self.client_key)
            JWTClaimsRegistry(
                iss={"essential": True, "value": self.client_id},
                sub={"essential": True, "value": self.client_id},
                aud={
                    "essential": True,
                    "values": [self.issuer, self._url("/connect/token"), self._url("/connect/par")],
                },
                exp={"essential": True},
                jti={"essential": True},
            ).validate(token.claims)
        except (JoseError, ValueError):
            return "invalid_client"
        jti = str(token.claims["jti"])
        if jti in self._jtis or form.get("client_id", self.client_id) != self.client_id:
            return "invalid_client"
        self._jtis.add(jti)
        return None

    async def _par(self, request: web.Request) -> web.Response:
        form = await request.post()
        problem = self._client_problem(request, form)
        if problem:
            return self._refuse("par", problem, 401)
        params = {k: str(v) for k, v in form.items() if not k.startswith("client_assertion")}
        if params.get("redirect_uri") not in self.redirect_uris:
            return self._refuse("par", "invalid_request")
        if params.get("response_type") != "code" or "openid" not in params.get("scope", ""):
            return self._refuse("par", "invalid_request")
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return self._refuse("par", "invalid_request")
        if "request_uri" in params:
            return self._refuse("par", "invalid_request")
        request_uri = "urn:ietf:params:oauth:request_uri:" + secrets.token_urlsafe(24)
        self._pushed[request_uri] = _Pushed(params, time.monotonic() + self.par_lifetime)
        return web.json_response(
            {"request_uri": request_uri, "expires_in": int(self.par_lifetime)}, status=201
        )

    async def _authorize(self, request: web.Request) -> web.Response:
        q = request.query
        if q.get("client_id") != self.client_id:
            return self._refuse("authorize", "invalid_client")
        if "request_uri" not in q or set(q) - {"client_id", "request_uri"}:
            return self._refuse("authorize", "invalid_request")  # PAR is required
        pushed = self._pushed.pop(q["request_uri"], None)
        if pushed is None or pushed.expires <= time.monotonic():
            return self._refuse("authorize", "invalid_request_uri")
        params = pushed.params
        result: dict[str, str] = {"state": params.get("state", "")}
        if not self._next:
            result["error"] = "access_denied"
        else:
            code = secrets.token_urlsafe(24)
            self._grants[code] = _Grant(
                self._next.pop(0),
                params["redirect_uri"],
                params.get("nonce"),
                params["code_challenge"],
            )
            result["code"] = code
        raise web.HTTPFound(f"{params['redirect_uri']}?{urlencode(result)}")

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        problem = self._client_problem(request, form)
        if problem:
            return self._refuse("token", problem, 401)
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
            return self._refuse("token", "invalid_grant")
        now = int(time.time())
        person = grant.person
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": base64.b64encode(hashlib.sha256(person.pid.encode()).digest()).decode(),
            "iat": now,
            "exp": now + 300,
            "auth_time": now,
            "name": person.name,
            PID_CLAIM: person.pid,
            **person.extra,
        }
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        self.issued_tokens += 1
        key = self._key
        if self.forge_next_id_token:
            self.forge_next_id_token = False
            key = RSAKey.generate_key(2048, parameters={"kid": self._key.kid})
        return web.json_response(
            {
                "access_token": secrets.token_urlsafe(32),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key),
            },
            headers={"Cache-Control": "no-store"},
        )
