"""Brukerrom use cases: create, consent, close, and who is in the room.

Consent covers the creator; everyone else needs the bruker's own approval (services/approvals).
Every change to who may be in a room goes to the participants table first, then the access
cache is invalidated, then Matrix is told, then it is audited.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from samsnakk_bot.domain import lifecycle, texts
from samsnakk_bot.domain.brukerrom import (
    MEGOLM,
    RomNyProblem,
    Target,
    TargetKind,
    initial_state,
    parse_rom_ny,
    power_levels,
    room_name,
)
from samsnakk_bot.domain.i18n import current as current_language
from samsnakk_bot.domain.i18n import speaking
from samsnakk_bot.domain.lifecycle import ParticipantEvent, ParticipantRole, RoomEvent
from samsnakk_bot.domain.onboarding_link import OnboardingLinks
from samsnakk_bot.domain.polls import POLL_START, poll_start
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.domain.room_records import Brukerrom
from samsnakk_bot.domain.sending import PlaintextRefused
from samsnakk_bot.domain.standing import Standing
from samsnakk_bot.domain.varsler import Kind
from samsnakk_bot.services.approvals import ApprovalService
from samsnakk_bot.services.commands import CommandContext, CommandService
from samsnakk_bot.services.idporten import IdPortenAccounts
from samsnakk_bot.services.onboarding import OnboardingService
from samsnakk_bot.services.people import Found, NotFound
from samsnakk_bot.services.room_common import (
    CommandProblem,
    RoomDeps,
    RoomUseCase,
    guarded,
    oslo_when,
)
from samsnakk_bot.services.room_labels import AliasTaken, LabelDrawer

log = logging.getLogger(__name__)
LOG_LIMIT = 200
# Each try waits up to 10 s for the bot's client (RoomActions.say): a minute in all.
CONSENT_PROMPT_ATTEMPTS = 6


class BrukerromService(RoomUseCase):
    def __init__(
        self,
        deps: RoomDeps,
        approvals: ApprovalService,
        onboarding: OnboardingService,
        idporten: IdPortenAccounts | None = None,
        links: OnboardingLinks | None = None,
    ) -> None:
        super().__init__(deps)
        # Called with (room_id, actor) when a room closes, e.g. to cancel its meetings.
        self.on_close: list[Callable[[str, str], Awaitable[None]]] = []
        # After everyone is out and the closing is audited (e.g. deletion on the homeserver).
        self.after_close: list[Callable[[str, str], Awaitable[None]]] = []
        self.approvals = approvals
        self.onboarding = onboarding
        self.idporten = idporten or IdPortenAccounts(None, "", None)
        # What the creator sends a new bruker to open the app (D90); None: nothing added.
        self.links = links
        self.labels = LabelDrawer(deps.brukerrom.label_taken)

    def register(self, commands: CommandService) -> None:
        commands.add_handler("rom ny", guarded(self.rom_ny))
        commands.add_handler("samtykke ja", guarded(self.samtykke_ja))
        commands.add_handler("samtykke nei", guarded(self.samtykke_nei))
        commands.add_handler("samtykke vis", guarded(self.samtykke_vis))
        commands.add_handler("samtykke trekk", guarded(self.samtykke_trekk))
        commands.add_handler("deltakere", guarded(self.deltakere))
        commands.add_handler("forlat", guarded(self.forlat))
        commands.add_handler("logg", guarded(self.logg))

    # -- shared lookups ------------------------------------------------------------------

    def name_of(self, room: Brukerrom) -> str:
        return room_name(self.d.policies.policy.room.name_prefix, room.label)

    # -- !rom ny -------------------------------------------------------------------------

    async def rom_ny(self, ctx: CommandContext) -> Reply:
        if await self.d.people.is_offboarded(ctx.sender):
            await self.audit(None, ctx.sender, "offboarded_refused", details={"command": "rom ny"})
            raise CommandProblem(texts.OFFBOARDED_CANNOT_CREATE)
        parsed = parse_rom_ny(ctx.match.raw_args)
        if isinstance(parsed, RomNyProblem):
            problem = {
                RomNyProblem.MISSING_BRUKER: texts.ROM_NY_MISSING_BRUKER,
                RomNyProblem.BRUKER_IS_NAME: texts.ROM_NY_BRUKER_IS_NAME,
                RomNyProblem.EMPTY_MED: texts.ROM_NY_EMPTY_MED,
            }[parsed]
            spec = ctx.match.spec
            raise CommandProblem(texts.bad_arguments(spec.usage, spec.example, problem))
        proposed = await self.resolve_people(parsed.readings, ctx.sender)

        if parsed.bruker.kind is TargetKind.PHONE:
            phone = self.onboarding.normalise_phone(parsed.bruker.value)
            room = await self.create(ctx.sender, None, proposed)
            code = await self.onboarding.issue(room.room_id, ctx.sender, phone)
            await self.d.notify.notify_phone(phone, code, room.room_id, "code")
            hours = int(self.d.policies.policy.onboarding.code_ttl.total_seconds() // 3600)
            names = [await self.d.people.name(u) for u in proposed]
            reply = texts.room_created_with_code(self.name_of(room), code, hours, names)
            return self.with_app_link(reply, None)

        by_fnr = parsed.bruker.kind is TargetKind.FNR
        if by_fnr:
            bruker = await self.idporten.account_for(parsed.bruker.value, ctx.sender)
        else:
            bruker = parsed.bruker.value
        if bruker == ctx.sender:
            raise CommandProblem(texts.ROM_NY_SELF)
        if not by_fnr:
            found_bruker = await self.d.people.resolve(parsed.bruker)
            if not isinstance(found_bruker, Found):
                raise CommandProblem(found_bruker.problem)
        if await self.d.people.standing(bruker) is Standing.STAFF:
            raise CommandProblem(texts.bruker_is_staff(await self.d.people.name(bruker)))
        room = await self.create(ctx.sender, bruker, proposed)
        names = [await self.d.people.name(u) for u in proposed]
        if by_fnr:
            # The pseudonymous ID goes only to the creator, who will see it in the room anyway.
            reply = texts.room_created_for_idporten(self.name_of(room), names)
            return self.with_app_link(reply, bruker)
        return texts.room_created(self.name_of(room), await self.d.people.name(bruker), names)

    def with_app_link(self, reply: Reply, login_hint: str | None) -> Reply:
        if self.links is None:
            return reply
        link = self.links.app(login_hint)
        return texts.with_onboarding_link(reply, link, self.links.page_url, login_hint is not None)

    async def resolve_people(
        self, readings: tuple[tuple[Target, ...], ...], sender: str
    ) -> list[str]:
        found = await self.d.people.resolve_all(readings)
        if isinstance(found, NotFound):
            raise CommandProblem(found.problem)
        return [u for u in found if u != sender]

    async def new_label(self) -> str:
        return (await self.labels.draw())[0]

    async def create(self, creator: str, bruker: str | None, proposed: list[str]) -> Brukerrom:
        """Create the encrypted room; the bruker (if known) is its only invitee."""
        policy = self.d.policies.policy
        if bruker is not None:
            self.d.access.expect_invite(bruker)
        attempt = 0
        while True:
            label, attempt = await self.labels.draw(attempt)
            try:
                room_id = await self.d.actions.create_room(
                    name=room_name(policy.room.name_prefix, label),
                    alias_localpart=f"{policy.room.alias_prefix}{label}",
                    initial_state=initial_state(policy.room.history_visibility),
                    power_levels=power_levels(),
                    invite=[bruker] if bruker else [],
                )
                break
            except AliasTaken:
                # Another create took this alias between our check and its createRoom.
                log.info("room alias taken on the homeserver; drawing another label")
                attempt += 1
        now = self.now()
        await self.d.rooms.upsert_kind(room_id, "brukerrom", now_ms=now)
        await self.d.rooms.set_encrypted(room_id, MEGOLM, now)
        state = lifecycle.state_at_creation(bruker is not None)
        await self.d.brukerrom.create(room_id, label, creator, bruker, state, now)
        if bruker is not None:
            await self.d.participants.approve(
                room_id, bruker, ParticipantRole.BRUKER, now, proposed_by=creator, proposed_ms=now
            )
            if await self.d.accounts.get(bruker) is None:
                await self.d.accounts.upsert(bruker, "bruker", None, None, now)
        self.d.access.invalidate(room_id)
        await self.audit(room_id, creator, "room_created", details={"label": label})
        if bruker is not None:
            await self.audit(room_id, self.d.bot_user_id, "invited", subject=bruker)
        for candidate in proposed:
            await self.approvals.queue(room_id, candidate, creator, None)
        room = await self.d.brukerrom.get(room_id)
        assert room is not None
        return room

    # -- consent -------------------------------------------------------------------------

    async def _say_patiently(self, room_id: str, reply: Reply) -> None:
        """say(), waiting longer for the bot's client to see the new room encrypted. Under load
        its /sync can trail the room's creation by more than say()'s 10 s (bench_sustained.py
        on the worker stack); the prompt runs in the background with nobody to try again,
        and without it the bruker has no way into the room (D170)."""
        for attempt in range(CONSENT_PROMPT_ATTEMPTS):
            try:
                await self.d.actions.say(room_id, reply)
                return
            except PlaintextRefused:
                if attempt == CONSENT_PROMPT_ATTEMPTS - 1:
                    raise
                log.warning("consent prompt: the bot's client has not seen the room yet")

    async def post_consent_prompt(self, room: Brukerrom) -> None:
        assert room.bruker_user_id is not None
        if await self.d.polls.has_consent_poll(room.room_id):
            return  # a rejoin or a replayed join: the question is already in the room
        creator = await self.d.people.describe(room.creator_user_id)
        with speaking(await self.room_language(room.room_id)):
            text, _version = self._consent_text()
            prompt = texts.consent_prompt_from(room.bruker_user_id, creator, text)
            poll = poll_start(
                texts.consent_poll_question(creator),
                [("ja", texts.CONSENT_POLL_YES), ("nei", texts.CONSENT_POLL_NO)],
                texts.CONSENT_POLL_FALLBACK,
            )
        await self._say_patiently(room.room_id, prompt)
        await self.d.notify.notify(
            room.bruker_user_id, Kind.APPROVAL_PROMPT, room.room_id, f"consent:{room.room_id}"
        )
        event_id = await self.d.actions.say_event(room.room_id, POLL_START, poll)
        await self.d.polls.add(event_id, room.room_id, "consent", None, self.now())

    async def samtykke_ja(self, ctx: CommandContext) -> Reply | None:
        room = await self.bruker_room(ctx)
        _text, version = self._consent_text()  # the language version the bruker is shown
        lifecycle.consent(room.state)  # an illegal move is answered by ``guarded``
        if not await self.d.brukerrom.record_consent(room.room_id, version, self.now()):
            raise CommandProblem(texts.CONSENT_NOT_PENDING)  # answered twice at once
        await self.audit(room.room_id, ctx.sender, "consent_given", details={"version": version})
        # Re-read: offboarding may have handed the room over, or be under way right now.
        room = await self.d.brukerrom.get(room.room_id) or room
        if await self.d.people.is_offboarded(room.creator_user_id):
            await self._creator_gone(room)
            return None
        now = self.now()
        await self.d.participants.approve(
            room.room_id,
            room.creator_user_id,
            ParticipantRole.CREATOR,
            now,
            proposed_by=room.creator_user_id,
            proposed_ms=room.created_ms,
        )
        self.d.access.invalidate(room.room_id)
        await self.d.actions.invite(room.room_id, room.creator_user_id)
        await self.audit(room.room_id, self.d.bot_user_id, "invited", subject=room.creator_user_id)
        reply = texts.consent_given(
            await self.d.people.name(ctx.sender), await self.d.people.name(room.creator_user_id)
        )
        await self.d.actions.say(room.room_id, reply)
        await self.approvals.prompt_queued(room.room_id)
        return None

    async def _creator_gone(self, room: Brukerrom) -> None:
        """Consent arrived for a creator who was offboarded: nobody is let in, the room closes."""
        await self.audit(
            room.room_id, self.d.bot_user_id, "creator_not_admitted", subject=room.creator_user_id
        )
        await self.d.actions.say(room.room_id, Reply(texts.OFFBOARDED_CREATOR_GONE, None))
        await self.close(room, self.d.bot_user_id)

    async def samtykke_nei(self, ctx: CommandContext) -> Reply | None:
        room = await self.bruker_room(ctx)
        lifecycle.refuse_consent(room.state)  # an illegal move is answered by ``guarded``
        await self.audit(room.room_id, ctx.sender, "consent_refused")
        await self.d.actions.say(room.room_id, texts.consent_refused_room())
        await self.close(room, ctx.sender, RoomEvent.REFUSE_CONSENT)
        await self.tell_dm(
            room.creator_user_id, texts.consent_refused_to_creator(self.name_of(room))
        )
        return None

    async def samtykke_vis(self, ctx: CommandContext) -> Reply:
        text, version = self._consent_text()
        return texts.consent_text(text, version)

    def _consent_text(self) -> tuple[str, str]:
        """(text, version) in the language being spoken: the policy's text in that language and
        what the bot keeps, with the periods of the retention policy. The version names the
        language of the text («3-nn»), so the consent records which one was shown."""
        policy = self.d.policies.policy
        text, version = policy.consent.in_language(current_language())
        storage = texts.consent_with_storage(
            text, policy.retention.inactivity.days, policy.retention.audit_log.days
        )
        return storage, version

    async def samtykke_trekk(self, ctx: CommandContext) -> Reply | None:
        room = await self.bruker_room(ctx)
        lifecycle.withdraw_consent(room.state)  # an illegal move is answered by ``guarded``
        await self.audit(room.room_id, ctx.sender, "consent_withdrawn")
        await self.d.actions.say(
            room.room_id, texts.consent_withdrawn(await self.d.people.name(ctx.sender))
        )
        members = [p.user_id for p in await self.d.participants.in_room(room.room_id)]
        await self.close(room, ctx.sender, RoomEvent.WITHDRAW_CONSENT)
        for user in members:
            if user != ctx.sender:
                await self.tell_dm(user, texts.consent_withdrawn_to_member(self.name_of(room)))
        return None

    async def close(self, room: Brukerrom, actor: str, event: RoomEvent = RoomEvent.CLOSE) -> None:
        """Archive: everyone but the bot removed, requests cancelled, name marked, tombstoned."""
        now = self.now()
        if not await self.d.brukerrom.close(room.room_id, now, event):
            return  # someone else closed it a moment ago: do not kick and announce twice
        for p in await self.d.participants.in_room(room.room_id):
            await self.d.participants.end(room.room_id, p.user_id, ParticipantEvent.REMOVE, now)
        await self.approvals.cancel_all(room.room_id, actor)
        for hook in self.on_close:
            await hook(room.room_id, actor)
        self.d.access.invalidate(room.room_id)
        for user in await self.d.actions.joined_members(room.room_id):
            if user != self.d.bot_user_id:
                await self.d.actions.kick(room.room_id, user, texts.ROOM_CLOSED)
                await self.audit(room.room_id, self.d.bot_user_id, "removed", subject=user)
        await self.d.actions.set_name(room.room_id, self.name_of(room) + " (lukket)")
        # Clients show a tombstoned room as ended; there is no room to move on to.
        await self.d.actions.set_state(
            room.room_id, "m.room.tombstone", {"body": texts.ROOM_TOMBSTONE, "replacement_room": ""}
        )
        await self.audit(room.room_id, actor, "room_closed")
        for hook in self.after_close:
            await hook(room.room_id, actor)

    async def tell_dm(self, user_id: str, reply: Reply) -> None:
        """Tell someone outside the room, in their direct chat with the bot, if they have one."""
        dm = await self.d.rooms.dm_with(user_id)
        if dm is None:
            return
        try:
            await self.d.actions.say(dm, reply)
        except Exception:
            log.warning("could not tell %s in their DM", user_id, exc_info=True)

    # -- who is here ---------------------------------------------------------------------

    async def deltakere(self, ctx: CommandContext) -> Reply:
        room = await self.room_of(ctx)
        rows = []
        for p in await self.d.participants.in_room(room.room_id):
            proposed_by = (
                await self.d.people.name(p.proposed_by)
                if p.proposed_by and p.role == ParticipantRole.DELTAKER
                else None
            )
            rows.append(
                (
                    await self.d.people.describe(p.user_id),
                    texts.ROLE_LABELS.get(p.role, p.role),
                    proposed_by,
                    oslo_when(p.approved_ms),
                )
            )
        return texts.participants_list(rows)

    async def forlat(self, ctx: CommandContext) -> Reply | None:
        room = await self.room_of(ctx)
        if ctx.sender == room.bruker_user_id:
            raise CommandProblem(texts.BRUKER_CANNOT_LEAVE)
        ended = await self.d.participants.end(
            room.room_id, ctx.sender, ParticipantEvent.LEAVE, self.now()
        )
        if not ended:
            raise CommandProblem(texts.not_in_room(await self.d.people.name(ctx.sender)))
        self.d.access.invalidate(room.room_id)
        name = await self.d.people.name(ctx.sender)
        await self.d.actions.say(room.room_id, texts.left_room(name))
        await self.d.actions.kick(room.room_id, ctx.sender, texts.left_room(name).body)
        await self.audit(room.room_id, ctx.sender, "left")
        return None

    async def logg(self, ctx: CommandContext) -> Reply | None:
        """The innsynslogg: the bruker's own view of every access change in their room."""
        room = await self.bruker_room(ctx)
        # Newest entries only: one Matrix event holds at most 64 KiB.
        entries = (await self.d.audit.for_room(room.room_id))[-LOG_LIMIT:]
        people = {e.actor for e in entries} | {e.subject for e in entries if e.subject}
        names = {u: await self.d.people.describe(u) for u in people if u.startswith("@")}
        names[self.d.bot_user_id] = texts.BOT_NAME
        rows = [(e.ts_ms, e.actor, e.subject, e.action, e.details) for e in entries]
        return texts.innsyn_log(rows, names)
