"""Federation: staff on another homeserver, over TLS between real Synapses on loopback.

Three homeservers, each named by an IP literal with a port (no DNS, .well-known or SRV):
- dps      127.0.0.1:<port>, ours: the appservice, the bot and the antispam module;
- kommune  127.0.0.2:<port>, listed as Askøy kommune's ``homeserver`` in the policies, so it
  is on the dps server's federation allow-list;
- utenfor  127.0.0.3:<port>, on nobody's list.

A throwaway CA made here signs each server's certificate (SAN IPAddress); every server trusts
only that CA for federation (``federation_custom_ca_list``). Certificates are verified.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import shutil
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
import pytest_asyncio
import yaml
from brukerrom_flow import audit_has, command, create_brukerrom, members
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from matrix_harness import MatrixUser, RunningSynapse, free_port, new_user, start_synapse
from nio import RoomInviteError
from signedjson.key import read_signing_keys
from signedjson.sign import sign_json
from synapse.api.room_versions import KNOWN_ROOM_VERSIONS
from synapse.config.server import DEFAULT_IP_RANGE_BLOCKLIST
from synapse.crypto.event_signing import add_hashes_and_signatures
from synapse.events import make_event_from_dict
from yarl import URL

from samsnakk_bot.app import SamsnakkApp
from samsnakk_bot.devstack.layout import FederationSetup
from samsnakk_bot.domain import texts

pytestmark = pytest.mark.synapse

KOMMUNE_ORG = "askoy-kommune"
# Federation over TLS on a busy 2-core machine can take seconds per hop.
SLOW = 60.0


# --- certificates --------------------------------------------------------------------------


def _pem(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _make_pki(where: Path, ips: list[str]) -> tuple[Path, dict[str, tuple[Path, Path]]]:
    """A CA, and for each IP a certificate (SAN IPAddress) + key. Returns the CA file."""
    where.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Samsnakk test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_pem = ca.public_bytes(serialization.Encoding.PEM)
    ca_file = _pem(where / "ca.pem", ca_pem)
    out: dict[str, tuple[Path, Path]] = {}
    for ip in ips:
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, ip)]))
            .issuer_name(ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(ip))]),
                critical=False,
            )
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
            .sign(ca_key, hashes.SHA256())
        )
        chain = cert.public_bytes(serialization.Encoding.PEM) + ca_pem
        key_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        out[ip] = (_pem(where / f"{ip}.crt", chain), _pem(where / f"{ip}.key", key_pem))
    return ca_file, out


# --- the three homeservers -----------------------------------------------------------------


@dataclass
class Servers:
    dps: RunningSynapse
    kommune: RunningSynapse
    utenfor: RunningSynapse
    app: SamsnakkApp
    ca: Path
    fed_urls: dict[str, str]  # server name -> https://ip:port of its federation listener

    @property
    def dps_name(self) -> str:
        return self.dps.stack.synapse.server_name

    @property
    def kommune_name(self) -> str:
        return self.kommune.stack.synapse.server_name

    @property
    def utenfor_name(self) -> str:
        return self.utenfor.stack.synapse.server_name


def _policies_with_kommune_server(target: Path, kommune_server: str) -> Path:
    """The repo's policies, with Askøy kommune on its own homeserver.

    Admins and report viewers are left out: they are named on samsnakk.localhost, which this
    dps server would have to ask over federation (and may not).
    """
    shutil.copytree(Path("policies"), target)
    orgs = yaml.safe_load((target / "organisations.example.yaml").read_text())
    orgs.pop("helsefellesskap", None)
    for org in orgs["organisations"]:
        org.pop("admins", None)
        if org["id"] == KOMMUNE_ORG:
            org["homeserver"] = kommune_server
    (target / "organisations.yaml").write_text(yaml.safe_dump(orgs, allow_unicode=True))
    return target


def _start(
    base: Path,
    name: str,
    ip: str,
    tls: dict[str, tuple[Path, Path]],
    ca: Path,
    port: int,
    allow: list[str] | None,
    policies: Path | None = None,
) -> RunningSynapse:
    """Ours (given ``policies``) runs the antispam module and takes its allow-list from the
    policies; the others get ``allow`` (None: any server)."""
    cert, key = tls[ip]
    extra: dict[str, Any] = {
        "federation_custom_ca_list": [str(ca)],
        # Synapse refuses to federate to private addresses. ip_range_whitelist is no way round
        # that here: a server name that is an IP literal is checked against the blocklist
        # alone. So loopback comes off the blocklist; everything else stays on it.
        "ip_range_blacklist": [r for r in DEFAULT_IP_RANGE_BLOCKLIST if r != "127.0.0.0/8"],
        "bcrypt_rounds": 4,  # registering and logging in test users, quickly
        "rc_federation": {
            "window_size": 1000,
            "sleep_limit": 1000,
            "sleep_delay": 1,
            "reject_limit": 1000,
            "concurrent": 100,
        },
    }
    if policies is None:
        extra["federation_domain_whitelist"] = allow
    return start_synapse(
        base / name,
        antispam=policies is not None,
        policies_dir=policies,
        server_name=f"{ip}:{port}",
        bind_host=ip,
        federation=FederationSetup(port, cert, key),
        synapse_extra=extra,
    )


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def servers(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Servers]:
    base = tmp_path_factory.mktemp("federation")
    ips = {"dps": "127.0.0.1", "kommune": "127.0.0.2", "utenfor": "127.0.0.3"}
    ports = {k: free_port(ip) for k, ip in ips.items()}
    names = {k: f"{ips[k]}:{ports[k]}" for k in ips}
    ca, tls = _make_pki(base / "pki", list(ips.values()))
    policies = _policies_with_kommune_server(base / "policies", names["kommune"])
    starts = {
        "dps": lambda: _start(base, "dps", ips["dps"], tls, ca, ports["dps"], None, policies),
        "kommune": lambda: _start(
            base,
            "kommune",
            ips["kommune"],
            tls,
            ca,
            ports["kommune"],
            [names["dps"], names["kommune"]],
        ),
        "utenfor": lambda: _start(base, "utenfor", ips["utenfor"], tls, ca, ports["utenfor"], None),
    }
    started: list[RunningSynapse] = []
    app: SamsnakkApp | None = None
    try:
        # All three at once: each start is mostly waiting for its own process.
        results = await asyncio.gather(
            *(asyncio.to_thread(start) for start in starts.values()), return_exceptions=True
        )
        started = [r for r in results if isinstance(r, RunningSynapse)]
        for result in results:
            if isinstance(result, BaseException):
                raise result
        dps, kommune, utenfor = started
        assert dps.stack.synapse.federation_domain_whitelist == tuple(
            sorted([names["dps"], names["kommune"]])
        )
        app = SamsnakkApp(dps.stack.config)
        await app.start()
        yield Servers(
            dps, kommune, utenfor, app, ca, {names[k]: f"https://{ips[k]}:{ports[k]}" for k in ips}
        )
    finally:
        try:
            if app is not None:
                await app.stop()
        finally:
            for s in reversed(started):
                s.process.stop()


# --- helpers -------------------------------------------------------------------------------


async def _client_api(
    user: MatrixUser, method: str, path: str, body: Any = None
) -> tuple[int, dict[str, Any]]:
    """A client-server call as ``user``, on ``user``'s own homeserver."""
    async with (
        aiohttp.ClientSession() as s,
        s.request(
            method,
            f"{user.client.homeserver}{path}",
            json=body if body is not None else {},
            headers={"Authorization": f"Bearer {user.client.access_token}"},
        ) as resp,
    ):
        return resp.status, await resp.json(content_type=None)


async def _membership(viewer: MatrixUser, room: str, user_id: str) -> str | None:
    """``user_id``'s membership in ``room`` as ``viewer``'s homeserver has it."""
    resp = await viewer.client.room_get_state_event(room, "m.room.member", user_id)
    content = getattr(resp, "content", None)
    return content.get("membership") if isinstance(content, dict) else None


async def _eventually(
    check: Callable[[], Awaitable[bool]], what: str, timeout: float = SLOW
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _server_key(server: RunningSynapse) -> Any:
    """The server's own signing key, which Synapse wrote next to its config."""
    lines = (server.stack.synapse.data_dir / "signing.key").read_text().splitlines()
    return read_signing_keys(lines)[0]


async def _federation_request(
    srv: Servers,
    origin: RunningSynapse,
    destination: str,
    method: str,
    path: str,
    content: dict[str, Any] | None = None,
) -> tuple[int, dict[str, Any]]:
    """A federation request signed with ``origin``'s own server key (X-Matrix), over TLS."""
    origin_name = origin.stack.synapse.server_name
    key = _server_key(origin)
    request: dict[str, Any] = {
        "method": method,
        "uri": path,
        "origin": origin_name,
        "destination": destination,
    }
    if content is not None:
        request["content"] = content
    sig = sign_json(request, origin_name, key)["signatures"][origin_name][f"ed25519:{key.version}"]
    auth = (
        f'X-Matrix origin="{origin_name}",destination="{destination}",'
        f'key="ed25519:{key.version}",sig="{sig}"'
    )
    tls = ssl.create_default_context(cafile=str(srv.ca))
    async with (
        aiohttp.ClientSession() as s,
        s.request(
            method,
            # The path goes out exactly as signed: no re-quoting.
            URL(f"{srv.fed_urls[destination]}{path}", encoded=True),
            json=content,
            headers={"Authorization": auth},
            ssl=tls,
        ) as resp,
    ):
        return resp.status, await resp.json(content_type=None)


def _signed_invite(
    origin: RunningSynapse, room: str, sender: str, invitee: str, prev: str
) -> tuple[str, dict[str, Any]]:
    """An invite event as ``origin`` would send it: hashed and signed with its server key."""
    origin_name = origin.stack.synapse.server_name
    key = _server_key(origin)
    version = KNOWN_ROOM_VERSIONS["12"]
    event: dict[str, Any] = {
        "type": "m.room.member",
        "room_id": room,
        "sender": sender,
        "state_key": invitee,
        "content": {"membership": "invite"},
        "origin_server_ts": int(time.time() * 1000),
        "depth": 100,
        "prev_events": [prev],
        "auth_events": [prev],
    }
    add_hashes_and_signatures(version, event, origin_name, key)
    return make_event_from_dict(event, version).event_id, event


async def _event_id_of_member(user: MatrixUser, room: str, member: str) -> str:
    status, event = await _client_api(
        user,
        "GET",
        f"/_matrix/client/v3/rooms/{quote(room)}/state/m.room.member/{quote(member)}?format=event",
    )
    assert status == 200, event
    return str(event["event_id"])


async def _join_via(user: MatrixUser, room: str, server: str) -> tuple[int, dict[str, Any]]:
    """``user`` asks their own homeserver to join ``room`` through ``server``."""
    path = f"/_matrix/client/v3/join/{quote(room)}?server_name={quote(server)}"
    return await _client_api(user, "POST", path)


async def _join_once_invited(room: str, local: MatrixUser, remote: MatrixUser) -> None:
    """``remote`` accepts the bot's invite, once the dps server has the invite too.

    The kommune server shows the invite as soon as it has signed it, before dps has stored it;
    a join that quick gets "You are not invited to this room" from dps's make_join.
    """

    async def invited() -> bool:
        return await _membership(local, room, remote.user_id) == "invite"

    await _eventually(invited, f"{remote.user_id}'s invite stored on dps")
    await remote.accept_invite(room, timeout=SLOW)


async def _room_with_kari(
    srv: Servers, trond: MatrixUser, per: MatrixUser, kari: MatrixUser
) -> str:
    """A brukerrom on dps, where the bruker has added Kari from the kommune server."""
    app = srv.app
    await app.accounts.upsert(trond.user_id, "ansatt", "Øyane DPS", "Trond", 0)
    await app.accounts.upsert(per.user_id, "bruker", None, "Per", 0)
    room = await create_brukerrom(app, trond, per)
    await command(app, per, room, f"!legg-til {kari.user_id}", "er invitert", timeout=SLOW)
    await _join_once_invited(room, trond, kari)
    await _eventually(lambda: _is_member(app, room, kari.user_id), "Kari joined on dps")
    return room


async def _is_member(app: SamsnakkApp, room: str, user_id: str) -> bool:
    return user_id in await members(app, room)


async def _not_member(app: SamsnakkApp, room: str, user_id: str) -> bool:
    return not await _is_member(app, room, user_id)


# --- the tests -----------------------------------------------------------------------------


async def test_staff_on_the_kommune_server_is_proposed_approved_and_talks_e2ee(
    servers: Servers, tmp_path: Path
) -> None:
    srv, app = servers, servers.app
    bot = app.cfg.bot_user_id
    trond = await new_user(srv.dps, tmp_path, "trond")
    per = await new_user(srv.dps, tmp_path, "per")
    kari = await new_user(srv.kommune, tmp_path, "kari")
    users = [trond, per, kari]
    try:
        await app.accounts.upsert(trond.user_id, "ansatt", "Øyane DPS", "Trond", 0)
        await app.accounts.upsert(per.user_id, "bruker", None, "Per", 0)
        assert kari.user_id == f"@kari:{srv.kommune_name}"
        room = await create_brukerrom(app, trond, per)

        mark = len(per.seen)
        await trond.send(room, f"!legg-til {kari.user_id} psykolog i kommunen")
        prompt = await per.wait_for_message(
            room, lambda s: s.sender == bot and "Forespørsel 1" in s.body, after=mark, timeout=SLOW
        )
        shown = f"legge til {kari.user_id} (ikke i katalogen"  # remote, not in our directory
        assert prompt.decrypted and shown in prompt.body, prompt.body
        await per.send(room, "!godkjenn 1")
        await _join_once_invited(room, trond, kari)
        await _eventually(lambda: _is_member(app, room, kari.user_id), "Kari joined on dps")
        assert await members(app, room) == {bot, trond.user_id, per.user_id, kari.user_id}

        mark = len(kari.seen)
        await per.send(room, "Hei Kari! Jeg har time på DPS tirsdag.")
        heard = await kari.wait_for_message(
            room, lambda s: s.sender == per.user_id, after=mark, timeout=SLOW
        )
        assert heard.decrypted and heard.body == "Hei Kari! Jeg har time på DPS tirsdag."

        marks = len(per.seen), len(trond.seen)
        await kari.send(room, "Hei Per, så fint. Vi snakkes etter timen.")
        for user, m in zip((per, trond), marks, strict=True):
            got = await user.wait_for_message(
                room, lambda s: s.sender == kari.user_id, after=m, timeout=SLOW
            )
            assert got.decrypted and got.body == "Hei Per, så fint. Vi snakkes etter timen."
        # The guard saw the remote join in a transaction and found it approved.
        entries = [(e.actor, e.action) for e in await app.audit.for_room(room)]
        assert (kari.user_id, "joined") in entries and "join_refused" not in str(entries)
    finally:
        for user in users:
            await user.stop()


async def test_unapproved_remote_join_and_invite_are_refused(
    servers: Servers, tmp_path: Path
) -> None:
    srv, app = servers, servers.app
    users = [
        trond := await new_user(srv.dps, tmp_path),
        per := await new_user(srv.dps, tmp_path),
        kari := await new_user(srv.kommune, tmp_path),
        ulla := await new_user(srv.kommune, tmp_path),  # a kommune colleague nobody approved
        xander := await new_user(srv.dps, tmp_path),  # a dps account nobody approved
    ]
    try:
        room = await _room_with_kari(srv, trond, per, kari)
        # Ulla joins straight in, through the dps server: its auth rules refuse the make_join
        # (the room is invite-only), before anything of ours is asked.
        status, body = await _join_via(ulla, room, srv.dps_name)
        assert status == 403 and "not invited" in body.get("error", ""), body
        assert await _membership(trond, room, ulla.user_id) is None

        # Kari, approved and in the room, invites Ulla: her own server refuses it, because
        # inviting takes power level 100. The invite never leaves the kommune server.
        refused = await kari.client.room_invite(room, ulla.user_id)
        assert isinstance(refused, RoomInviteError), refused
        assert refused.status_code == "M_FORBIDDEN", refused
        assert await _membership(kari, room, ulla.user_id) is None

        # A kommune server that ignores those rules signs the invite itself and sends it to
        # dps for a dps user: federated_user_may_invite (ours) refuses it.
        prev = await _event_id_of_member(kari, room, kari.user_id)
        event_id, event = _signed_invite(srv.kommune, room, kari.user_id, xander.user_id, prev)
        status, body = await _federation_request(
            srv,
            srv.kommune,
            srv.dps_name,
            "PUT",
            f"/_matrix/federation/v2/invite/{quote(room, safe='')}/{quote(event_id, safe='')}",
            {"event": event, "room_version": "12", "invite_room_state": []},
        )
        assert (status, body) == (
            403,
            {"errcode": "M_FORBIDDEN", "error": texts.ACCESS_ONLY_BOT_INVITES},
        )
        assert room not in xander.client.invited_rooms
        assert await _membership(trond, room, xander.user_id) is None
        await audit_has(app, room, "invite_refused")
        refusals = [e for e in await app.audit.for_room(room) if e.action == "invite_refused"]
        assert [(e.actor, e.subject, e.details.get("federated")) for e in refusals] == [
            (kari.user_id, xander.user_id, True)
        ]
        assert await members(app, room) == {
            app.cfg.bot_user_id,
            trond.user_id,
            per.user_id,
            kari.user_id,
        }

        # Leaving from the kommune side reaches dps too (the event check lets it through).
        await kari.client.room_leave(room)
        await _eventually(lambda: _not_member(app, room, kari.user_id), "Kari left on dps")
        await audit_has(app, room, "left")
        assert not await app.participants.is_approved(room, kari.user_id)
    finally:
        for user in users:
            await user.stop()


async def test_a_server_outside_the_allow_list_cannot_take_part(
    servers: Servers, tmp_path: Path
) -> None:
    srv, app = servers, servers.app
    trond = await new_user(srv.dps, tmp_path)
    per = await new_user(srv.dps, tmp_path)
    olav = await new_user(srv.utenfor, tmp_path)
    users = [trond, per, olav]
    try:
        await app.accounts.upsert(trond.user_id, "ansatt", "Øyane DPS", "Trond", 0)
        await app.accounts.upsert(per.user_id, "bruker", None, "Per", 0)
        room = await create_brukerrom(app, trond, per)

        # Even the bruker cannot add someone from a server that is not on the list.
        answer = await command(app, per, room, f"!legg-til {olav.user_id}", olav.user_id)
        assert "ikke er med i Samsnakk" in answer, answer
        assert not await app.participants.is_approved(room, olav.user_id)

        # Olav tries to join through the dps server: dps refuses his server's make_join.
        status, body = await _join_via(olav, room, srv.dps_name)
        assert status == 403 and srv.utenfor_name in body.get("error", ""), body
        assert await _membership(trond, room, olav.user_id) is None
        assert olav.user_id not in await members(app, room)

        # Any federation request from that server is refused; the same one from kommune works.
        probe = f"/_matrix/federation/v1/query/profile?user_id={quote(per.user_id)}"
        status, body = await _federation_request(srv, srv.utenfor, srv.dps_name, "GET", probe)
        assert status == 403 and body.get("errcode") == "M_FORBIDDEN", (status, body)
        assert srv.utenfor_name in body.get("error", ""), body
        status, body = await _federation_request(srv, srv.kommune, srv.dps_name, "GET", probe)
        assert status == 200, body
    finally:
        for user in users:
            await user.stop()
