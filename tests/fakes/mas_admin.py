"""A local stand-in for matrix-authentication-service's admin API, as MAS 1.22 documents it.

- ``POST /oauth2/token``: the client credentials grant, ``client_secret_basic`` only (the
  client's configured method), and the ``urn:mas:admin`` scope only for clients listed in
  ``policy.data.admin_clients``. Errors are OAuth 2.0's (RFC 6749 §5.2).
- ``GET /api/admin/v1/users/by-username/{username}`` and ``POST /api/admin/v1/users``: JSON
  API shapes (``{"data": {"type": "user", "id", "attributes"}}``, ``{"errors": [{"title"}]}``)
  with MAS's refusals: 401 without a valid admin token, 400 "Username is not valid", 409
  "User already exists" and 409 "Username is reserved by the homeserver" (MAS asks the
  homeserver; here, the names in ``reserved``).

Usage::

    async with FakeMasAdmin(client_id=ULID, client_secret="s" * 32) as mas:
        ...  # mas.url, mas.users, mas.requests
"""

from __future__ import annotations

import base64
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

ADMIN_SCOPE = "urn:mas:admin"
_VALID = set("abcdefghijklmnopqrstuvwxyz0123456789=_-./+")


def _username_valid(username: str) -> bool:
    """MAS's own rule for the admin API (crates/handlers/src/admin/v1/users/add.rs)."""
    return 0 < len(username) <= 255 and not username.startswith("_") and set(username) <= _VALID


def _errors(status: int, title: str) -> web.Response:
    return web.json_response({"errors": [{"title": title}]}, status=status)


@dataclass
class FakeUser:
    id: str
    username: str
    displayname: str | None
    created_at: str
    deactivated_at: str | None = None
    locked_at: str | None = None

    def resource(self) -> dict[str, Any]:
        return {
            "type": "user",
            "id": self.id,
            "attributes": {
                "username": self.username,
                "created_at": self.created_at,
                "locked_at": self.locked_at,
                "deactivated_at": self.deactivated_at,
                "admin": False,
                "legacy_guest": False,
            },
            "links": {"self": f"/api/admin/v1/users/{self.id}"},
        }


@dataclass
class FakeMasAdmin:
    client_id: str
    client_secret: str
    admin_clients: set[str] = field(default_factory=set)
    # Localparts the homeserver refuses (an appservice's exclusive namespace).
    reserved: set[str] = field(default_factory=set)
    users: dict[str, FakeUser] = field(default_factory=dict)
    # Every request: (method, path, body text), to check what reached MAS.
    requests: list[tuple[str, str, str]] = field(default_factory=list)
    tokens_issued: int = 0
    port: int = 0

    def __post_init__(self) -> None:
        if not self.admin_clients:
            self.admin_clients = {self.client_id}
        self._tokens: set[str] = set()
        app = web.Application(middlewares=[self._record])
        app.router.add_post("/oauth2/token", self._token)
        app.router.add_get("/api/admin/v1/users/by-username/{username}", self._by_username)
        app.router.add_post("/api/admin/v1/users", self._add_user)
        self._runner = web.AppRunner(app, access_log=None)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def expire_tokens(self) -> None:
        """As if every access token had outlived its TTL."""
        self._tokens.clear()

    def set_state(self, username: str, *, deactivated: bool = False, locked: bool = False) -> None:
        now = datetime.now(UTC).isoformat()
        user = self.users[username]
        user.deactivated_at = now if deactivated else None
        user.locked_at = now if locked else None

    async def __aenter__(self) -> FakeMasAdmin:
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._runner.cleanup()

    @web.middleware
    async def _record(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.requests.append((request.method, request.path, await request.text()))
        response: web.StreamResponse = await handler(request)
        return response

    # -- OAuth 2.0 ---------------------------------------------------------------------------

    def _client_ok(self, request: web.Request) -> bool:
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Basic "):
            return False  # the client is registered for client_secret_basic only
        user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
        return user == self.client_id and hmac.compare_digest(password, self.client_secret)

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        if not self._client_ok(request):
            return web.json_response({"error": "invalid_client"}, status=401)
        if form.get("grant_type") != "client_credentials":
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        scopes = str(form.get("scope", "")).split()
        if ADMIN_SCOPE not in scopes or self.client_id not in self.admin_clients:
            # The policy's admin_clients decides who may ask for urn:mas:admin.
            return web.json_response({"error": "invalid_scope"}, status=400)
        token = secrets.token_urlsafe(24)
        self._tokens.add(token)
        self.tokens_issued += 1
        return web.json_response(
            {"access_token": token, "token_type": "Bearer", "expires_in": 300, "scope": ADMIN_SCOPE}
        )

    def _authorized(self, request: web.Request) -> bool:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        return token in self._tokens

    # -- admin API ---------------------------------------------------------------------------

    async def _by_username(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return _errors(401, "Invalid access token")
        username = request.match_info["username"]
        user = self.users.get(username)
        if user is None:
            return _errors(404, f'User with username "{username}" not found')
        return web.json_response({"data": user.resource(), "links": {"self": request.path}})

    async def _add_user(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return _errors(401, "Invalid access token")
        body = await request.json()
        username = str(body.get("username", ""))
        if username in self.users:
            return _errors(409, "User already exists")
        if not _username_valid(username):
            return _errors(400, "Username is not valid")
        if username in self.reserved:
            return _errors(409, "Username is reserved by the homeserver")
        user = FakeUser(
            id=f"01J{secrets.token_hex(12).upper()[:23]}",
            username=username,
            displayname=body.get("displayname"),
            created_at=datetime.now(UTC).isoformat(),
        )
        self.users[username] = user
        resource = user.resource()
        return web.json_response(
            {"data": resource, "links": {"self": resource["links"]["self"]}}, status=201
        )
