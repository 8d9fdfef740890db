"""mypy's proof that each adapter fits the port the services use it through. Never run.

Services annotate their dependencies with the protocols in ``services/ports.py`` and
``services/store_ports.py``; the wiring passes them these adapters. A method that drifts (a
renamed argument, a widened return) makes an assignment below a type error, so ``mypy`` fails
before a service does.
"""

from __future__ import annotations

from samsnakk_bot.crypto.field_cipher import FieldCipher
from samsnakk_bot.services import ports, store_ports
from samsnakk_bot.store import AccountRepo, Database, InboxRepo, RoomRepo
from samsnakk_bot.store.admin_rooms import AdminRoomRepo
from samsnakk_bot.store.audit import AuditLog
from samsnakk_bot.store.brukerrom import BrukerromRepo, ParticipantRepo, RequestRepo
from samsnakk_bot.store.codes import CodeRepo
from samsnakk_bot.store.directory import DirectoryRepo
from samsnakk_bot.store.languages import LanguageRepo
from samsnakk_bot.store.meetings import MeetingRepo
from samsnakk_bot.store.offboarded import FnrLookupRepo, OffboardedRepo
from samsnakk_bot.store.polls import PollRepo
from samsnakk_bot.store.refused_rooms import RefusedRoomRepo
from samsnakk_bot.store.report_queries import UsageQueries
from samsnakk_bot.store.rollups import InboxRollups
from samsnakk_bot.store.room_moves import RoomMoves
from samsnakk_bot.store.room_notices import RoomNoticeRepo
from samsnakk_bot.store.varsler import PrefsRepo, VarselRepo


def store_adapters(db: Database, cipher: FieldCipher, audit_log: AuditLog) -> None:
    _brukerrom: store_ports.BrukerromStore = BrukerromRepo(db)
    _participants: store_ports.ParticipantStore = ParticipantRepo(db)
    _requests: store_ports.RequestStore = RequestRepo(db)
    _rooms: store_ports.RoomStore = RoomRepo(db)
    _accounts: store_ports.AccountStore = AccountRepo(db)
    _polls: store_ports.PollStore = PollRepo(db)
    _codes: store_ports.CodeStore = CodeRepo(db)
    _offboarded: store_ports.OffboardedStore = OffboardedRepo(db)
    _lookups: store_ports.LookupCounter = FnrLookupRepo(db)
    _refused: store_ports.RefusedRooms = RefusedRoomRepo(db)
    _crypto: store_ports.FieldCrypto = cipher
    _directory: store_ports.DirectoryStore = DirectoryRepo(db, cipher)
    _admin_rooms: store_ports.AdminRoomStore = AdminRoomRepo(db)
    _meetings: store_ports.MeetingStore = MeetingRepo(db)
    _pruner: store_ports.AuditPruner = audit_log
    _audit: ports.Audit = audit_log
    _mover: store_ports.RoomMover = RoomMoves(db)
    _outbox: store_ports.Outbox = VarselRepo(db)
    _prefs: store_ports.PrefsStore = PrefsRepo(db)
    _inbox: store_ports.InboxStore = InboxRepo(db)
    _usage: store_ports.UsageReports = UsageQueries(db)
    _languages: store_ports.LanguageStore = LanguageRepo(db)
    _notices: store_ports.RoomNoticeStore = RoomNoticeRepo(db)
    _rollups: store_ports.InboxRollupStore = InboxRollups(db)
