"""What the bot may show a participant of what was written before they came. Pure.

``history_visibility: joined`` keeps the room's messages from people approved later; the bot
must not re-show them either. So a participant sees meetings and agenda items only from the
moment they were approved, and the bruker's «ikke» topics only if they are in that meeting.
"""

from __future__ import annotations


def sees_meeting(created_ms: int, approved_ms: int, in_meeting: bool) -> bool:
    """A meeting planned before someone was approved is theirs only if they were added to it."""
    return in_meeting or created_ms >= approved_ms


def sees_agenda_item(
    created_ms: int, avoid: bool, author: str, asker: str, approved_ms: int, in_meeting: bool
) -> bool:
    """Own items always; others' only from approval on; «ikke» topics only in the meeting."""
    if author == asker:
        return True
    if created_ms < approved_ms:
        return False
    return in_meeting or not avoid
