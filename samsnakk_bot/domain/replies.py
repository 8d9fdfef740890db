"""What the bot says back: a message body, an optional HTML variant and who it mentions.

A ``Reply`` is a pure value. The Matrix adapter turns it into an ``m.room.message``: ``body`` is the
plain-text body, ``html`` (when set) becomes ``formatted_body`` with ``format:
org.matrix.custom.html``, and ``mentions`` fill ``m.mentions.user_ids`` so the people named get a
notification.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reply:
    """One message from the bot to a person.

    ``html`` uses only Element's HTML subset (``a b strong i em u del code ul ol li pre blockquote
    p br``); ``None`` means the plain body is all there is.
    """

    body: str
    html: str | None
    mentions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.body.strip():
            raise ValueError("a reply needs a non-empty body")
