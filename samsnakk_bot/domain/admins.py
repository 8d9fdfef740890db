"""Who is an admin of an organisation. Pure: the one rule every layer uses.

An admin is listed under the organisation in policies, or has an account with the admin role
recorded for that organisation (by its name or its id).
"""

from __future__ import annotations

from collections.abc import Iterable


def org_admins(
    listed: Iterable[str], org_keys: Iterable[str], role_admins: Iterable[tuple[str, str | None]]
) -> frozenset[str]:
    keys = frozenset(org_keys)
    return frozenset(listed) | frozenset(user for user, org in role_admins if org in keys)


def is_admin_anywhere(user_id: str, admins_by_org: Iterable[frozenset[str]]) -> bool:
    """An admin of some organisation, or a report viewer of the helsefellesskap.

    Used only to choose an answer («use your admin room»); what an admin may *do* is always
    decided for the room's own organisation (services/admin_checks.py).
    """
    return any(user_id in admins for admins in admins_by_org)


def is_admin_command(command: str) -> bool:
    """``!admin …`` is refused with its own answer and audited, wherever it is written."""
    return command.split()[0] == "admin"
