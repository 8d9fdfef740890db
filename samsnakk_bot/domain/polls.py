"""MSC3381 polls (unstable types): the bot's questions, and reading an answer.

Poll answers stay end-to-end encrypted, unlike reaction keys, so a bruker can answer with a
tap without the server learning what they chose.
"""

from __future__ import annotations

from typing import Any

POLL_START = "org.matrix.msc3381.poll.start"
POLL_RESPONSE = "org.matrix.msc3381.poll.response"
_TEXT = "org.matrix.msc1767.text"


def poll_start(
    question: str, answers: list[tuple[str, str]], fallback: str, mentions: tuple[str, ...] = ()
) -> dict[str, Any]:
    """``answers`` are (id, label) pairs; ``fallback`` is what clients without polls show."""
    return {
        POLL_START: {
            "question": {_TEXT: question},
            "kind": "org.matrix.msc3381.poll.disclosed",
            "max_selections": 1,
            "answers": [{"id": aid, _TEXT: label} for aid, label in answers],
        },
        _TEXT: fallback,
        "body": fallback,
        "m.mentions": {"user_ids": list(mentions)} if mentions else {},
    }


def read_response(content: dict[str, Any]) -> tuple[str, str] | None:
    """(poll start event ID, chosen answer ID), or None if this is not a usable answer."""
    relates = content.get("m.relates_to")
    response = content.get(POLL_RESPONSE)
    if not isinstance(relates, dict) or not isinstance(response, dict):
        return None
    poll_id = relates.get("event_id")
    answers = response.get("answers")
    if (
        relates.get("rel_type") != "m.reference"
        or not isinstance(poll_id, str)
        or not isinstance(answers, list)
        or len(answers) != 1
        or not isinstance(answers[0], str)
    ):
        return None
    return poll_id, answers[0]


# A request poll's answer IDs name the request. The answer ID is inside the ciphertext, while
# the relation to the poll is cleartext (Element X sends it outside the encrypted payload), so
# only the ID binds a "Godkjenn" to the request the bruker saw.
APPROVE = "godkjenn"
REJECT = "avsla"


def request_answer_ids(request_id: int) -> tuple[str, str]:
    """(approve, reject) answer IDs of the poll for request ``request_id`` (its database ID)."""
    return f"{APPROVE}-r{request_id}", f"{REJECT}-r{request_id}"


class Mismatch:
    """An answer that belongs to another question: refused, never translated."""


MISMATCH = Mismatch()


def command_for_answer(
    purpose: str, answer: str, request_id: int | None, number: int | None
) -> str | Mismatch | None:
    """The command a poll answer stands for: it then goes through the same checks and audit.

    ``None`` for an answer to a poll that needs none any more (e.g. its request is gone);
    :data:`MISMATCH` for a request poll answered with anything but that request's own IDs.
    """
    if purpose == "consent":
        return {"ja": "!samtykke ja", "nei": "!samtykke nei"}.get(answer)
    if purpose != "request" or request_id is None or number is None:
        return None
    approve, reject = request_answer_ids(request_id)
    return {approve: f"!godkjenn {number}", reject: f"!avslå {number}"}.get(answer, MISMATCH)
