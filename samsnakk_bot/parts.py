"""Every part of the running bot, built once and in order (D121).

Each part is built after everything it needs, so no callback refers to a part that does not
exist yet; building does no I/O. app.py starts and stops these parts.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bridge.channels.base import ChannelContext
from bridge.channels.email_varsel import EmailVarsler
from bridge.channels.matrix_dm import MatrixDm
from bridge.channels.registry import build_channels
from bridge.outbox_worker import OutboxWorker
from samsnakk_bot.clock import Clock
from samsnakk_bot.config import Config
from samsnakk_bot.crypto.field_cipher import FieldCipher
from samsnakk_bot.crypto.keys import CODE_KEY, derive
from samsnakk_bot.http.antispam import AntispamRoutes
from samsnakk_bot.http.server import HttpServer
from samsnakk_bot.logging_setup import OWN_LOGGERS as OWN_LOGGERS
from samsnakk_bot.logging_setup import configure_logging as configure_logging
from samsnakk_bot.matrix.admin_clients import admin_clients
from samsnakk_bot.matrix.bot import BotRuntime
from samsnakk_bot.matrix.device_keys import PublishedIdentities
from samsnakk_bot.matrix.room_actions import MatrixRoomActions
from samsnakk_bot.matrix.room_keys import NioRoomKeys
from samsnakk_bot.metrics import Metrics
from samsnakk_bot.ops.report_output import figures_png
from samsnakk_bot.policies import Policies
from samsnakk_bot.services.access import AccessService
from samsnakk_bot.services.admin_checks import AdminChecks
from samsnakk_bot.services.admin_katalog import AdminKatalog
from samsnakk_bot.services.admin_offboard import AdminOffboard
from samsnakk_bot.services.admin_reports import AdminReports
from samsnakk_bot.services.admin_rooms import AdminRooms
from samsnakk_bot.services.admin_roster import AdminRoster
from samsnakk_bot.services.approvals import ApprovalService
from samsnakk_bot.services.audit_checkpoints import AuditCheckpoints
from samsnakk_bot.services.brukerrom import BrukerromService
from samsnakk_bot.services.calendar import MeetingCalendar
from samsnakk_bot.services.commands import CommandService
from samsnakk_bot.services.delivery_reports import DeliveryReports
from samsnakk_bot.services.device_trust import DeviceTrust
from samsnakk_bot.services.guard import Guard
from samsnakk_bot.services.identity_notices import IdentityNotices
from samsnakk_bot.services.idporten import FnrLimit, IdPortenAccounts
from samsnakk_bot.services.inbox import InboxService
from samsnakk_bot.services.inbox_purge import InboxPurge
from samsnakk_bot.services.katalog import KatalogCommands
from samsnakk_bot.services.languages import Languages
from samsnakk_bot.services.meeting_jobs import MeetingJobs
from samsnakk_bot.services.meetings import MeetingService
from samsnakk_bot.services.membership import MembershipHandler
from samsnakk_bot.services.message_gate import MessageGate
from samsnakk_bot.services.offboarding import Offboarding
from samsnakk_bot.services.onboarding import OnboardingService
from samsnakk_bot.services.pending_answers import PendingAnswers
from samsnakk_bot.services.people import People
from samsnakk_bot.services.poll_answers import PollAnswers
from samsnakk_bot.services.refusals import Refusals
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
from samsnakk_bot.store.identity_pins import IdentityPinRepo
from samsnakk_bot.store.languages import LanguageRepo
from samsnakk_bot.store.meetings import MeetingRepo
from samsnakk_bot.store.offboarded import FnrLookupRepo, OffboardedRepo
from samsnakk_bot.store.polls import PollRepo
from samsnakk_bot.store.refused_rooms import RefusedRoomRepo
from samsnakk_bot.store.report_queries import UsageQueries
from samsnakk_bot.store.rollups import InboxRollups
from samsnakk_bot.store.room_moves import RoomMoves
from samsnakk_bot.store.room_notices import RoomNoticeRepo
from samsnakk_bot.store.varsler import DeliveryReportRepo, PrefsRepo, VarselRepo
from samsnakk_bot.tasks import TaskGroup

log = logging.getLogger(__name__)


class Parts:
    """The object graph. ``SamsnakkApp`` adds the start and stop lists (app.py)."""

    def __init__(self, cfg: Config, clock: Clock, policies: Policies) -> None:
        self.cfg = cfg
        self.clock = clock
        self.policies = policies
        self.metrics = Metrics()
        self._build()

    def _build(self) -> None:
        """Fresh parts, so that one app object can be stopped and started again."""
        cfg, clock, key = self.cfg, self.clock, self.cfg.security.field_key_bytes
        bot_id = cfg.bot_user_id
        self.admin_clients = admin_clients(cfg, self.policies)  # refuses a policy it can't serve
        self.synapse_admin, self.mas_admin = self.admin_clients.synapse, self.admin_clients.mas
        # The store.
        db = self.db = Database(cfg.database.url)
        self.cipher = FieldCipher(key)
        self.audit = AuditLog(db, chain_key_from(key))
        self.rooms, self.accounts = RoomRepo(db), AccountRepo(db)
        self.brukerrom, self.participants = BrukerromRepo(db), ParticipantRepo(db)
        self.requests, self.codes, self.polls = RequestRepo(db), CodeRepo(db), PollRepo(db)
        self.admin_rooms, self.refused_rooms = AdminRoomRepo(db), RefusedRoomRepo(db)
        self.directory, self.offboarded = DirectoryRepo(db, self.cipher), OffboardedRepo(db)
        self.meetings, self.outbox = MeetingRepo(db), VarselRepo(db)
        self.delivery_reports = DeliveryReportRepo(db)
        self.languages = Languages(
            LanguageRepo(db), self.directory, self.brukerrom, self.policies, clock
        )
        # Matrix, the inbox and the command router.
        self.bot = BotRuntime(cfg, SecretRepo(db), self.cipher, self.rooms, clock.now_ms)
        self.actions = MatrixRoomActions(self.bot)
        # Notices to rooms that must survive a crash (offboarding) go through their own outbox.
        self.room_notices = RoomNotices(RoomNoticeRepo(db), self.actions, self.clock.now_ms)
        self.inbox_purge = InboxPurge(InboxRollups(db), cfg.bot_user_id, self.clock.now_ms)
        self.inbox = InboxService(InboxRepo(db), clock, self.metrics)
        self.commands = CommandService(self.accounts, self.rooms, self.metrics)
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self._tasks = TaskGroup()
        # Varsler: the channels chosen by config, the worker that sends, the service that queues.
        self.dm = MatrixDm(self.bot, self.rooms, clock.now_ms)
        policies = self.policies
        self.channels = build_channels(
            cfg.varsler,
            ChannelContext(
                dm=self.dm,
                code_hours=lambda: int(
                    self.policies.policy.onboarding.code_ttl.total_seconds() // 3600
                ),
                app_link=cfg.onboarding_links.app(),
            ),
        )
        self.outbox_worker = OutboxWorker(
            self.outbox,
            self.channels,
            self.cipher,
            clock.now_ms,
            lambda: self.policies.policy.varsler,
            self.metrics,
            language_of=self.languages.person,
        )
        self.varsler = VarselService(
            VarselDeps(
                bot_user_id=bot_id,
                outbox=self.outbox,
                prefs=PrefsRepo(db),
                accounts=self.accounts,
                rooms=self.rooms,
                brukerrom=self.brukerrom,
                participants=self.participants,
                cipher=self.cipher,
                clock=clock,
                policies=policies,
                available=frozenset(self.channels),
                wake=self.outbox_worker.wake,
            )
        )
        self.reports = DeliveryReports(self.delivery_reports, self.outbox, "linkmobility")
        # Who may be where.
        self.admin_roster = AdminRoster(policies, self.accounts, self.admin_rooms)
        self.access = AccessService(
            self.brukerrom,
            self.participants,
            bot_id,
            admin_members=self.admin_roster,
            refused=self.refused_rooms,
            history_visibility=policies.policy.room.history_visibility,
        )
        people = People(
            self.accounts,
            self.actions,
            self.directory,
            policies,
            server_name=cfg.homeserver.server_name,
            offboarded=self.offboarded,
        )
        self.deps = RoomDeps(
            bot_user_id=bot_id,
            rooms=self.rooms,
            brukerrom=self.brukerrom,
            participants=self.participants,
            requests=self.requests,
            accounts=self.accounts,
            actions=self.actions,
            people=people,
            audit=self.audit,
            access=self.access,
            clock=clock,
            policies=policies,
            cipher=self.cipher,
            polls=self.polls,
            notify=self.varsler,
            languages=self.languages,
        )
        deps = self.deps
        # Brukerrom: consent, approvals, onboarding, the rooms themselves.
        self.approvals = ApprovalService(deps, self.scheduler)
        self.onboarding = OnboardingService(deps, self.codes, derive(key, CODE_KEY))
        idporten = IdPortenAccounts(
            cfg.security.pseudonym_key_bytes,
            cfg.homeserver.server_name,
            self.mas_admin or self.synapse_admin,
            FnrLimit(FnrLookupRepo(db), clock, lambda: self.policies.policy.onboarding, self.audit),
        )
        self.rooms_service = BrukerromService(
            deps, self.approvals, self.onboarding, idporten, cfg.onboarding_links
        )
        # Meetings, with calendar invitations when e-mail is configured.
        epost = self.channels.get("epost")
        calendar = (
            MeetingCalendar(
                self.varsler,
                self.meetings,
                self.accounts,
                people,
                epost.from_address,
                self._tasks,
                self.participants,
            )
            if isinstance(epost, EmailVarsler)
            else None
        )
        self.meeting_jobs = MeetingJobs(deps, self.meetings, self.scheduler)
        self.meeting_service = MeetingService(deps, self.meetings, self.meeting_jobs, calendar)
        # Admins, offboarding, retention, room upgrades.
        self.offboarding = Offboarding(
            deps,
            self.rooms_service,
            self.directory,
            self.meetings,
            self.codes,
            self.offboarded,
            self.synapse_admin,
            self.room_notices,
        )
        self.admin = AdminRooms(deps, self.admin_roster)
        admin_checks = AdminChecks(deps, self.admin_roster)
        reports = AdminReports(deps, admin_checks, self.admin_rooms, UsageQueries(db), figures_png)
        offboard = AdminOffboard(deps, admin_checks, self.directory, self.offboarding)
        self.retention = RetentionService(deps, self.rooms_service, self.audit, self.synapse_admin)
        self.upgrader = RoomUpgrader(deps, self.access, self.refused_rooms, RoomMoves(db))
        self.checkpoints = AuditCheckpoints(
            self.audit,
            cfg.audit.checkpoint_every,
            CheckpointFile(cfg.audit.checkpoint_file) if cfg.audit.checkpoint_file else None,
            self.admin_rooms,
            self.actions.say,
            clock.now_ms,
            self._tasks,
            actor=bot_id,
        )
        # MSC4153: room keys and commands only for cross-signed devices of pinned identities.
        self.device_trust = DeviceTrust(
            PublishedIdentities(self.bot.http),
            IdentityPinRepo(db),
            self.audit,
            clock,
            self.rooms,
            bot_id,
        )
        self.bot.set_key_sharing(self.device_trust, self.device_trust.forget)
        notices = IdentityNotices(deps, self.bot.send_reply, self.dm.send)
        self.device_trust.on_identity_change(notices.identity_changed)
        # The commands each part answers, and what happens after a room closes.
        for part in (self.meeting_service, self.rooms_service, self.approvals, self.onboarding):
            part.register(self.commands)
        VarselCommands(self.varsler, self.audit).register(self.commands)
        KatalogCommands(self.directory, policies).register(self.commands)
        for admin_part in (reports, offboard):
            admin_part.register(self.commands)
        AdminKatalog(
            admin_checks.org_for, self.directory, policies.organisations, self.audit, clock
        ).register(self.commands)
        TrustCommands(deps, self.device_trust, admin_checks.org_for, self.directory).register(
            self.commands
        )
        self.rooms_service.on_close.append(self.meeting_jobs.cancel_all_in_room)
        # First of the after-close hooks: local, and not stopped by a failing homeserver call.
        self.rooms_service.after_close.insert(
            0, RoomKeyEnd(deps, NioRoomKeys(self.bot)).after_close
        )
        self.refusals = Refusals(self.audit, clock, self.admin_roster, people, self.brukerrom)
        self.commands.on_refused(self.refusals.command_refused)
        self.commands.set_role_resolver(people.command_role)
        self.languages.register(self.commands)
        self.pending_answers = PendingAnswers(deps, self.commands)
        self.commands.on_plain_text(self.pending_answers.answer)
        poll_answers = PollAnswers(self.polls, self.requests, self.commands, self.audit, clock)
        self.gate = MessageGate(
            self.device_trust,
            self.brukerrom,
            self.commands,
            poll_answers,
            self.refusals,
            self.pending_answers,
        )
        # What the appservice stream feeds, in order.
        self.guard = Guard(
            deps,
            self.rooms_service,
            self._tasks,
            self.access,
            self.admin_roster,
            self.refused_rooms,
        )
        membership = MembershipHandler(
            bot_id,
            cfg.homeserver.server_name,
            cfg.appservice.bot_localpart,
            self.rooms,
            self.bot,
            clock,
        )
        for handler in (membership, self.guard, self.varsler.on_event, self.retention.on_event):
            self.inbox.add_handler(handler)
        self.inbox.add_live_listener(self.bot.take_transaction)
        self.antispam = AntispamRoutes(
            cfg.antispam.secret, self.access, self.refusals.record, self.metrics
        )
        self.http = HttpServer(cfg.appservice.bind_host, cfg.appservice.port)
