"""Wiring and life cycle: explicit start-up and shutdown action lists."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import text

from bridge.channels.email_smtp import SmtpEmail
from bridge.channels.matrix_dm import MatrixDm
from bridge.channels.sms_linkmobility import LinkMobilitySms
from bridge.delivery_reports import DeliveryReport
from bridge.outbox_worker import Channels, OutboxWorker
from samsnakk_bot.clock import Clock, SystemClock
from samsnakk_bot.config import Config, ConfigError
from samsnakk_bot.domain import texts
from samsnakk_bot.domain.commands import parse_command
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.http.antispam import AntispamRoutes
from samsnakk_bot.http.appservice import AppserviceRoutes
from samsnakk_bot.http.delivery_reports import DeliveryReportRoutes
from samsnakk_bot.http.health import register_health
from samsnakk_bot.http.welcome import register_welcome
from samsnakk_bot.log_redaction import RedactIdentifiers
from samsnakk_bot.matrix.bot import BotRuntime, IncomingPollAnswer, IncomingText, SendingDevice
from samsnakk_bot.matrix.device_keys import PublishedIdentities
from samsnakk_bot.matrix.mas_admin import MasAdmin
from samsnakk_bot.matrix.room_actions import MatrixRoomActions
from samsnakk_bot.matrix.room_keys import NioRoomKeys
from samsnakk_bot.matrix.synapse_admin import SynapseAdmin
from samsnakk_bot.metrics import Metrics
from samsnakk_bot.policies import Policies, load_policies
from samsnakk_bot.services.access import AccessService
from samsnakk_bot.services.admin import AdminService
from samsnakk_bot.services.admin_katalog import AdminKatalog
from samsnakk_bot.services.admin_roster import AdminRoster
from samsnakk_bot.services.approvals import ApprovalService
from samsnakk_bot.services.audit_checkpoints import AuditCheckpoints
from samsnakk_bot.services.brukerrom import BrukerromService
from samsnakk_bot.services.calendar import MeetingCalendar
from samsnakk_bot.services.commands import CommandService
from samsnakk_bot.services.device_trust import DeviceTrust
from samsnakk_bot.services.guard import Guard
from samsnakk_bot.services.identity_notices import IdentityNotices
from samsnakk_bot.services.idporten import FnrLimit, IdPortenAccounts
from samsnakk_bot.services.inbox import InboxService
from samsnakk_bot.services.inbox_purge import InboxPurge
from samsnakk_bot.services.katalog import KatalogCommands
from samsnakk_bot.services.meetings import MeetingService
from samsnakk_bot.services.membership import MembershipHandler
from samsnakk_bot.services.offboarding import Offboarding
from samsnakk_bot.services.onboarding import OnboardingService
from samsnakk_bot.services.pending_answers import PendingAnswers
from samsnakk_bot.services.people import People
from samsnakk_bot.services.poll_answers import PollAnswers
from samsnakk_bot.services.ports import AccountProvisioner
from samsnakk_bot.services.retention import RetentionService
from samsnakk_bot.services.room_common import RoomDeps
from samsnakk_bot.services.room_keys import RoomKeyEnd
from samsnakk_bot.services.room_notices import RoomNotices
from samsnakk_bot.services.room_upgrade import RoomUpgrader
from samsnakk_bot.services.trust_commands import TrustCommands
from samsnakk_bot.services.varsel_commands import VarselCommands
from samsnakk_bot.services.varsler import VarselDeps, VarselService
from samsnakk_bot.store import AccountRepo, Database, InboxRepo, RoomRepo, SecretRepo
from samsnakk_bot.store.admin_rooms import AdminRoomRepo
from samsnakk_bot.store.audit import AuditLog, chain_key_from
from samsnakk_bot.store.brukerrom import BrukerromRepo, ParticipantRepo, RequestRepo
from samsnakk_bot.store.checkpoint_file import CheckpointFile
from samsnakk_bot.store.codes import CodeRepo
from samsnakk_bot.store.directory import DirectoryRepo
from samsnakk_bot.store.fieldcrypt import FieldCipher
from samsnakk_bot.store.identity_pins import IdentityPinRepo
from samsnakk_bot.store.meetings import MeetingRepo
from samsnakk_bot.store.offboarded import FnrLookupRepo, OffboardedRepo
from samsnakk_bot.store.polls import PollRepo
from samsnakk_bot.store.refused_rooms import RefusedRoomRepo
from samsnakk_bot.store.rollups import InboxRollups
from samsnakk_bot.store.room_notices import RoomNoticeRepo
from samsnakk_bot.store.varsler import DeliveryReportRepo, PrefsRepo, VarselRepo
from samsnakk_bot.tasks import TaskGroup

log = logging.getLogger(__name__)


class SamsnakkApp:
    def __init__(
        self, cfg: Config, clock: Clock | None = None, policies: Policies | None = None
    ) -> None:
        self.cfg = cfg
        self.clock = clock or SystemClock()
        self.metrics = Metrics()
        # Policies are validated here, so a bad policy file stops start-up with its key named.
        self.policies = policies or load_policies(cfg.policies_dir)
        self._build()

    def _build(self) -> None:
        """Fresh components, so that one app object can be stopped and started again."""
        cfg = self.cfg
        self.db = Database(cfg.database.url)
        self.cipher = FieldCipher(cfg.security.field_key_bytes)
        self.rooms = RoomRepo(self.db)
        self.accounts = AccountRepo(self.db)
        self.inbox = InboxService(InboxRepo(self.db), self.clock, self.metrics)
        self.bot = BotRuntime(cfg, SecretRepo(self.db), self.cipher, self.rooms, self.clock.now_ms)
        self.commands = CommandService(self.accounts, self.rooms, self.metrics)
        self._tasks = TaskGroup()
        self._build_brukerrom()
        self._runner: web.AppRunner | None = None
        self._stopped = asyncio.Event()
        self._started = False

    def _build_brukerrom(self) -> None:
        cfg = self.cfg
        bot = cfg.bot_user_id
        key = cfg.security.field_key_bytes
        self.audit = AuditLog(self.db, chain_key_from(key))
        self.brukerrom = BrukerromRepo(self.db)
        self.participants = ParticipantRepo(self.db)
        self.requests = RequestRepo(self.db)
        self.admin_rooms = AdminRoomRepo(self.db)
        self.refused_rooms = RefusedRoomRepo(self.db)
        self.admin_roster = AdminRoster(self.policies, self.accounts, self.admin_rooms)
        self.access = AccessService(
            self.brukerrom,
            self.participants,
            bot,
            admin_members=self.admin_roster,
            refused=self.refused_rooms,
            history_visibility=self.policies.policy.room.history_visibility,
        )
        self.actions = MatrixRoomActions(self.bot)
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self.directory = DirectoryRepo(self.db, self.cipher)
        self.polls = PollRepo(self.db)
        self.offboarded = OffboardedRepo(self.db)
        self._build_varsler()
        self.deps = RoomDeps(
            bot_user_id=bot,
            rooms=self.rooms,
            brukerrom=self.brukerrom,
            participants=self.participants,
            requests=self.requests,
            accounts=self.accounts,
            actions=self.actions,
            people=People(
                self.accounts,
                self.actions,
                self.directory,
                self.policies,
                server_name=cfg.homeserver.server_name,
                offboarded=self.offboarded,
            ),
            audit=self.audit,
            access=self.access,
            clock=self.clock,
            policies=self.policies,
            cipher=self.cipher,
            polls=self.polls,
            notify=self.varsler,
        )
        self.approvals = ApprovalService(self.deps, self.scheduler)
        self.codes = CodeRepo(self.db)
        self.onboarding = OnboardingService(self.deps, self.codes, _derive(key, b"code"))
        fnr_limit = FnrLimit(
            FnrLookupRepo(self.db), self.clock, lambda: self.policies.policy.onboarding, self.audit
        )
        deleter = self._room_deleter()
        idporten = IdPortenAccounts(
            cfg.security.pseudonym_key_bytes,
            cfg.homeserver.server_name,
            self._account_maker(deleter),
            fnr_limit,
        )
        self.rooms_service = BrukerromService(
            self.deps, self.approvals, self.onboarding, idporten, cfg.onboarding_links
        )
        self.meetings = MeetingRepo(self.db)
        calendar = None
        if cfg.varsler.email is not None:
            calendar = MeetingCalendar(
                self.varsler,
                self.meetings,
                self.accounts,
                self.deps.people,
                cfg.varsler.email.from_address,
                self._tasks,
                self.participants,
            )
        self.meeting_service = MeetingService(self.deps, self.meetings, self.scheduler, calendar)
        self.meeting_service.register(self.commands)
        self.rooms_service.on_close.append(self.meeting_service.cancel_all_in_room)
        for service in (self.rooms_service, self.approvals, self.onboarding):
            service.register(self.commands)
        VarselCommands(self.varsler, self.audit).register(self.commands)
        KatalogCommands(self.directory, self.policies).register(self.commands)
        self.room_notices = RoomNotices(RoomNoticeRepo(self.db), self.actions, self.clock.now_ms)
        self.offboarding = Offboarding(
            self.deps,
            self.rooms_service,
            self.directory,
            self.meetings,
            self.codes,
            self.offboarded,
            self.synapse_admin,
            self.room_notices,
        )
        self.admin = AdminService(
            self.deps, self.admin_roster, self.db, self.directory, self.offboarding
        )
        self.admin.register(self.commands)
        self.upgrader = RoomUpgrader(self.deps, self.access, self.refused_rooms, self.db)
        checkpoint_file = cfg.audit.checkpoint_file
        self.checkpoints = AuditCheckpoints(
            self.audit,
            cfg.audit.checkpoint_every,
            CheckpointFile(checkpoint_file) if checkpoint_file else None,
            self.admin_rooms,
            self.actions.say,
            self.clock.now_ms,
            self._tasks,
            actor=cfg.bot_user_id,
        )
        self.retention = RetentionService(
            self.deps, self.rooms_service, self.audit, self.synapse_admin
        )
        self.inbox_purge = InboxPurge(InboxRollups(self.db), cfg.bot_user_id, self.clock.now_ms)
        # First of the after-close hooks: local, and not stopped by a failing homeserver call.
        self.rooms_service.after_close.insert(
            0, RoomKeyEnd(self.deps, NioRoomKeys(self.bot)).after_close
        )
        AdminKatalog(
            self.admin.org_for, self.directory, self.policies.organisations, self.audit, self.clock
        ).register(self.commands)
        self.commands.on_refused(self._audit_command_refusal)
        self.commands.set_role_resolver(self.deps.people.command_role)
        self._build_device_trust()
        self.pending_answers = PendingAnswers(self.deps, self.commands)
        self.commands.on_plain_text(self.pending_answers.answer)
        self.poll_answers = PollAnswers(
            self.polls, self.requests, self.commands, self.audit, self.clock
        )
        self.antispam = AntispamRoutes(
            cfg.antispam.secret, self.access, self._audit_refusal, self.metrics
        )

    def _build_device_trust(self) -> None:
        """MSC4153: room keys and commands only for cross-signed devices of pinned identities."""
        self.device_trust = DeviceTrust(
            PublishedIdentities(self.bot.http),
            IdentityPinRepo(self.db),
            self.audit,
            self.clock,
            self.rooms,
            self.cfg.bot_user_id,
        )
        self.bot.set_key_sharing(self.device_trust, self.device_trust.forget)
        TrustCommands(self.deps, self.device_trust, self.admin.org_for, self.directory).register(
            self.commands
        )
        notices = IdentityNotices(self.deps, self.bot.send_reply, self.dm.send)
        self.device_trust.on_identity_change(notices.identity_changed)

    def _build_varsler(self) -> None:
        cfg = self.cfg.varsler
        self.dm = MatrixDm(self.bot, self.rooms, self.clock.now_ms)
        self.outbox = VarselRepo(self.db)
        self.delivery_reports = DeliveryReportRepo(self.db)
        available = {"app"} | ({"sms"} if cfg.sms else set()) | ({"epost"} if cfg.email else set())
        self.varsler = VarselService(
            VarselDeps(
                bot_user_id=self.cfg.bot_user_id,
                outbox=self.outbox,
                prefs=PrefsRepo(self.db),
                accounts=self.accounts,
                rooms=self.rooms,
                brukerrom=self.brukerrom,
                participants=self.participants,
                cipher=self.cipher,
                clock=self.clock,
                policies=self.policies,
                available=frozenset(available),
                wake=lambda: self.outbox_worker.wake(),
            )
        )
        self.outbox_worker = OutboxWorker(
            self.outbox,
            Channels(
                app=self.dm,
                sms=LinkMobilitySms(cfg.sms) if cfg.sms else None,
                email=SmtpEmail(cfg.email) if cfg.email else None,
            ),
            self.cipher,
            self.clock.now_ms,
            lambda: self.deps.policies.policy.varsler,
            self.metrics,
            lambda: int(self.deps.policies.policy.onboarding.code_ttl.total_seconds() // 3600),
            app_link=self.cfg.onboarding_links.app(),
        )

    async def _on_delivery_report(self, report: DeliveryReport) -> None:
        await self.delivery_reports.add(
            "linkmobility",
            report.provider_message_id,
            report.ref_id,
            report.result_code,
            report.delivered,
            report.received_ms,
        )
        await self.outbox.apply_report(
            report.provider_message_id, report.delivered, report.received_ms
        )

    async def _audit_refusal(
        self, actor: str, room_id: str | None, action: str, subject: str, details: dict[str, Any]
    ) -> None:
        await self.audit.append(
            ts_ms=self.clock.now_ms(),
            actor=actor,
            action=action,
            room_id=room_id,
            subject=subject,
            details=details,
        )

    def _room_deleter(self) -> SynapseAdmin | None:
        token = self.cfg.homeserver.admin_token
        if self.policies.policy.room.close_mode == "delete" and token is None:
            raise ConfigError(
                "policies: room.close_mode is 'delete', which needs homeserver.admin_token "
                "(a Synapse server admin's access token) in the config"
            )
        if self.policies.policy.offboarding.deactivate_account and token is None:
            raise ConfigError(
                "policies: offboarding.deactivate_account is true, which needs "
                "homeserver.admin_token (a Synapse server admin's access token) in the config"
            )
        self.synapse_admin = SynapseAdmin(self.cfg.homeserver.url, token) if token else None
        return self.synapse_admin

    def _account_maker(self, synapse_admin: SynapseAdmin | None) -> AccountProvisioner | None:
        """With MAS, accounts live in MAS, so brukere's are made there (D86)."""
        mas = self.cfg.mas
        self.mas_admin = MasAdmin(mas.url, mas.client_id, mas.client_secret) if mas else None
        return self.mas_admin or synapse_admin

    async def _audit_command_refusal(self, sender: str, room_id: str, command: str) -> Reply | None:
        """Refusals in brukerrom are audited; ``!admin`` anywhere is, with its own answer."""
        is_admin_command = command.split()[0] == "admin"
        if is_admin_command:
            await self.audit.append(
                ts_ms=self.clock.now_ms(),
                actor=sender,
                action="admin_refused",
                room_id=room_id,
                details={"command": command},
            )
            if await self.admin_roster.is_admin_anywhere(sender):
                return Reply(texts.ADMIN_USE_ADMIN_ROOM, None)
            return Reply(texts.ADMIN_ONLY, None)
        if await self.deps.people.is_offboarded(sender):
            await self.audit.append(
                ts_ms=self.clock.now_ms(),
                actor=sender,
                action="offboarded_refused",
                room_id=room_id,
                details={"command": command},
            )
            answer = texts.OFFBOARDED_CANNOT_CREATE if command == "rom ny" else texts.OFFBOARDED
            return Reply(answer, None)
        if await self.brukerrom.get(room_id) is not None:
            await self.audit.append(
                ts_ms=self.clock.now_ms(),
                actor=sender,
                action="command_refused",
                room_id=room_id,
                details={"command": command},
            )
        return None

    async def start(self) -> None:
        if self._started:
            raise RuntimeError("already started")
        if self._stopped.is_set():
            self._build()
        self._started = True
        await self.db.upgrade()
        # Before anything is appended, so no checkpoint is missed.
        await self.checkpoints.start()
        # Intake first: Synapse may deliver transactions while the bot is still starting.
        await self._start_http()
        # Handlers first: start() answers commands that arrived while we were down.
        self.bot.set_message_handler(self._on_message)
        self.bot.set_greeting(self._greeting)
        self.bot.set_poll_handler(self._on_poll)
        await self.bot.start()
        self.inbox.add_handler(
            MembershipHandler(
                self.cfg.bot_user_id,
                self.cfg.homeserver.server_name,
                self.cfg.appservice.bot_localpart,
                self.rooms,
                self.bot,
                self.clock,
            )
        )
        self.guard = Guard(
            self.deps,
            self.rooms_service,
            self._tasks,
            self.access,
            self.admin_roster,
            self.refused_rooms,
        )
        self.inbox.add_handler(self.guard)
        self.inbox.add_handler(self.varsler.on_event)
        self.inbox.add_handler(self.retention.on_event)
        self.scheduler.start()
        self.inbox_purge.schedule(self.scheduler)
        resumed = await self.approvals.resume()
        log.info("resumed %d pending approval requests", resumed)
        meetings = await self.meeting_service.resume()
        log.info("resumed the jobs of %d planned meetings", meetings)
        self._tasks.spawn(self.inbox.run(), "inbox")
        self._tasks.spawn(self.outbox_worker.run(), "outbox")
        self._tasks.spawn(self.room_notices.run(), "room notices")
        self._tasks.spawn(self.guard.run_sweeps(), "guard sweep")
        self._tasks.spawn(self._admin_rooms_at_start(), "admin rooms")
        self._tasks.spawn(self.guard.run_admin_sweeps(), "admin room sweep")
        self._tasks.spawn(self.retention.run(), "retention")
        self.checkpoints.announce_pending()
        log.info("Samsnakk is running as %s", self.cfg.bot_user_id)

    async def _admin_rooms_at_start(self) -> None:
        """Admin rooms made, then their membership matched to the current admin list."""
        await self.admin.ensure_admin_rooms()
        await self.guard.reconcile_admin_rooms()

    async def _start_http(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        AppserviceRoutes(
            self.cfg.appservice.hs_token, self.inbox, self.cfg.bot_user_id, self.metrics
        ).register(app)
        self.antispam.register(app)
        if self.cfg.varsler.dlr_secret:
            DeliveryReportRoutes(
                self.cfg.varsler.dlr_secret, self._on_delivery_report, self.clock
            ).register(app)
        register_health(app, self.metrics, self._health)
        register_welcome(app, self.cfg.onboarding_links.app())
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.cfg.appservice.bind_host, self.cfg.appservice.port)
        await site.start()

    async def _health(self) -> dict[str, bool]:
        try:
            async with self.db.session() as s:
                await s.execute(text("SELECT 1"))
            db_ok = True
        except Exception:
            db_ok = False
        return {"database": db_ok, "bot": self.bot.client is not None}

    async def _on_message(self, msg: IncomingText) -> Reply | None:
        if not await self._trusted(msg.sender, msg.device):
            plain = parse_command(msg.body) is None
            if plain and await self.brukerrom.get(msg.room_id):
                if await self.pending_answers.awaits_answer(msg.sender, msg.room_id, msg.body):
                    return await self._untrusted_device(msg.sender, msg.room_id, "answer")
                return None  # conversation between people, not meant for the bot
            return await self._untrusted_device(msg.sender, msg.room_id, "command")
        return await self.commands.handle(msg.sender, msg.room_id, msg.body)

    async def _on_poll(self, answer: IncomingPollAnswer) -> Reply | None:
        if not await self._trusted(answer.sender, answer.device):
            return await self._untrusted_device(answer.sender, answer.room_id, "poll_answer")
        return await self.poll_answers.answer(
            answer.sender, answer.room_id, answer.poll_event_id, answer.answer
        )

    async def _trusted(self, sender: str, device: SendingDevice) -> bool:
        return await self.device_trust.sender_trusted(sender, device.curve25519, device.ed25519)

    async def _untrusted_device(self, sender: str, room_id: str, what: str) -> Reply:
        """Nothing happens; the person is told how to verify, and the attempt is audited."""
        await self.audit.append(
            ts_ms=self.clock.now_ms(),
            actor=sender,
            action="untrusted_device_refused",
            room_id=room_id,
            details={"what": what},
        )
        return texts.unverified_device(sender)

    async def _greeting(self, room_id: str) -> Reply | None:
        return texts.dm_greeting()

    async def stop(self) -> None:
        # Offboarding notices go out after the command has answered; they need nio and the DB.
        await self.admin.wait_for_notices(timeout=30)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        # The head goes to the checkpoint file while the database is still open.
        await self.checkpoints.stop()
        await self._tasks.stop()
        await self.outbox_worker.close()
        if self.synapse_admin is not None:
            await self.synapse_admin.close()
        if self.mas_admin is not None:
            await self.mas_admin.close()
        await self.device_trust.stop()
        await self.bot.stop()
        if self._runner is not None:
            await self._runner.cleanup()
        await self.db.close()
        self._started = False
        self._stopped.set()

    async def wait_stopped(self) -> None:
        await self._stopped.wait()


def _derive(key: bytes, purpose: bytes) -> bytes:
    """A separate key per purpose, so one leaked use never unlocks another."""
    return HKDF(hashes.SHA256(), 32, salt=None, info=b"samsnakk " + purpose).derive(key)


# Our own loggers, at the configured level. Every other library stays at WARNING: at DEBUG,
# nio logs event bodies, aiosqlite every statement with its parameters (names, addresses),
# and aiosmtplib the SMTP conversation with its recipients (D73).
OWN_LOGGERS = ("samsnakk_bot", "bridge")


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    root = logging.getLogger()
    root.setLevel(logging.WARNING)
    for handler in root.handlers:
        handler.addFilter(RedactIdentifiers())
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(getattr(logging, level))
    # Also capped by name, in case an operator lowers the root level: they log content.
    for name in ("nio", "peewee", "aiosqlite", "sqlalchemy", "aiosmtplib"):
        logging.getLogger(name).setLevel(logging.WARNING)
