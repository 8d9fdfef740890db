"""The broker as MAS's one upstream OpenID Provider, built on authlib's authorization server.

authlib does the protocol: request validation (client, redirect URI, response type, scope),
PKCE (S256, required), client authentication at the token endpoint, single-use codes bound to
client and redirect URI, and the signed ID token. This module supplies what authlib leaves to
the application: where clients, codes and tokens live (memory, short-lived) and who the user is.

The claims MAS gets are ``sub`` and ``preferred_username`` (both the localpart), and ``name``
for staff. Nothing else from the upstream provider passes through: never ``pid``.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from authlib.oauth2 import AuthorizationServer, OAuth2Error, ResourceProtector
from authlib.oauth2.rfc6749 import ClientMixin, InvalidRequestError, OAuth2Request
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import OpenIDCode, UserInfo

from samsnakk_bot.login_broker.config import SigningKey
from samsnakk_bot.login_broker.flows import ExpiringStore
from samsnakk_bot.login_broker.upstream import Identity

ACCESS_TOKEN_LIFETIME = 300
SCOPES = ["openid", "profile"]


@dataclass(frozen=True)
class Client(ClientMixin):  # type: ignore[misc]
    client_id: str
    client_secret: str = field(repr=False)
    redirect_uris: tuple[str, ...]

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in (scope or "").split() if s in SCOPES)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return hmac.compare_digest(client_secret.encode(), self.client_secret.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass(frozen=True)
class AuthorizationCode:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str
    code_challenge_method: str
    user: Identity
    auth_time: int

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


@dataclass(frozen=True)
class AccessToken:
    client: Client
    user: Identity
    scope: str
    expires_at: float

    def check_client(self, client: Client) -> bool:
        return client.client_id == self.client.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return ACCESS_TOKEN_LIFETIME

    def is_expired(self) -> bool:
        return time.time() >= self.expires_at

    def is_revoked(self) -> bool:
        return False

    def get_user(self) -> Identity:
        return self.user

    def get_client(self) -> Client:
        return self.client


class BrokerRequest(OAuth2Request):  # type: ignore[misc]
    """An HTTP request as authlib wants it, read fully from aiohttp beforehand."""

    def __init__(
        self,
        method: str,
        uri: str,
        headers: Mapping[str, str],
        query: Mapping[str, str],
        form: Mapping[str, str],
    ) -> None:
        super().__init__(method, uri, headers=headers)
        self._query = dict(query)
        self._form = dict(form)
        self.payload = BasicOAuth2Payload({**self._query, **self._form})

    @property
    def args(self) -> dict[str, str]:
        return self._query

    @property
    def form(self) -> dict[str, str]:
        return self._form


def user_claims(user: Identity) -> UserInfo:
    claims = UserInfo(sub=user.localpart, preferred_username=user.localpart)
    if user.name:
        claims["name"] = user.name
    return claims


class _CodeGrant(AuthorizationCodeGrant):  # type: ignore[misc]
    codes: ExpiringStore[AuthorizationCode]

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        data = request.payload.data
        self.codes.put(
            AuthorizationCode(
                code=code,
                client_id=request.client.client_id,
                redirect_uri=data.get("redirect_uri", ""),
                scope=request.scope or "",
                nonce=data.get("nonce"),
                code_challenge=data.get("code_challenge", ""),
                code_challenge_method=data.get("code_challenge_method", "S256"),
                user=request.user,
                auth_time=int(time.time()),
            ),
            key=code,
        )

    def query_authorization_code(self, code: str, client: Client) -> AuthorizationCode | None:
        # Taken out on first sight: a code is single use even if this exchange fails.
        found = self.codes.pop(code)
        if found is None or found.client_id != client.client_id:
            return None
        return found

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        self.codes.pop(authorization_code.code)

    def authenticate_user(self, authorization_code: AuthorizationCode) -> Identity:
        return authorization_code.user


class _OpenIDCode(OpenIDCode):  # type: ignore[misc]
    def __init__(self, issuer: str, key: SigningKey) -> None:
        super().__init__(require_nonce=False)
        self._issuer = issuer
        self._key = key

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        return False

    def resolve_client_private_key(self, client: Client) -> SigningKey:
        return self._key

    def get_client_algorithm(self, client: Client) -> str:
        return "RS256" if self._key.key_type == "RSA" else "ES256"

    def get_encode_header(self, client: Client) -> dict[str, str]:
        return {"alg": self.get_client_algorithm(client), "kid": str(self._key.kid)}

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        return {"iss": self._issuer, "aud": [client.client_id]}

    def generate_user_info(self, user: Identity, scope: str) -> UserInfo:
        return user_claims(user)


class _S256Required(CodeChallenge):  # type: ignore[misc]
    """authlib lets confidential clients skip PKCE and allows ``plain``; MAS always sends
    S256, and we accept nothing less (OAuth 2.0 Security BCP, RFC 9700 §2.1.1)."""

    SUPPORTED_CODE_CHALLENGE_METHOD: ClassVar[list[str]] = ["S256"]

    def validate_code_challenge(self, grant: AuthorizationCodeGrant, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge") or data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("PKCE with S256 is required")
        super().validate_code_challenge(grant, redirect_uri)


class _Bearer(BearerTokenValidator):  # type: ignore[misc]
    def __init__(self, tokens: ExpiringStore[AccessToken]) -> None:
        super().__init__()
        self._tokens = tokens

    def authenticate_token(self, token_string: str) -> AccessToken | None:
        return self._tokens.get(token_string)


class BrokerServer(AuthorizationServer):  # type: ignore[misc]
    def __init__(
        self, issuer: str, key: SigningKey, clients: list[Client], code_lifetime: float
    ) -> None:
        super().__init__(scopes_supported=SCOPES)
        self.issuer = issuer
        self._clients = {c.client_id: c for c in clients}
        self.codes: ExpiringStore[AuthorizationCode] = ExpiringStore(code_lifetime)
        self.tokens: ExpiringStore[AccessToken] = ExpiringStore(ACCESS_TOKEN_LIFETIME)
        grant = type("CodeGrant", (_CodeGrant,), {"codes": self.codes})
        self.register_grant(grant, [_S256Required(required=True), _OpenIDCode(issuer, key)])
        self.register_token_generator("default", self._bearer_token)
        self.protector = ResourceProtector()
        self.protector.register_token_validator(_Bearer(self.tokens))

    @staticmethod
    def _bearer_token(
        grant_type: str,
        client: Client,
        user: Identity | None = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        # No refresh token: MAS reads the ID token and userinfo once, at login.
        return {
            "token_type": "Bearer",
            "access_token": secrets.token_urlsafe(32),
            "expires_in": ACCESS_TOKEN_LIFETIME,
            "scope": scope,
        }

    def query_client(self, client_id: str) -> Client | None:
        return self._clients.get(client_id)

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        self.tokens.put(
            AccessToken(
                request.client,
                request.user,
                token.get("scope") or "",
                time.time() + ACCESS_TOKEN_LIFETIME,
            ),
            key=token["access_token"],
        )

    def create_oauth2_request(self, request: OAuth2Request) -> OAuth2Request:
        return request

    def handle_response(
        self, status: int, body: Any, headers: list[tuple[str, str]]
    ) -> tuple[int, Any, list[tuple[str, str]]]:
        return status, body, headers

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        return None

    def userinfo(self, request: OAuth2Request) -> tuple[int, Any, list[tuple[str, str]]]:
        try:
            token = self.protector.validate_request(["openid"], request)
        except OAuth2Error as err:
            return err.status_code, dict(err.get_body()), list(err.get_headers())
        return 200, dict(user_claims(token.get_user())), [("Cache-Control", "no-store")]

    def discovery(self) -> dict[str, Any]:
        base = self.issuer.rstrip("/")
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token",
            "userinfo_endpoint": f"{base}/userinfo",
            "jwks_uri": f"{base}/jwks",
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256", "ES256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": SCOPES,
            "claims_supported": ["sub", "preferred_username", "name", "iss", "aud", "nonce"],
        }
