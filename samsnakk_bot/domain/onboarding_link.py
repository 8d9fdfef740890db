"""The link that opens Element X with our homeserver preset (issue 11, D90).

``https://mobile.element.io/element/?account_provider=<server>`` opens Element X on a phone
that has it, and the app store on one that has not (Element X iOS 25.05.2, Android 25.06.0).
The classic ``hs_url`` links work only in the classic Element apps. ``login_hint`` with
``mxid:<Matrix ID>`` presets the account as well; it goes only where the Matrix ID is
pseudonymous and the reader is the person or their helper, never into anything public.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

ELEMENT_X_LINK_BASE = "https://mobile.element.io/element/"


def element_x_link(account_provider: str, user_id: str | None = None) -> str:
    """The deep link; ``:`` and ``@`` stay as they are (allowed in a query, shorter in an SMS)."""
    query = {"account_provider": account_provider}
    if user_id is not None:
        query["login_hint"] = f"mxid:{user_id}"
    return f"{ELEMENT_X_LINK_BASE}?{urlencode(query, quote_via=quote, safe=':@')}"


@dataclass(frozen=True)
class OnboardingLinks:
    """Where a new bruker starts: the app link, and our /velkommen page if it is public."""

    account_provider: str
    page_url: str | None = None

    def app(self, user_id: str | None = None) -> str:
        return element_x_link(self.account_provider, user_id)
