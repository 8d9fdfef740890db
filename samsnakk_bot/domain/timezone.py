"""The one time zone Samsnakk speaks in: every date and hour a person reads is Europe/Oslo."""

from __future__ import annotations

from typing import Final
from zoneinfo import ZoneInfo

OSLO_TZID: Final = "Europe/Oslo"
OSLO: Final = ZoneInfo(OSLO_TZID)
