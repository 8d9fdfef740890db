"""Staff log in with HelseID: pushed authorization requests (RFC 9126) and private_key_jwt.

HelseID requires both for new clients. The authorization parameters, PKCE included, go to the
PAR endpoint in a back-channel POST signed with our registered key; the browser only carries
``client_id`` and the short-lived ``request_uri``. The account comes from an immutable
identifier (``subject_claim``), keyed-hashed; the display name from ``name``.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

import aiohttp

from samsnakk_bot.login_broker.config import HelseIdConfig, read_private_jwk
from samsnakk_bot.login_broker.localparts import UnusableIdentity, staff_localpart
from samsnakk_bot.login_broker.upstream import (
    Identity,
    LoginRefused,
    PendingLogin,
    ProviderMetadata,
    client_assertion,
    code_request,
    new_pkce,
    post_form,
    redeem_code,
)

NAME = "helseid"
_MAX_NAME = 200


class HelseIdLogin:
    name = NAME

    def __init__(self, cfg: HelseIdConfig, staff_key: bytes) -> None:
        self._cfg = cfg
        self._staff_key = staff_key
        self._meta = ProviderMetadata(str(cfg.issuer))
        self._key = read_private_jwk(cfg.private_key_file)

    def _assertion(self) -> dict[str, str]:
        # RFC 9126 §2: the issuer identifier is a valid audience for PAR and token alike.
        return {"client_id": self._cfg.client_id} | client_assertion(
            self._key, self._cfg.client_id, self._meta.issuer
        )

    async def begin(
        self, http: aiohttp.ClientSession, flow_id: str, callback: str
    ) -> tuple[PendingLogin, str, str]:
        meta = await self._meta.get(http)
        par_endpoint = meta.get("pushed_authorization_request_endpoint")
        if not par_endpoint:
            raise LoginRefused("upstream", "HelseID offers no PAR endpoint")
        verifier, challenge = new_pkce()
        pending = PendingLogin(NAME, flow_id, secrets.token_urlsafe(24), verifier)
        state = secrets.token_urlsafe(32)
        form = code_request(callback, self._cfg.scopes, state, pending, challenge)
        form |= self._assertion()
        pushed = await post_form(http, par_endpoint, form, None)
        request_uri = pushed.get("request_uri")
        if not isinstance(request_uri, str) or not request_uri:
            raise LoginRefused("upstream", "PAR gave no request_uri")
        query = {"client_id": self._cfg.client_id, "request_uri": request_uri}
        return pending, state, f"{meta['authorization_endpoint']}?{urlencode(query)}"

    async def finish(
        self, http: aiohttp.ClientSession, pending: PendingLogin, callback: str, code: str
    ) -> Identity:
        claims = await redeem_code(
            http, self._meta, self._cfg.client_id, pending, callback, code, self._assertion()
        )
        identifier = claims.get(self._cfg.subject_claim)
        try:
            localpart = staff_localpart(self._staff_key, NAME, str(identifier or ""))
        except UnusableIdentity as err:
            raise LoginRefused("upstream", str(err)) from None
        name = claims.get("name")
        display = name.strip()[:_MAX_NAME] if isinstance(name, str) and name.strip() else None
        return Identity(localpart=localpart, name=display, kind="ansatt")
