"""Brukere log in with ID-porten: authorization code with PKCE, at ``idporten-loa-high`` only.

ID-porten requires its clients to check the level they asked for, so the returned ID token's
``acr`` is enforced here: MinID (``idporten-loa-substantial``) ends on a page that says to use
BankID or another high-level eID. ``pid`` is turned into the pseudonym at once and dropped.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

import aiohttp

from samsnakk_bot.login_broker.config import (
    IdPortenConfig,
    SigningKey,
    read_private_jwk,
    read_secret,
)
from samsnakk_bot.login_broker.localparts import UnusableIdentity, bruker_localpart
from samsnakk_bot.login_broker.upstream import (
    Identity,
    LoginRefused,
    PendingLogin,
    ProviderMetadata,
    client_assertion,
    code_request,
    new_pkce,
    redeem_code,
)

NAME = "idporten"


class IdPortenLogin:
    name = NAME

    def __init__(self, cfg: IdPortenConfig, pseudonym_key: bytes) -> None:
        self._cfg = cfg
        self._pseudonym_key = pseudonym_key
        self._meta = ProviderMetadata(str(cfg.issuer))
        self._secret = read_secret(cfg.client_secret_file) if cfg.client_secret_file else None
        self._key: SigningKey | None = (
            read_private_jwk(cfg.private_key_file) if cfg.private_key_file else None
        )

    async def begin(
        self, http: aiohttp.ClientSession, flow_id: str, callback: str
    ) -> tuple[PendingLogin, str, str]:
        """The pending login, the upstream ``state`` and the URL to send the browser to."""
        meta = await self._meta.get(http)
        verifier, challenge = new_pkce()
        pending = PendingLogin(NAME, flow_id, secrets.token_urlsafe(24), verifier)
        state = secrets.token_urlsafe(32)
        query = code_request(callback, self._cfg.scopes, state, pending, challenge)
        query |= {"client_id": self._cfg.client_id, "acr_values": self._cfg.acr}
        return pending, state, f"{meta['authorization_endpoint']}?{urlencode(query)}"

    async def finish(
        self, http: aiohttp.ClientSession, pending: PendingLogin, callback: str, code: str
    ) -> Identity:
        client_auth: dict[str, str] = {}
        basic = None
        if self._key is not None:
            client_auth = {"client_id": self._cfg.client_id}
            client_auth |= client_assertion(self._key, self._cfg.client_id, self._meta.issuer)
        else:
            assert self._secret is not None
            basic = aiohttp.BasicAuth(self._cfg.client_id, self._secret)
        claims = await redeem_code(
            http, self._meta, self._cfg.client_id, pending, callback, code, client_auth, basic
        )
        if claims.get("acr") != self._cfg.acr:
            raise LoginRefused("acr", "security level below idporten-loa-high")
        try:
            localpart = bruker_localpart(self._pseudonym_key, str(claims.get("pid", "")))
        except UnusableIdentity as err:
            raise LoginRefused("upstream", str(err)) from None
        return Identity(localpart=localpart, name=None, kind="bruker")
