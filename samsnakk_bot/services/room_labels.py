"""A new brukerrom's label: free in our table, and its alias free on the homeserver.

Our table is checked before the create; the homeserver's alias, by the create itself. Two
``!rom ny`` at once can draw the same free label: the second ``createRoom`` then answers
``M_ROOM_IN_USE`` (:class:`AliasTaken`), and the create draws again, one attempt further on,
so the label widens as :mod:`samsnakk_bot.domain.labels` says.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable

from samsnakk_bot.domain.labels import draw_label
from samsnakk_bot.services.ports import AliasTaken as AliasTaken  # raised by RoomActions

MAX_ATTEMPTS = 30  # 10 widths: beyond that something else is wrong


class LabelDrawer:
    def __init__(
        self,
        taken: Callable[[str], Awaitable[bool]],
        randbelow: Callable[[int], int] = secrets.randbelow,
    ) -> None:
        self._taken = taken
        self.randbelow = randbelow

    async def draw(self, attempt: int = 0) -> tuple[str, int]:
        """A label not in our table, and the attempt it was drawn at (to go on from)."""
        while attempt < MAX_ATTEMPTS:
            label = draw_label(attempt, self.randbelow)
            if not await self._taken(label):
                return label, attempt
            attempt += 1
        raise RuntimeError(f"no free room label after {MAX_ATTEMPTS} draws")
