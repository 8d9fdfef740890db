"""synapse-http-antispam callbacks (Synapse -> us): may this invite or this join happen?

Synapse treats any 2xx as "allow" and anything else as "refuse", passing our JSON error to the
client that asked. So this edge fails closed: a bad token, a malformed body, an unknown callback,
a failing or slow database, anything unexpected, all answer 403 within a deadline. Logs carry
room IDs and reason codes only, never request bodies.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web

from samsnakk_bot.domain import access as reasons
from samsnakk_bot.domain import texts
from samsnakk_bot.domain.access import AccessDecision, decide_bot_state, decide_remote_membership
from samsnakk_bot.domain.probe import PROBE_FIELD, is_probe_room
from samsnakk_bot.http.auth import require_bearer
from samsnakk_bot.metrics import Metrics
from samsnakk_bot.services.access import AccessService

log = logging.getLogger(__name__)
_T = TypeVar("_T")

# (actor, room_id, action, subject, details) -> appended to the audit log.
AuditFn = Callable[[str, str | None, str, str, dict[str, Any]], Awaitable[object]]

PATH = "/_samsnakk/antispam/{callback}"
PING = "ping"
INVITE = "user_may_invite"
JOIN = "user_may_join_room"
FEDERATED_INVITE = "federated_user_may_invite"
EVENT = "check_event_for_spam"
CALLBACKS = frozenset({PING, INVITE, JOIN, FEDERATED_INVITE, EVENT})

# Synapse gives up after 60 s and refuses; we answer long before that, and refuse too.
DEFAULT_DEADLINE_S = 5.0
# Synapse waits on the event check before every state event is sent: answer sooner.
EVENT_DEADLINE_S = 2.0
AUDIT_DEADLINE_S = 2.0

BAD_REQUEST = "bad_request"
UNKNOWN_CALLBACK = "unknown_callback"
CHECK_FAILED = "check_failed"
STATE_CHANGE_REFUSED = "state_change_by_non_bot"

_REFUSAL_TEXTS = {
    reasons.INVITER_NOT_BOT: texts.ACCESS_ONLY_BOT_INVITES,
    reasons.INVITEE_NOT_APPROVED: texts.ACCESS_INVITEE_NOT_APPROVED,
    reasons.JOINER_NOT_APPROVED: texts.ACCESS_JOINER_NOT_APPROVED,
    reasons.ROOM_CLOSED: texts.ACCESS_ROOM_CLOSED,
    reasons.ROOM_REFUSED: texts.ACCESS_ROOM_REFUSED,
    reasons.NOT_CURRENT_ADMIN: texts.ACCESS_NOT_CURRENT_ADMIN,
}


class _Malformed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class _Question:
    callback: str
    room_id: str
    actor: str
    subject: str

    @property
    def action(self) -> str:
        if self.callback == EVENT:
            return "state_change_refused"
        return "join_refused" if self.callback == JOIN else "invite_refused"


class AntispamRoutes:
    def __init__(
        self,
        secret: str,
        access: AccessService,
        audit: AuditFn | None,
        metrics: Metrics,
        deadline_s: float = DEFAULT_DEADLINE_S,
        event_deadline_s: float = EVENT_DEADLINE_S,
    ) -> None:
        self._event_deadline_s = event_deadline_s
        self._secret = secret
        self._access = access
        self._audit = audit
        self._metrics = metrics
        self._deadline_s = deadline_s
        # Checks that outlived their deadline: kept referenced until they finish.
        self._late: set[asyncio.Future[Any]] = set()

    def register(self, app: web.Application) -> None:
        app.router.add_post(PATH, self.handle)

    async def handle(self, request: web.Request) -> web.Response:
        callback = request.match_info["callback"]
        label = callback if callback in CALLBACKS else "unknown"
        try:
            require_bearer(request, self._secret)
        except web.HTTPException:
            self._count(label, "unauthorized")
            raise
        if callback == EVENT:
            return await self._check_event(request)
        question: _Question | None = None
        try:
            body = await _json_object(request)
            if callback == PING:
                return _pong(body)
            if callback == INVITE and is_probe_room(body.get("room_id")):
                self._count(label, "probe")
                return _probe_refusal(body)
            question = _parse(callback, body)
            decision = await self._within_deadline(self._decide(question), self._deadline_s)
        except _Malformed as exc:
            log.warning("antispam %s: refused a malformed request (%s)", label, exc.reason)
            decision = AccessDecision(False, exc.reason)
        except Exception as exc:
            room = question.room_id if question else "-"
            log.error("antispam %s for %s failed, refusing: %s", label, room, type(exc).__name__)
            log.debug("antispam failure", exc_info=True)
            self._metrics.handler_errors.labels("antispam").inc()
            decision = AccessDecision(False, CHECK_FAILED)

        if decision.allowed:
            self._count(label, "allow")
            return web.json_response({})
        self._count(label, "refuse")
        if question is not None:
            log.info("antispam %s refused in %s: %s", label, question.room_id, decision.reason)
            await self._audit_refusal(question, decision.reason)
        return _forbidden(decision.reason)

    async def _check_event(self, request: web.Request) -> web.Response:
        """State changes in a guarded room: refused unless the bot sends Samsnakk's own values.

        Synapse's auth rules already refuse everyone but the bot (everything is at power 100);
        this callback runs before those rules, so it is where an attempt can still be seen and
        written down. The bot's own name is not trusted either: its token may be in the wrong
        hands, so a guarded setting must be what Samsnakk sets, and a tombstone must be one
        Samsnakk sends (domain/access.py ``decide_bot_state``).

        Messages pass untouched and never touch the database. A state event fails closed: a
        database that errs or does not answer within the deadline gets a fast refusal.
        """
        try:
            body = await _json_object(request)
        except _Malformed as exc:
            self._count(EVENT, "refuse")
            return _forbidden(exc.reason)
        event = body.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("state_key"), str):
            self._count(EVENT, "allow")
            return web.json_response({})
        try:
            room_id, sender = _str(event, "room_id"), _str(event, "sender")
            access = await self._within_deadline(
                self._access.snapshot(room_id), self._event_deadline_s
            )
        except Exception as exc:
            log.warning(
                "antispam %s refused an event it could not check: %s", EVENT, type(exc).__name__
            )
            self._metrics.handler_errors.labels("antispam").inc()
            self._count(EVENT, "refuse")
            return _forbidden(CHECK_FAILED)
        if access is None or not access.is_brukerrom:
            self._count(EVENT, "allow")
            return web.json_response({})
        content = event.get("content")
        content = content if isinstance(content, dict) else {}
        etype = str(event.get("type", ""))[:100]
        if sender == access.bot:
            decision = decide_bot_state(access, etype, content, self._access.upgrading(room_id))
            if decision.allowed:
                self._count(EVENT, "allow")
                return web.json_response({})
            return await self._refuse_state(room_id, sender, decision.reason, etype)
        if etype == "m.room.member":
            target, membership = str(event["state_key"]), str(content.get("membership", ""))
            remote = decide_remote_membership(access, sender, target, membership)
            if remote is not None:
                return await self._remote_membership(remote, room_id, sender, target, membership)
        return await self._refuse_state(room_id, sender, STATE_CHANGE_REFUSED, etype)

    async def _refuse_state(
        self, room_id: str, sender: str, reason: str, etype: str
    ) -> web.Response:
        self._count(EVENT, "refuse")
        log.info("antispam %s refused a state change in %s: %s", EVENT, room_id, reason)
        await self._audit_refusal(
            _Question(EVENT, room_id, sender, sender), reason, {"type": etype}
        )
        return web.json_response(
            {"errcode": "M_FORBIDDEN", "error": texts.ACCESS_STATE_CHANGE_REFUSED}, status=403
        )

    async def _remote_membership(
        self, decision: AccessDecision, room_id: str, sender: str, target: str, membership: str
    ) -> web.Response:
        """A membership event from another server (a remote joiner is never asked about in
        ``user_may_join_room``). A refusal makes Synapse soft-fail the event: on our server
        the join does not happen."""
        if decision.allowed:
            self._count(EVENT, "allow")
            return web.json_response({})
        self._count(EVENT, "refuse")
        log.info(
            "antispam %s refused a remote %s in %s: %s", EVENT, membership, room_id, decision.reason
        )
        # An invite over /invite goes on to federated_user_may_invite, which writes it down.
        if membership != "invite":
            question = _Question(JOIN, room_id, sender, target)
            await self._audit_refusal(question, decision.reason, {"federated": True})
        return _forbidden(decision.reason)

    async def _within_deadline(self, work: Awaitable[_T], seconds: float) -> _T:
        """Wait at most ``seconds`` for ``work``, but never cancel it.

        Cancelling a database call half-way (e.g. inside SQLite's BEGIN IMMEDIATE) can leave a
        lock behind that stalls every later check; a late answer is only abandoned.
        """
        task = asyncio.ensure_future(work)
        try:
            return await asyncio.wait_for(asyncio.shield(task), seconds)
        except TimeoutError:
            self._late.add(task)
            task.add_done_callback(self._late.discard)
            task.add_done_callback(_consume_exception)
            raise

    async def _decide(self, q: _Question) -> AccessDecision:
        if q.callback == INVITE:
            return await self._access.may_invite(q.room_id, q.actor, q.subject)
        if q.callback == JOIN:
            return await self._access.may_join(q.room_id, q.actor)
        return await self._access.may_federated_invite(q.room_id, q.actor, q.subject)

    async def _audit_refusal(
        self, q: _Question, reason: str, extra: dict[str, Any] | None = None
    ) -> None:
        if self._audit is None:
            return
        details: dict[str, Any] = {"reason": reason, **(extra or {})}
        if q.callback == FEDERATED_INVITE:
            details["federated"] = True
        try:
            await self._within_deadline(
                self._audit(q.actor, q.room_id, q.action, q.subject, details), AUDIT_DEADLINE_S
            )
        except Exception as exc:
            # The refusal stands whatever happens to its audit entry.
            log.error("could not audit a refusal in %s: %s", q.room_id, type(exc).__name__)
            self._metrics.handler_errors.labels("antispam_audit").inc()

    def _count(self, callback: str, outcome: str) -> None:
        self._metrics.antispam_decisions.labels(callback, outcome).inc()


def _consume_exception(task: asyncio.Future[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("a late antispam task failed: %s", type(task.exception()).__name__)


def _forbidden(reason: str) -> web.Response:
    error = _REFUSAL_TEXTS.get(reason, texts.ACCESS_CHECK_FAILED)
    return web.json_response({"errcode": "M_FORBIDDEN", "error": error}, status=403)


def _probe_refusal(body: dict[str, Any]) -> web.Response:
    """`samsnakk doctor`'s probe (domain/probe.py): refused, echoed, not audited."""
    answer = {"errcode": "M_FORBIDDEN", "error": texts.ACCESS_DOCTOR_PROBE}
    return web.json_response({**answer, PROBE_FIELD: body["room_id"]}, status=403)


def _pong(body: dict[str, Any]) -> web.Response:
    ping_id = body.get("id")
    if not isinstance(ping_id, str):
        raise _Malformed(BAD_REQUEST)
    return web.json_response({"id": ping_id, "status": "ok"})


def _parse(callback: str, body: dict[str, Any]) -> _Question:
    if callback == INVITE:
        return _Question(
            INVITE, _str(body, "room_id"), _str(body, "inviter"), _str(body, "invitee")
        )
    if callback == JOIN:
        user = _str(body, "user")
        return _Question(JOIN, _str(body, "room"), user, user)
    if callback == FEDERATED_INVITE:
        event = body.get("event")
        if not isinstance(event, dict) or event.get("type") != "m.room.member":
            raise _Malformed(BAD_REQUEST)
        content = event.get("content")
        if not isinstance(content, dict) or content.get("membership") != "invite":
            raise _Malformed(BAD_REQUEST)
        return _Question(
            FEDERATED_INVITE,
            _str(event, "room_id"),
            _str(event, "sender"),
            _str(event, "state_key"),
        )
    raise _Malformed(UNKNOWN_CALLBACK)


def _str(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value:
        raise _Malformed(BAD_REQUEST)
    return value


async def _json_object(request: web.Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError):
        raise _Malformed(BAD_REQUEST) from None
    if not isinstance(body, dict):
        raise _Malformed(BAD_REQUEST)
    return body
