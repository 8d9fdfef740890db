"""Texts: approvals."""

from __future__ import annotations

from html import escape

from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.domain.texts._markup import _html_paragraph


def request_prompt(
    bruker: str, number: int, requester: str, candidate: str, note: str | None
) -> Reply:
    ask = f"{requester} ønsker å legge til {candidate} i rommet ditt."
    note_line = f"Begrunnelse: {note}" if note else ""
    answer = f"Svar «!godkjenn {number}» eller «!avslå {number}»."
    body = "\n".join(x for x in (f"Forespørsel {number}", ask, note_line, answer) if x)
    html = (
        f"<p><strong>Forespørsel {number}</strong><br>{escape(ask)}"
        + (f"<br>{escape(note_line)}" if note_line else "")
        + f"</p>{_html_paragraph(answer)}"
    )
    return Reply(body, html, (bruker,))


def request_reminder(bruker: str, number: int, candidate: str) -> Reply:
    body = (
        f"Påminnelse: forespørsel {number} om å legge til {candidate} venter på svaret ditt. "
        f"Svar «!godkjenn {number}» eller «!avslå {number}»."
    )
    return Reply(body, None, (bruker,))


def request_sent(number: int, candidate: str, bruker_name: str) -> Reply:
    return Reply(
        f"Forespørsel {number} om {candidate} er sendt til {bruker_name}. Du får beskjed når "
        "brukeren har svart.",
        None,
    )


def request_queued(number: int, candidate: str) -> Reply:
    return Reply(
        f"Forespørsel {number} om {candidate} er lagret. Brukeren får spørsmålet etter samtykket.",
        None,
    )


def request_approved(requester: str, number: int, candidate: str) -> Reply:
    return Reply(
        f"Brukeren godkjente forespørsel {number}. {candidate} er invitert.", None, (requester,)
    )


def request_rejected(requester: str, number: int, candidate: str) -> Reply:
    return Reply(f"Brukeren sa nei til forespørsel {number} om {candidate}.", None, (requester,))


def request_expired(requester: str, number: int, candidate: str) -> Reply:
    return Reply(
        f"Forespørsel {number} om {candidate} fikk ikke svar i tide og er utløpt. "
        "Skriv «!legg-til» igjen om det fortsatt trengs.",
        None,
        (requester,),
    )


def approved_ack(number: int, candidate: str) -> Reply:
    return Reply(f"Takk! {candidate} er invitert (forespørsel {number}).", None)


def rejected_ack(number: int, candidate: str) -> Reply:
    return Reply(f"Greit. {candidate} blir ikke med (forespørsel {number}).", None)


def unknown_request(number: int) -> str:
    return f"Jeg finner ingen forespørsel {number} i dette rommet."


def request_not_pending(number: int) -> str:
    return f"Forespørsel {number} er allerede besvart eller avsluttet."


def request_has_expired(number: int) -> str:
    return f"Forespørsel {number} er utløpt. Be den som spurte om å sende en ny."


def already_participant(name: str) -> Reply:
    return Reply(f"{name} er allerede med i rommet.", None)


def already_requested(name: str, number: int) -> Reply:
    return Reply(f"{name} venter allerede på svar (forespørsel {number}).", None)


BAD_NUMBER = "Jeg trenger nummeret på forespørselen, for eksempel «!godkjenn 1»."
