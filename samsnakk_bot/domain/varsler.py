"""Pure rules for varsler: which channel, when (throttle, quiet hours), retry backoff.

A varsel never carries content: it says *that* something happened, never *what*.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum, StrEnum
from typing import Literal, get_args


class Kind(StrEnum):
    MESSAGE = "message"
    APPROVAL_PROMPT = "approval_prompt"
    REQUEST_OUTCOME = "request_outcome"
    ONBOARDING_CODE = "onboarding_code"
    REMINDER = "reminder"
    MEETING = "meeting"
    SUMMARY = "summary"


# The one list of varsel channels: the store's CHECK, the policies and the commands use it.
# A channel's sending side is registered apart from this list (bridge/channels/registry.py).
VarselChannel = Literal["app", "sms", "epost"]
CHANNELS: tuple[VarselChannel, ...] = get_args(VarselChannel)
# The app is always there; the others need the person's address and a configured provider.
APP: VarselChannel = "app"


@dataclass(frozen=True)
class Prefs:
    channels: tuple[str, ...]  # () means "av": no varsler
    has_phone: bool
    has_email: bool
    quiet: tuple[int, int] | None  # (start hour, end hour) in Europe/Oslo
    sms_summary: bool = False


def channels_for(prefs: Prefs, kind: Kind) -> tuple[str, ...]:
    """Where this person wants this kind of varsel; a channel without an address falls back
    to the app, so nobody silently loses notifications by half-finishing a setting."""
    chosen: list[str] = []
    for channel in prefs.channels:
        if (channel == "sms" and not prefs.has_phone) or (
            channel == "epost" and not prefs.has_email
        ):
            channel = "app"
        if channel not in chosen:
            chosen.append(channel)
    return tuple(chosen)


def in_quiet_hours(local: datetime, quiet: tuple[int, int] | None) -> bool:
    if quiet is None:
        return False
    start, end = quiet
    hour = local.hour
    if start == end:
        return False
    return start <= hour or hour < end if start > end else start <= hour < end


def quiet_release(local: datetime, quiet: tuple[int, int] | None) -> datetime:
    """The first moment at or after ``local`` outside quiet hours (same time zone)."""
    if not in_quiet_hours(local, quiet):
        return local
    assert quiet is not None
    end = quiet[1]
    release = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if release <= local:
        release += timedelta(days=1)
    return release


def held_by_quiet_hours(channel: str, kind: Kind) -> bool:
    """SMS and e-post wait for morning; the app does not, and the onboarding code never waits."""
    return channel != APP and kind is not Kind.ONBOARDING_CODE


class Throttle(Enum):
    MERGE = "merge"  # add to the varsel still waiting
    LATER = "later"  # a new varsel, sent when the period since the last one is over
    NOW = "now"


def throttle(last_sent_ms: int | None, pending: bool, now_ms: int, period_ms: int) -> Throttle:
    """At most one varsel per person per room per period; messages in between are counted."""
    if pending:
        return Throttle.MERGE
    if last_sent_ms is not None and now_ms - last_sent_ms < period_ms:
        return Throttle.LATER
    return Throttle.NOW


def backoff_ms(attempts: int, base_ms: int, cap_ms: int, rng: random.Random | None = None) -> int:
    """Exponential backoff with full jitter: uniform in [base, min(cap, base·2^attempts)]."""
    ceiling = min(cap_ms, base_ms * (2 ** min(attempts, 30)))
    # Jitter spreads retries out; it protects nothing, so a plain PRNG is right here.
    return int((rng or random.Random()).uniform(base_ms, max(base_ms, ceiling)))  # noqa: S311


_QUIET = re.compile(r"^(\d{1,2})(?::00)?\s*[-–]\s*(\d{1,2})(?::00)?$")


def parse_quiet(text: str) -> tuple[int, int] | None:
    """``22-07`` / ``22:00-07:00`` → (22, 7); None if it is not two whole hours 0–23."""
    m = _QUIET.match(text.strip())
    if not m:
        return None
    start, end = int(m.group(1)), int(m.group(2))
    if not (0 <= start <= 23 and 0 <= end <= 23) or start == end:
        return None
    return start, end


def parse_channels(words: tuple[str, ...]) -> tuple[str, ...] | None:
    """``app``, ``sms epost``, ``av`` → channels; None if a word is not a channel."""
    aliases = {
        "app": "app",
        "appen": "app",
        "sms": "sms",
        "epost": "epost",
        "e-post": "epost",
        "mail": "epost",
        "av": "av",
    }
    chosen: list[str] = []
    for word in words:
        channel = aliases.get(word.lower())
        if channel is None:
            return None
        if channel not in chosen:
            chosen.append(channel)
    if not chosen or ("av" in chosen and len(chosen) > 1):
        return None
    return () if chosen == ["av"] else tuple(chosen)
