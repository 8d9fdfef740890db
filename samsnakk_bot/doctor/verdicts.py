"""What each doctor check concludes from what it saw. Pure: the I/O is in ``checks``."""

from __future__ import annotations

import email.utils
from collections.abc import Mapping, Sequence
from typing import Any

from samsnakk_bot.doctor.report import CheckResult, fail, ok, skipped
from samsnakk_bot.domain import texts
from samsnakk_bot.matrix.signatures import signed_by

CLOCK_LIMIT_S = 30
_MAX_ERROR_CHARS = 200

# What synapse-http-antispam says when it could not get a usable answer from us.
_MODULE_NO_ANSWER = ("Failed to connect to antispam server", "Unexpected response from antispam")
# What our own bearer check (http/auth.py) answers the module when its token is wrong or missing.
_OUR_TOKEN_ERRORS = ("Bad token", "Missing bearer token")

SYNAPSE = texts.DOCTOR_CHECK_SYNAPSE
PING = texts.DOCTOR_CHECK_PING
ANTISPAM = texts.DOCTOR_CHECK_ANTISPAM
PUSH = texts.DOCTOR_CHECK_PUSH
CROSS_SIGNING = texts.DOCTOR_CHECK_CROSS_SIGNING
MIGRATIONS = texts.DOCTOR_CHECK_MIGRATIONS
POLICIES = texts.DOCTOR_CHECK_POLICIES
CLOCK = texts.DOCTOR_CHECK_CLOCK
SECRET_FILES = texts.DOCTOR_CHECK_PRIVATE_FILES


def _short(value: object) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= _MAX_ERROR_CHARS else text[: _MAX_ERROR_CHARS - 1] + "…"


def _error(body: Mapping[str, Any]) -> tuple[str, str]:
    return str(body.get("errcode", "")), _short(body.get("error", ""))


def answered(status: int, body: Mapping[str, Any]) -> str:
    errcode, error = _error(body)
    return texts.DOCTOR_HTTP_ANSWER.format(status=status, errcode=errcode or "-", error=error)


def short_error(error: BaseException) -> str:
    return _short(f"{type(error).__name__}: {error}".rstrip(": "))


def no_contact(name: str, url: str, error: BaseException) -> CheckResult:
    return fail(name, texts.DOCTOR_NO_CONTACT.format(url=url, error=short_error(error)))


def _token_refused(name: str, status: int, body: Mapping[str, Any]) -> CheckResult | None:
    if status == 401 and body.get("errcode") == "M_UNKNOWN_TOKEN":
        return fail(name, texts.DOCTOR_AS_AUTH_REFUSED, answered(status, body))
    return None


def fail_answer(name: str, status: int, body: Mapping[str, Any]) -> CheckResult:
    """A request that should have worked did not: show what Synapse said."""
    refused = _token_refused(name, status, body)
    if refused is not None:
        return refused
    errcode, error = _error(body)
    return fail(name, texts.DOCTOR_HTTP_ANSWER.format(status=status, errcode=errcode, error=error))


# --- 1. Synapse answers ---------------------------------------------------------------------


def synapse(url: str, status: int, version: str | None) -> CheckResult:
    if status != 200:
        return fail(SYNAPSE, texts.DOCTOR_SYNAPSE_BAD_STATUS.format(url=url, status=status))
    shown = _short(version) if version else texts.DOCTOR_SYNAPSE_VERSION_UNKNOWN
    return ok(SYNAPSE, texts.DOCTOR_SYNAPSE_OK.format(version=shown))


# --- 2. Appservice ping ----------------------------------------------------------------------


def ping(status: int, body: Mapping[str, Any], as_url: str) -> CheckResult:
    duration = body.get("duration_ms")
    if status == 200 and isinstance(duration, int):
        return ok(PING, texts.DOCTOR_PING_OK.format(ms=duration))
    refused = _token_refused(PING, status, body)
    if refused is not None:
        return refused
    more = [answered(status, body)]
    hint = texts.DOCTOR_PING_HINTS.get(str(body.get("errcode", "")))
    if hint:
        more.append(hint.format(as_url=as_url))
    return fail(PING, texts.DOCTOR_PING_FAILED, *more)


# --- 3. The antispam module asks us ----------------------------------------------------------


def antispam(
    status: int, body: Mapping[str, Any], probe_room: str, probe_field: str, antispam_url: str
) -> CheckResult:
    """The probe invite must come back refused by *us*: our field, echoing this probe's room."""
    if status == 403 and body.get(probe_field) == probe_room:
        return ok(ANTISPAM, texts.DOCTOR_ANTISPAM_OK)
    refused = _token_refused(ANTISPAM, status, body)
    if refused is not None:
        return refused
    _, error = _error(body)
    if error.startswith(_MODULE_NO_ANSWER):
        detail = texts.DOCTOR_ANTISPAM_NO_ANSWER.format(url=antispam_url)
    elif error in _OUR_TOKEN_ERRORS:
        detail = texts.DOCTOR_ANTISPAM_BAD_AUTH
    else:
        detail = texts.DOCTOR_ANTISPAM_NOT_ASKED
    return fail(ANTISPAM, detail, answered(status, body))


# --- 4. Push without content -----------------------------------------------------------------


def push(config: Mapping[str, Any], sources: Sequence[str]) -> CheckResult:
    """Synapse's own reading (synapse/config/push.py): the default is to include content."""
    source = ", ".join(sources)
    section = config.get("push") or {}
    if not isinstance(section, Mapping):
        section = {}
    if section.get("enabled", True) is False:
        return ok(PUSH, texts.DOCTOR_PUSH_DISABLED.format(source=source))
    include = section.get("include_content", True)
    email_section = config.get("email") or {}
    redact = email_section.get("redact_content") if isinstance(email_section, Mapping) else None
    if redact is not None:  # deprecated, but Synapse still honours it over push.include_content
        include = not redact
    if include:
        return fail(PUSH, texts.DOCTOR_PUSH_ON.format(source=source))
    return ok(PUSH, texts.DOCTOR_PUSH_OK.format(source=source))


# --- 5. The bot's device is cross-signed ------------------------------------------------------


def _only_key(obj: object, usage: str, user_id: str) -> tuple[str, str] | None:
    if not isinstance(obj, Mapping) or usage not in obj.get("usage", ()):
        return None
    keys = obj.get("keys")
    if obj.get("user_id") != user_id or not isinstance(keys, Mapping) or len(keys) != 1:
        return None
    ((key_id, public),) = keys.items()
    if not str(key_id).startswith("ed25519:") or not isinstance(public, str):
        return None
    return str(key_id), public


def cross_signing(query: Mapping[str, Any], user_id: str, device_id: str | None) -> CheckResult:
    """Device <- self-signing key <- master key, as any client checks it from ``/keys/query``.

    ``device_id`` is the device whose crypto store we hold; without it every device of the bot
    must be signed.
    """
    master = (query.get("master_keys") or {}).get(user_id)
    master_key = _only_key(master, "master", user_id)
    if master_key is None:
        return fail(CROSS_SIGNING, texts.DOCTOR_XSIGN_NO_MASTER.format(user=user_id))
    ssk = (query.get("self_signing_keys") or {}).get(user_id)
    ssk_key = _only_key(ssk, "self_signing", user_id)
    if ssk is None or ssk_key is None:
        return fail(CROSS_SIGNING, texts.DOCTOR_XSIGN_NO_SELF_SIGNING.format(user=user_id))
    if not signed_by(ssk, user_id, *master_key):
        hint = texts.DOCTOR_XSIGN_HINT
        return fail(CROSS_SIGNING, texts.DOCTOR_XSIGN_SELF_SIGNING_UNSIGNED, hint)

    devices: Mapping[str, Any] = (query.get("device_keys") or {}).get(user_id) or {}
    if device_id is not None and device_id not in devices:
        return fail(
            CROSS_SIGNING,
            texts.DOCTOR_XSIGN_NO_DEVICE.format(device=device_id),
            texts.DOCTOR_XSIGN_HINT,
        )
    wanted = [device_id] if device_id is not None else sorted(devices)
    if not wanted:
        return fail(CROSS_SIGNING, texts.DOCTOR_XSIGN_NO_DEVICES.format(user=user_id))
    for device in wanted:
        if not signed_by(devices[device], user_id, *ssk_key):
            return fail(
                CROSS_SIGNING,
                texts.DOCTOR_XSIGN_DEVICE_UNSIGNED.format(device=device),
                texts.DOCTOR_XSIGN_HINT,
            )
    return ok(CROSS_SIGNING, texts.DOCTOR_XSIGN_OK.format(device=", ".join(wanted)))


# --- 6. Migrations ------------------------------------------------------------------------------


def migrations(current: str | None, head: str, known: bool) -> CheckResult:
    """``known``: the code has ``current`` among its revisions (so the database is behind)."""
    if current == head:
        return ok(MIGRATIONS, texts.DOCTOR_DB_OK.format(revision=head))
    if current is None:
        return fail(MIGRATIONS, texts.DOCTOR_DB_EMPTY)
    template = texts.DOCTOR_DB_BEHIND if known else texts.DOCTOR_DB_UNKNOWN_REVISION
    return fail(MIGRATIONS, template.format(current=current, head=head))


# --- 7. Policies ------------------------------------------------------------------------------


def policies_valid(directory: str, organisations: int) -> CheckResult:
    return ok(
        POLICIES,
        texts.DOCTOR_POLICIES_OK.format(directory=directory, organisations=organisations),
    )


def policies_invalid(directory: str, message: str) -> CheckResult:
    return fail(
        POLICIES,
        texts.DOCTOR_POLICIES_BAD.format(directory=directory),
        *(line for line in message.splitlines() if line.strip()),
    )


# --- 8. Clock ---------------------------------------------------------------------------------


def clock(date_header: str | None, local_s: float, limit_s: int = CLOCK_LIMIT_S) -> CheckResult:
    """Compare our wall clock, at the middle of a request, with the ``Date`` Synapse sent.

    ``Date`` has whole seconds, so Synapse's time lies in [Date, Date + 1): we take the middle.
    A positive offset means our clock is ahead.
    """
    try:
        server = email.utils.parsedate_to_datetime(date_header or "")
    except (TypeError, ValueError):
        return fail(CLOCK, texts.DOCTOR_CLOCK_NO_DATE)
    if server.tzinfo is None:
        return fail(CLOCK, texts.DOCTOR_CLOCK_NO_DATE)
    offset = round(local_s - (server.timestamp() + 0.5))
    if abs(offset) > limit_s:
        return fail(CLOCK, texts.DOCTOR_CLOCK_OFF.format(offset=offset, limit=limit_s))
    return ok(CLOCK, texts.DOCTOR_CLOCK_OK.format(offset=offset))


def secret_files(modes: Mapping[str, int | None]) -> CheckResult:
    """Secret files by path and permission bits (None: missing or not stat-able).

    Any group or other permission fails: a secret is for the one service that owns it (D71).
    """
    if not modes:
        return skipped(SECRET_FILES, texts.DOCTOR_PRIVATE_FILES_NONE)
    lines = []
    for path, mode in modes.items():
        if mode is None:
            lines.append(texts.DOCTOR_PRIVATE_FILE_MISSING.format(path=path))
        elif mode & 0o077:
            who = texts.DOCTOR_WHO_OTHERS if mode & 0o007 else texts.DOCTOR_WHO_GROUP
            lines.append(
                texts.DOCTOR_PRIVATE_FILE_LINE.format(path=path, mode=f"{mode:04o}", who=who)
            )
    if lines:
        return fail(
            SECRET_FILES, texts.DOCTOR_PRIVATE_FILES_READABLE.format(count=len(lines)), *lines
        )
    return ok(SECRET_FILES, texts.DOCTOR_PRIVATE_FILES_OK.format(count=len(modes)))
