"""Offboarding closes every door, and the smaller doors: a code only a bruker can redeem, and
«!rom ny fnr:» that answers alike whatever the number's history, a few times an hour.

Real Synapse, real E2EE clients; each attack ends with nobody unapproved in the room and an
audit entry.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import secrets
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
import pytest_asyncio
from brukerrom_flow import command, dm_with_bot, join_admin_room, members
from matrix_harness import MatrixUser, RunningSynapse, UserFactory, new_user
from people_directory import list_in_directory

from samsnakk_bot.app import SamsnakkApp
from samsnakk_bot.domain.fnr import with_control_digits
from samsnakk_bot.domain.pseudonym import pseudonym_localpart
from samsnakk_bot.matrix.synapse_admin import SynapseAdmin
from samsnakk_bot.policies import OffboardingPolicy
from samsnakk_bot.services.idporten import FnrLimit, IdPortenAccounts
from samsnakk_bot.services.offboarding import Offboarding
from samsnakk_bot.store.offboarded import FnrLookupRepo
from tests.integration.test_brukerrom_adversarial import _http

pytestmark = pytest.mark.synapse
CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")
LABEL = re.compile(r"«Samsnakk · \d+»")
PSEUDONYM = re.compile(r"@b-[a-z0-9]+")


async def _waiting_room(app: SamsnakkApp, trond: MatrixUser, per: MatrixUser) -> str:
    """!rom ny: the bruker joins and sees the consent prompt, but has not answered."""
    dm = await dm_with_bot(app, trond)
    await command(app, trond, dm, f"!rom ny {per.user_id}", "er opprettet")
    room = await per.accept_invite()
    await per.wait_for_message(room, lambda s: "Rommet er opprettet av" in s.body)
    return room


async def _room_with_code(app: SamsnakkApp, trond: MatrixUser) -> tuple[str, str]:
    dm = await dm_with_bot(app, trond)
    body = await command(app, trond, dm, "!rom ny +47 912 34 567", "Gi denne koden")
    code = CODE.search(body)
    assert code, body
    rooms = [r for r in await app.brukerrom.list_all(("awaiting_bruker",))]
    return [r for r in rooms if r.creator_user_id == trond.user_id][-1].room_id, code.group(1)


async def _join_refused(app: SamsnakkApp, user: MatrixUser, room: str) -> None:
    status, body = await _http(app, user, "POST", f"/_matrix/client/v3/join/{quote(room)}")
    assert status == 403, body
    assert user.user_id not in await members(app, room)


async def _closed(app: SamsnakkApp, room: str, timeout: float = 10.0) -> None:
    """The closing follows the bot's message in the same handler."""
    for _ in range(int(timeout / 0.05)):
        record = await app.brukerrom.get(room)
        if (
            record is not None
            and record.state == "closed"
            and await members(app, room) == {app.cfg.bot_user_id}
        ):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{room} was not closed")


async def _actions(app: SamsnakkApp, room: str) -> list[str]:
    return [e.action for e in await app.audit.for_room(room)]


# -- offboarding ---------------------------------------------------------------------------


async def test_waiting_room_handed_over_so_consent_admits_the_colleague_not_the_leaver(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    # Øygarden: the Askøy admin room is test_admin.py's to make.
    admin = await make_user("admin", "Øygarden kommune", "Admin Øygarden")
    admin_room = await join_admin_room(app, admin, "oygarden-kommune", "Øygarden kommune")
    trond = await make_user("ansatt", "Øygarden kommune", "Trond Slutter")
    sara = await make_user("ansatt", "Øygarden kommune", "Sara Kollega")
    await list_in_directory(app, sara.user_id, "Sara Kollega", "oygarden-kommune", "psykolog")
    per = await make_user("bruker", None, "Per")
    room = await _waiting_room(app, trond, per)

    done = await command(
        app,
        admin,
        admin_room,
        f"!admin deaktiver {trond.user_id} til {sara.user_id}",
        "er deaktivert",
    )
    assert "1 rom som ventet" in done
    told = await per.wait_for_message(room, lambda s: "overført til" in s.body)
    assert f"Sara Kollega (Øygarden kommune, psykolog, {sara.user_id})" in told.body

    await command(app, per, room, "!samtykke ja", "Samtykket er registrert")
    await sara.accept_invite(room)
    await _join_refused(app, trond, room)
    assert await members(app, room) == {app.cfg.bot_user_id, per.user_id, sara.user_id}
    actions = await _actions(app, room)
    assert "creator_handed_over" in actions and "join_refused" in actions


async def test_consent_for_an_offboarded_creator_admits_nobody_and_closes_the_room(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    """The race: the bruker says yes while the creator's offboarding is under way."""
    trond = await make_user("ansatt", "Askøy kommune", "Trond Slutter")
    per = await make_user("bruker", None, "Per")
    room = await _waiting_room(app, trond, per)
    await app.offboarded.add(trond.user_id, "askoy-kommune", "@admin:samsnakk.localhost", 0)

    await command(app, per, room, "!samtykke ja", "ikke lenger med i Samsnakk")
    await _closed(app, room)
    assert not await app.participants.is_approved(room, trond.user_id)
    await _join_refused(app, trond, room)
    assert "creator_not_admitted" in await _actions(app, room)


async def test_offboarding_without_colleague_closes_the_waiting_room(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    trond = await make_user("ansatt", "Askøy kommune", "Trond Slutter")
    per = await make_user("bruker", None, "Per")
    room = await _waiting_room(app, trond, per)

    done = await app.offboarding.offboard(trond.user_id, None, "@admin:samsnakk.localhost")
    assert (done.waiting, done.account_closed) == (1, None)
    told = await per.wait_for_message(room, lambda s: "ikke lenger med i Samsnakk" in s.body)
    assert told.decrypted
    record = await app.brukerrom.get(room)
    assert record is not None and record.state == "closed"
    await _join_refused(app, trond, room)
    assert "room_closed" in await _actions(app, room)


async def test_an_offboarded_staff_members_code_is_void(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    trond = await make_user("ansatt", "Askøy kommune", "Trond Slutter")
    per = await make_user("bruker", None, "Per")
    room, code = await _room_with_code(app, trond)

    done = await app.offboarding.offboard(trond.user_id, None, "@admin:samsnakk.localhost")
    assert (done.codes, done.waiting) == (1, 1)
    per_dm = await dm_with_bot(app, per)
    await command(app, per, per_dm, f"!kode {code}", "stemmer ikke")
    record = await app.brukerrom.get(room)
    assert record is not None and record.bruker_user_id is None and record.state == "closed"
    assert per.user_id not in await members(app, room)
    actions = await _actions(app, room)
    assert "code_voided" in actions and "code_failed" in actions


async def test_an_offboarded_staff_member_cannot_create_rooms(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    trond = await make_user("ansatt", "Askøy kommune", "Trond Slutter")
    per = await make_user("bruker", None, "Per")
    dm = await dm_with_bot(app, trond)
    await app.offboarding.offboard(trond.user_id, None, "@admin:samsnakk.localhost")

    refused = await command(app, trond, dm, f"!rom ny {per.user_id}", "deaktivert")
    assert "Ta kontakt med administratoren" in refused
    assert not [r for r in await app.brukerrom.list_all() if r.creator_user_id == trond.user_id]
    assert not per.client.invited_rooms
    actions = [e.action for e in await app.audit.for_actor(trond.user_id)]
    assert "offboarded_refused" in actions


async def test_staff_role_comes_from_the_directory_and_ends_at_offboarding(
    app: SamsnakkApp, synapse: RunningSynapse, make_user: UserFactory, client_dir: Path
) -> None:
    """As in production: no role is recorded for the account, only the directory entry."""
    kari = await new_user(synapse, client_dir)
    per = await make_user("bruker", None, "Per")
    try:
        await list_in_directory(app, kari.user_id, "Kari Sykepleier", "askoy-kommune", "sykepleier")
        dm = await dm_with_bot(app, kari)
        await command(app, kari, dm, "!katalog sykepleier askøy", "Treff")
        await command(app, kari, dm, f"!rom ny {per.user_id}", "er opprettet")

        await app.offboarding.offboard(
            kari.user_id, None, "@admin:samsnakk.localhost", "askoy-kommune"
        )
        refused = await command(app, kari, dm, "!katalog sykepleier askøy", "deaktivert")
        assert "Treff" not in refused and "Ta kontakt med administratoren" in refused
        entries = [e for e in await app.audit.for_actor(kari.user_id)]
        assert [e.details for e in entries if e.action == "offboarded_refused"] == [
            {"command": "katalog"}
        ]
    finally:
        await kari.stop()


async def test_policy_can_deactivate_the_homeserver_account_too(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    operator = await make_user("admin", None, "Drift", admin=True)
    synapse_admin = SynapseAdmin(app.cfg.homeserver.url, operator.client.access_token or "")
    policy = app.policies.policy.model_copy(
        update={"offboarding": OffboardingPolicy(deactivate_account=True)}
    )
    deps = dataclasses.replace(
        app.deps, policies=app.policies.model_copy(update={"policy": policy})
    )
    offboarding = Offboarding(
        deps,
        app.rooms_service,
        app.directory,
        app.meetings,
        app.codes,
        app.offboarded,
        synapse_admin,
        app.room_notices,
    )
    trond = await make_user("ansatt", "Askøy kommune", "Trond Slutter")
    by = "@admin.deaktiver:samsnakk.localhost"
    try:
        done = await offboarding.offboard(trond.user_id, None, by)
        assert done.account_closed is True
        path = f"/_synapse/admin/v2/users/{quote(trond.user_id)}"
        status, account = await _http(app, operator, "GET", path)
        assert status == 200 and account["deactivated"] is True
        status, _ = await _http(app, trond, "GET", "/_matrix/client/v3/account/whoami")
        assert status == 401  # the sessions it had are ended
        login = await trond.client.login(trond.password)
        assert getattr(login, "status_code", None) == "M_FORBIDDEN", login  # no new one
        entries = [e for e in await app.audit.for_actor(by) if e.action == "account_deactivated"]
        assert [e.subject for e in entries] == [trond.user_id]
    finally:
        await synapse_admin.close()


# -- who may redeem a code -----------------------------------------------------------------


async def test_only_a_bruker_account_can_redeem_a_code(
    app: SamsnakkApp, synapse: RunningSynapse, make_user: UserFactory, client_dir: Path
) -> None:
    """Decided as production can: no role is recorded for these accounts, only the directory
    and the `b-` namespace tell staff from brukere."""
    trond = await make_user("ansatt", "Askøy kommune", "Trond")
    room, code = await _room_with_code(app, trond)
    kari = await new_user(synapse, client_dir)  # staff: in the directory, no role recorded
    ola = await new_user(synapse, client_dir)  # neither staff nor in the bruker namespace
    per = await new_user(synapse, client_dir, name=f"b-{secrets.token_hex(9)}")
    try:
        await list_in_directory(app, kari.user_id, "Kari Sykepleier", "askoy-kommune", "sykepleier")
        refused = await command(app, kari, await dm_with_bot(app, kari), f"!kode {code}", "Koden")
        assert "ansatt-konto" in refused
        unknown = await command(app, ola, await dm_with_bot(app, ola), f"!kode {code}", "Koden")
        assert "brukerens egen konto" in unknown
        record = await app.brukerrom.get(room)
        assert record is not None and record.bruker_user_id is None
        assert {kari.user_id, ola.user_id}.isdisjoint(await members(app, room))
        failed = [e.details for e in await app.audit.for_room(room) if e.action == "code_failed"]
        assert {"staff": True} in failed and {"not_bruker": True} in failed

        await command(app, per, await dm_with_bot(app, per), f"!kode {code}", "invitert")
        assert await per.accept_invite(room) == room
    finally:
        for user in (kari, ola, per):
            await user.stop()


# -- «!rom ny fnr:» ------------------------------------------------------------------------


def _number() -> str:
    while True:
        number = with_control_digits(
            f"0101{secrets.randbelow(90) + 10:02d}{secrets.randbelow(900) + 100}"
        )
        if number is not None:
            return number


@pytest_asyncio.fixture(loop_scope="session")
async def idporten(app: SamsnakkApp, make_user: UserFactory) -> AsyncIterator[SynapseAdmin]:
    """The ID-porten path on the session's Synapse: a server admin's token, and a limit of 3."""
    operator = await make_user("admin", None, "Drift", admin=True)
    synapse_admin = SynapseAdmin(app.cfg.homeserver.url, operator.client.access_token or "")
    onboarding = app.policies.policy.onboarding.model_copy(
        update={"max_fnr_rooms": 3, "fnr_window": timedelta(hours=1)}
    )
    limit = FnrLimit(FnrLookupRepo(app.db), app.clock, lambda: onboarding, app.audit)
    before = app.rooms_service.idporten
    app.rooms_service.idporten = IdPortenAccounts(
        app.cfg.security.pseudonym_key_bytes, app.cfg.homeserver.server_name, synapse_admin, limit
    )
    yield synapse_admin
    app.rooms_service.idporten = before
    await synapse_admin.close()


def _neutral(answer: str) -> str:
    return PSEUDONYM.sub("@b-…", LABEL.sub("«…»", answer))


async def test_fnr_answer_is_the_same_for_a_fresh_and_a_deactivated_account(
    app: SamsnakkApp, make_user: UserFactory, idporten: SynapseAdmin
) -> None:
    key = app.cfg.security.pseudonym_key_bytes
    assert key is not None
    former = _number()
    former_id = f"@{pseudonym_localpart(key, former)}:{app.cfg.homeserver.server_name}"
    await idporten.ensure_user(former_id, "Bruker")
    await idporten.deactivate(former_id)

    trond = await make_user("ansatt", "Askøy kommune", "Trond")
    dm = await dm_with_bot(app, trond)
    fresh = await command(app, trond, dm, f"!rom ny fnr:{_number()}", "Rommet")
    again = await command(app, trond, dm, f"!rom ny fnr:{former}", "Rommet")
    # Each answer names its own room and its own pseudonymous account (in the app link's
    # login_hint); apart from those, the two must read alike.
    assert _neutral(fresh) == _neutral(again)
    assert "er opprettet" in again and former not in again
    room = [r for r in await app.brukerrom.list_all() if r.bruker_user_id == former_id][-1]
    assert await members(app, room.room_id) == {app.cfg.bot_user_id}


async def test_fnr_rooms_are_limited_per_ansatt_and_the_limit_is_audited(
    app: SamsnakkApp, make_user: UserFactory, idporten: SynapseAdmin
) -> None:
    trond = await make_user("ansatt", "Askøy kommune", "Trond")
    vera = await make_user("ansatt", "NAV Askøy", "Vera")
    dm = await dm_with_bot(app, trond)
    await command(app, trond, dm, "!rom ny fnr:12345678901", "")  # invalid: not counted
    for _ in range(3):
        await command(app, trond, dm, f"!rom ny fnr:{_number()}", "er opprettet")
    made = len(await app.brukerrom.list_all())

    limited = await command(app, trond, dm, f"!rom ny fnr:{_number()}", "mange rom")
    assert "minutter" in limited and "+47" in limited
    assert len(await app.brukerrom.list_all()) == made
    entries = [
        e for e in await app.audit.for_actor(trond.user_id) if e.action == "fnr_rate_limited"
    ]
    assert len(entries) == 1 and entries[0].details == {"count": 3}
    # Per ansatt: a colleague is not held back.
    await command(
        app, vera, await dm_with_bot(app, vera), f"!rom ny fnr:{_number()}", "er opprettet"
    )
