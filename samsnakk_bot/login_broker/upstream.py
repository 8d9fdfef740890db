"""What both upstream clients share: discovery, PKCE, client assertions and ID token checks.

The protocol pieces are authlib's (PKCE, the RFC 7523 client assertion, the OIDC ID token
claim rules) and joserfc's (JWS signatures); this module only wires them to aiohttp.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import aiohttp
from authlib.oauth2.rfc7523 import private_key_jwt_sign
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from samsnakk_bot.login_broker.config import SigningKey

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ID_TOKEN_ALGS = ["RS256", "PS256", "ES256"]
ASSERTION_LIFETIME = 60


class LoginRefused(Exception):
    """The login stops here; ``reason`` names the bokmål page in texts.BROKER_REFUSALS."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class PendingLogin:
    """One login at an upstream provider, between the redirect there and the callback."""

    provider: str
    flow_id: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True)
class Identity:
    """Who logged in, reduced to what MAS may know. Never holds the fødselsnummer."""

    localpart: str
    name: str | None
    kind: str  # "ansatt" or "bruker"


def new_pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    return verifier, create_s256_code_challenge(verifier)


def client_assertion(key: SigningKey, client_id: str, audience: str) -> dict[str, str]:
    """RFC 7523 private_key_jwt form fields, short-lived and with a fresh jti."""
    alg = "RS256" if key.key_type == "RSA" else "ES256"
    assertion = private_key_jwt_sign(
        key,
        client_id,
        audience,
        alg=alg,
        header={"kid": key.kid, "typ": "JWT"},
        expires_in=ASSERTION_LIFETIME,
    )
    if isinstance(assertion, bytes):
        assertion = assertion.decode("ascii")
    return {"client_assertion_type": ASSERTION_TYPE, "client_assertion": assertion}


class ProviderMetadata:
    """Discovery and JWKS of one upstream issuer, fetched on first use and kept."""

    def __init__(self, issuer: str) -> None:
        self.issuer = issuer
        self._meta: dict[str, Any] | None = None
        self._keys: KeySet | None = None

    async def get(self, http: aiohttp.ClientSession) -> dict[str, Any]:
        if self._meta is None:
            url = self.issuer.rstrip("/") + "/.well-known/openid-configuration"
            meta = await _get_json(http, url)
            if meta.get("issuer") != self.issuer:
                raise LoginRefused("upstream", "discovery issuer mismatch")
            self._meta = meta
        return self._meta

    async def keys(self, http: aiohttp.ClientSession, refresh: bool = False) -> KeySet:
        if self._keys is None or refresh:
            meta = await self.get(http)
            jwks: Any = await _get_json(http, meta["jwks_uri"])
            self._keys = KeySet.import_key_set(jwks)
        return self._keys

    async def verify_id_token(
        self, http: aiohttp.ClientSession, id_token: str, client_id: str, nonce: str
    ) -> dict[str, Any]:
        """Signature, iss, aud, exp, iat and nonce, or LoginRefused."""
        try:
            try:
                token = jwt.decode(id_token, await self.keys(http), algorithms=ID_TOKEN_ALGS)
            except JoseError:
                # The provider may have rotated its keys since we fetched them.
                keys = await self.keys(http, refresh=True)
                token = jwt.decode(id_token, keys, algorithms=ID_TOKEN_ALGS)
        except (JoseError, ValueError) as err:
            raise LoginRefused("upstream", f"ID token signature: {type(err).__name__}") from None
        claims = CodeIDToken(
            dict(token.claims),
            dict(token.header),
            options={
                "iss": {"essential": True, "value": self.issuer},
                "aud": {"essential": True, "value": client_id},
            },
            params={"nonce": nonce, "client_id": client_id},
        )
        try:
            claims.validate(leeway=30)
        except Exception as err:  # authlib raises its own JoseError family and ValueError
            raise LoginRefused("nonce" if "nonce" in str(err) else "upstream", str(err)) from None
        if claims.get("nonce") != nonce:
            raise LoginRefused("nonce", "nonce mismatch")
        return dict(claims)


def code_request(
    callback: str, scopes: list[str], state: str, pending: PendingLogin, challenge: str
) -> dict[str, str]:
    """The authorization code request both providers take: PKCE S256, a nonce, bokmål."""
    return {
        "response_type": "code",
        "redirect_uri": callback,
        "scope": " ".join(scopes),
        "state": state,
        "nonce": pending.nonce,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "ui_locales": "nb",
    }


async def redeem_code(
    http: aiohttp.ClientSession,
    meta: ProviderMetadata,
    client_id: str,
    pending: PendingLogin,
    callback: str,
    code: str,
    client_auth: dict[str, str],
    basic: aiohttp.BasicAuth | None = None,
) -> dict[str, Any]:
    """Trade the code for tokens, and return the ID token's claims once it is checked."""
    endpoints = await meta.get(http)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": callback,
        "code_verifier": pending.code_verifier,
    } | client_auth
    tokens = await post_form(http, endpoints["token_endpoint"], form, basic)
    return await meta.verify_id_token(
        http, str(tokens.get("id_token", "")), client_id, pending.nonce
    )


async def post_form(
    http: aiohttp.ClientSession, url: str, form: dict[str, str], auth: aiohttp.BasicAuth | None
) -> dict[str, Any]:
    async with http.post(url, data=form, auth=auth, allow_redirects=False) as resp:
        body = await _json_body(resp)
        if resp.status >= 300:
            raise LoginRefused("upstream", f"{url} answered {resp.status} {body.get('error')}")
        return body


async def _get_json(http: aiohttp.ClientSession, url: str) -> dict[str, Any]:
    async with http.get(url, allow_redirects=False) as resp:
        body = await _json_body(resp)
        if resp.status != 200:
            raise LoginRefused("upstream", f"{url} answered {resp.status}")
        return body


async def _json_body(resp: aiohttp.ClientResponse) -> dict[str, Any]:
    try:
        body = await resp.json(content_type=None)
    except (ValueError, aiohttp.ContentTypeError):
        return {}
    return body if isinstance(body, dict) else {}
