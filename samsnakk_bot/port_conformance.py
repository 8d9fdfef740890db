"""mypy's proof that each adapter fits the port the services use it through. Never run.

Services annotate their dependencies with the protocols in ``services/ports.py``; the wiring
passes them these adapters. A method that drifts (a renamed argument, a widened return) makes
an assignment below a type error, so ``mypy`` fails before a service does.
"""

from __future__ import annotations

from samsnakk_bot.services import ports
from samsnakk_bot.store import AccountRepo, Database, InboxRepo, RoomRepo
from samsnakk_bot.store.admin_rooms import AdminRoomRepo
from samsnakk_bot.store.audit import AuditLog
from samsnakk_bot.store.brukerrom import BrukerromRepo, ParticipantRepo, RequestRepo
from samsnakk_bot.store.codes import CodeRepo
from samsnakk_bot.store.directory import DirectoryRepo
from samsnakk_bot.store.fieldcrypt import FieldCipher
from samsnakk_bot.store.meetings import MeetingRepo
from samsnakk_bot.store.offboarded import FnrLookupRepo, OffboardedRepo
from samsnakk_bot.store.polls import PollRepo
from samsnakk_bot.store.refused_rooms import RefusedRoomRepo
from samsnakk_bot.store.report_queries import UsageQueries
from samsnakk_bot.store.room_moves import RoomMoves
from samsnakk_bot.store.varsler import PrefsRepo, VarselRepo


def store_adapters(db: Database, cipher: FieldCipher, audit_log: AuditLog) -> None:
    _brukerrom: ports.BrukerromStore = BrukerromRepo(db)
    _participants: ports.ParticipantStore = ParticipantRepo(db)
    _requests: ports.RequestStore = RequestRepo(db)
    _rooms: ports.RoomStore = RoomRepo(db)
    _accounts: ports.AccountStore = AccountRepo(db)
    _polls: ports.PollStore = PollRepo(db)
    _codes: ports.CodeStore = CodeRepo(db)
    _offboarded: ports.OffboardedStore = OffboardedRepo(db)
    _lookups: ports.LookupCounter = FnrLookupRepo(db)
    _refused: ports.RefusedRooms = RefusedRoomRepo(db)
    _crypto: ports.FieldCrypto = cipher
    _directory: ports.DirectoryStore = DirectoryRepo(db, cipher)
    _admin_rooms: ports.AdminRoomStore = AdminRoomRepo(db)
    _meetings: ports.MeetingStore = MeetingRepo(db)
    _pruner: ports.AuditPruner = audit_log
    _audit: ports.Audit = audit_log
    _mover: ports.RoomMover = RoomMoves(db)
    _outbox: ports.Outbox = VarselRepo(db)
    _prefs: ports.PrefsStore = PrefsRepo(db)
    _inbox: ports.InboxStore = InboxRepo(db)
    _usage: ports.UsageReports = UsageQueries(db)
