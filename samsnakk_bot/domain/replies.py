"""What the bot says back: a message body, an optional HTML variant and who it mentions.

A ``Reply`` is a pure value. The Matrix adapter turns it into an ``m.room.message``: ``body`` is the
plain-text body, ``html`` (when set) becomes ``formatted_body`` with ``format:
org.matrix.custom.html``, and ``mentions`` fill ``m.mentions.user_ids`` so the people named get a
notification.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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


def reply_content(reply: Reply) -> dict[str, Any]:
    """Answers to a command are notices; anything that needs a person's answer mentions them."""
    content: dict[str, Any] = {
        "msgtype": "m.text" if reply.mentions else "m.notice",
        "body": reply.body,
        "m.mentions": {"user_ids": list(reply.mentions)} if reply.mentions else {},
    }
    if reply.html:
        content["format"] = "org.matrix.custom.html"
        content["formatted_body"] = reply.html
    return content
