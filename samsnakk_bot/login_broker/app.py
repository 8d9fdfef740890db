"""The broker's aiohttp application: MAS-facing endpoints, the chooser and the upstream callbacks.

A login runs: MAS → /authorize (checked by authlib; the request is kept in memory under a
random flow id, bound to the browser by a cookie) → the chooser, or ``idp_hint`` → /login/<idp>
(upstream redirect) → the provider → /callback/<idp> (code exchanged, ID token and level
checked, localpart derived) → MAS's redirect URI with our own single-use code.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp
from aiohttp import web
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant

from samsnakk_bot.login_broker import pages
from samsnakk_bot.login_broker.config import (
    BrokerConfig,
    read_hmac_key,
    read_private_jwk,
    read_secret,
)
from samsnakk_bot.login_broker.flows import ExpiringStore, StoreFull
from samsnakk_bot.login_broker.provider import BrokerRequest, BrokerServer, Client
from samsnakk_bot.login_broker.upstream import Identity, LoginRefused, PendingLogin
from samsnakk_bot.login_broker.upstream_helseid import HelseIdLogin
from samsnakk_bot.login_broker.upstream_idporten import IdPortenLogin

log = logging.getLogger(__name__)

FLOW_COOKIE = "samsnakk_broker_flow"
HINT_PARAMS = ("idp_hint", "kc_idp_hint")
_HTTP_TIMEOUT = aiohttp.ClientTimeout(total=15)


class UpstreamLogin(Protocol):
    name: str

    async def begin(
        self, http: aiohttp.ClientSession, flow_id: str, callback: str
    ) -> tuple[PendingLogin, str, str]: ...

    async def finish(
        self, http: aiohttp.ClientSession, pending: PendingLogin, callback: str, code: str
    ) -> Identity: ...


@dataclass(frozen=True)
class Flow:
    """MAS's authorization request, validated, waiting for the person to log in upstream."""

    request: BrokerRequest
    grant: AuthorizationCodeGrant


class Broker:
    def __init__(self, cfg: BrokerConfig) -> None:
        self.cfg = cfg
        clients = [
            Client(
                c.client_id,
                read_secret(c.client_secret_file),
                tuple(str(u) for u in c.redirect_uris),
            )
            for c in cfg.clients
        ]
        self.server = BrokerServer(
            str(cfg.issuer),
            read_private_jwk(cfg.signing_key_file),
            clients,
            cfg.code_lifetime_seconds,
        )
        self._public_jwks = {
            "keys": [read_private_jwk(cfg.signing_key_file).as_dict(private=False)]
        }
        self.upstreams: dict[str, UpstreamLogin] = {}
        if cfg.helseid is not None:
            self.upstreams["helseid"] = HelseIdLogin(cfg.helseid, read_hmac_key(cfg.staff_key_file))
        if cfg.idporten is not None:
            self.upstreams["idporten"] = IdPortenLogin(
                cfg.idporten, read_hmac_key(cfg.pseudonym_key_file)
            )
        self.flows: ExpiringStore[Flow] = ExpiringStore(cfg.flow_lifetime_seconds)
        self.pending: ExpiringStore[PendingLogin] = ExpiringStore(cfg.flow_lifetime_seconds)
        self._http: aiohttp.ClientSession | None = None

    @property
    def http(self) -> aiohttp.ClientSession:
        assert self._http is not None, "the broker is not started"
        return self._http

    def callback_url(self, provider: str) -> str:
        return f"{self.cfg.base_url}/callback/{provider}"

    def web_app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/.well-known/openid-configuration", self.discovery)
        app.router.add_get("/jwks", self.jwks)
        app.router.add_get("/authorize", self.authorize)
        app.router.add_get("/login/{provider}", self.login)
        app.router.add_get("/callback/{provider}", self.callback)
        app.router.add_post("/token", self.token)
        app.router.add_route("*", "/userinfo", self.userinfo)
        app.router.add_get("/health", self.health)
        app.on_startup.append(self._open)
        app.on_cleanup.append(self._close)
        return app

    async def _open(self, _: web.Application) -> None:
        self._http = aiohttp.ClientSession(timeout=_HTTP_TIMEOUT)

    async def _close(self, _: web.Application) -> None:
        if self._http is not None:
            await self._http.close()

    # -- towards MAS ---------------------------------------------------------------------------

    async def discovery(self, _: web.Request) -> web.Response:
        return web.json_response(self.server.discovery())

    async def jwks(self, _: web.Request) -> web.Response:
        return web.json_response(self._public_jwks)

    async def health(self, _: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def authorize(self, request: web.Request) -> web.StreamResponse:
        oauth_request = self._oauth_request(request, {})
        try:
            grant = self.server.get_consent_grant(oauth_request)
        except OAuth2Error as err:
            log.info("authorization request refused: %s", err.error)
            if err.redirect_uri:
                return _authlib_response(self.server.handle_error_response(oauth_request, err))
            return pages.refusal("client")
        try:
            flow_id = self.flows.put(Flow(oauth_request, grant))
        except StoreFull:
            log.warning("too many logins in progress; one turned away")
            return pages.refusal("busy", status=503)
        hint = next((request.query[p] for p in HINT_PARAMS if p in request.query), None)
        if hint in self.upstreams:
            response: web.StreamResponse = web.HTTPFound(f"login/{hint}?flow={flow_id}")
        else:
            response = pages.chooser(flow_id, list(self.upstreams))
        response.set_cookie(
            FLOW_COOKIE,
            flow_id,
            httponly=True,
            samesite="Lax",
            secure=self.cfg.base_url.startswith("https:"),
            max_age=self.cfg.flow_lifetime_seconds,
        )
        return response

    async def token(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        return _authlib_response(
            self.server.create_token_response(self._oauth_request(request, form))
        )

    async def userinfo(self, request: web.Request) -> web.Response:
        return _authlib_response(self.server.userinfo(self._oauth_request(request, {})))

    # -- towards HelseID and ID-porten ---------------------------------------------------------

    async def login(self, request: web.Request) -> web.StreamResponse:
        upstream = self.upstreams.get(request.match_info["provider"])
        flow_id = request.query.get("flow", "")
        if upstream is None:
            return pages.refusal("client", status=404)
        if not self._same_browser(request, flow_id) or self.flows.get(flow_id) is None:
            return pages.refusal("expired")
        try:
            pending, state, url = await upstream.begin(
                self.http, flow_id, self.callback_url(upstream.name)
            )
        except (LoginRefused, aiohttp.ClientError, TimeoutError) as err:
            log.warning("could not start the %s login: %s", upstream.name, _why(err))
            return pages.refusal("upstream", status=502)
        try:
            self.pending.put(pending, key=state)
        except StoreFull:
            log.warning("too many logins in progress; one turned away")
            return pages.refusal("busy", status=503)
        raise web.HTTPFound(url)

    async def callback(self, request: web.Request) -> web.StreamResponse:
        provider = request.match_info["provider"]
        pending = self.pending.pop(request.query.get("state", ""))
        if pending is None or pending.provider != provider:
            log.info("%s callback refused: unknown or used state", provider)
            return pages.refusal("state")
        if not self._same_browser(request, pending.flow_id):
            log.info("%s callback refused: another browser", provider)
            return pages.refusal("state")
        flow = self.flows.pop(pending.flow_id)
        if flow is None:
            return pages.refusal("expired")
        if "error" in request.query or "code" not in request.query:
            # Only the short error code, cut: the rest of the query is the provider's to fill.
            log.info("%s answered with an error: %r", provider, request.query.get("error", "")[:40])
            return pages.refusal("cancelled")
        try:
            identity = await self.upstreams[provider].finish(
                self.http, pending, self.callback_url(provider), request.query["code"]
            )
        except (LoginRefused, aiohttp.ClientError, TimeoutError) as err:
            log.warning("%s login refused: %s", provider, _why(err))
            reason = err.reason if isinstance(err, LoginRefused) else "upstream"
            return pages.refusal(reason, status=403 if reason == "acr" else 400)
        log.info("%s login for %s (%s)", provider, identity.localpart, identity.kind)
        response = _authlib_response(
            self.server.create_authorization_response(
                request=flow.request, grant_user=identity, grant=flow.grant
            )
        )
        response.del_cookie(FLOW_COOKIE)
        return response

    def _oauth_request(self, request: web.Request, form: Mapping[str, str]) -> BrokerRequest:
        # The public URL, not the one nginx forwarded on (plain http with the public Host),
        # which authlib would refuse as insecure transport.
        uri = self.cfg.base_url + request.path_qs
        return BrokerRequest(request.method, uri, request.headers, request.query, form)

    def _same_browser(self, request: web.Request, flow_id: str) -> bool:
        # The flow id in the cookie binds the upstream answer to the browser that MAS sent.
        cookie = request.cookies.get(FLOW_COOKIE, "")
        return bool(flow_id) and hmac.compare_digest(cookie.encode(), flow_id.encode())


def _authlib_response(result: tuple[int, Any, list[tuple[str, str]]]) -> web.Response:
    status, body, headers = result
    # aiohttp sets the content type itself.
    kept = {k: v for k, v in headers if k.lower() != "content-type"}
    if isinstance(body, dict):
        return web.json_response(body, status=status, headers=kept)
    return web.Response(status=status, text=body or "", headers=kept)


def _why(err: Exception) -> str:
    # Never the claims: only the reason we made, or the exception's type.
    return str(err) if isinstance(err, LoginRefused) else type(err).__name__


async def serve(cfg: BrokerConfig) -> None:
    """Run until cancelled (``samsnakk broker``)."""
    runner = web.AppRunner(Broker(cfg).web_app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, cfg.listen_host, cfg.listen_port)
    await site.start()
    log.info("login broker listening on %s:%s", cfg.listen_host, cfg.listen_port)
    try:
        from samsnakk_bot.signals import wait_for_signal

        await wait_for_signal()
    finally:
        await runner.cleanup()
