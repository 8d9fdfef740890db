"""Who someone is to Samsnakk (staff or bruker), from signals production sets too.

``accounts.role`` is written by the dev stack, so it cannot decide alone. Production sets:
- the directory: every member of staff is in it (an inactive entry is a former colleague);
- the admins and report viewers named in policies;
- offboarding, which is recorded apart from the directory;
- the bruker namespace: ID-porten logins land in ``@b-…`` accounts (domain/pseudonym.py, and
  the MAS template ``b-{{ user.sub | lower }}``), which staff logins never produce.
Staff signals win over bruker signals, so a staff account named ``b-…`` is still staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from samsnakk_bot.domain.pseudonym import PSEUDONYM_PREFIX


class Standing(Enum):
    STAFF = "staff"
    BRUKER = "bruker"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Signals:
    user_id: str
    in_directory: bool
    listed_in_policies: bool
    offboarded: bool
    account_role: str | None  # the dev stack's record, when there is one


def in_bruker_namespace(user_id: str) -> bool:
    return user_id.startswith("@" + PSEUDONYM_PREFIX)


def standing(s: Signals) -> Standing:
    if s.in_directory or s.listed_in_policies or s.offboarded:
        return Standing.STAFF
    if s.account_role in ("ansatt", "admin"):
        return Standing.STAFF
    if in_bruker_namespace(s.user_id) or s.account_role == "bruker":
        return Standing.BRUKER
    return Standing.UNKNOWN
