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
