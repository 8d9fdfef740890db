"""Brukerrom: proposing participants and the bruker's approvals."""

from __future__ import annotations

from samsnakk_bot.domain.i18n import _
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.domain.texts._markup import para, render, rich, text


def request_prompt(
    bruker: str, number: int, requester: str, candidate: str, note: str | None
) -> Reply:
    ask = _("{requester} ønsker å legge til {candidate} i rommet ditt.").format(
        requester=requester, candidate=candidate
    )
    heading = rich(_("**Forespørsel {number}**"), number=number)
    lines = [heading, text(ask)]
    if note:
        lines.append(text(_("Begrunnelse: {note}").format(note=note)))
    answer = _("Svar «!godkjenn {number}» eller «!avslå {number}».").format(number=number)
    return render(para(*lines), para(answer), mentions=(bruker,), tight=True)


def request_reminder(bruker: str, number: int, candidate: str) -> Reply:
    body = _(
        "Påminnelse: forespørsel {number} om å legge til {candidate} venter på svaret ditt. Svar «!godkjenn {number}» eller «!avslå {number}»."
    ).format(number=number, candidate=candidate)
    return Reply(body, None, (bruker,))


def request_sent(number: int, candidate: str, bruker_name: str) -> Reply:
    return Reply(
        _(
            "Forespørsel {number} om {candidate} er sendt til {bruker_name}. Du får beskjed når brukeren har svart."
        ).format(number=number, candidate=candidate, bruker_name=bruker_name),
        None,
    )


def request_queued(number: int, candidate: str) -> Reply:
    return Reply(
        _(
            "Forespørsel {number} om {candidate} er lagret. Brukeren får spørsmålet etter samtykket."
        ).format(number=number, candidate=candidate),
        None,
    )


def request_approved(requester: str, number: int, candidate: str) -> Reply:
    return Reply(
        _("Brukeren godkjente forespørsel {number}. {candidate} er invitert.").format(
            number=number, candidate=candidate
        ),
        None,
        (requester,),
    )


def request_rejected(requester: str, number: int, candidate: str) -> Reply:
    return Reply(
        _("Brukeren sa nei til forespørsel {number} om {candidate}.").format(
            number=number, candidate=candidate
        ),
        None,
        (requester,),
    )


def request_expired(requester: str, number: int, candidate: str) -> Reply:
    return Reply(
        _(
            "Forespørsel {number} om {candidate} fikk ikke svar i tide og er utløpt. Skriv «!legg-til» igjen om det fortsatt trengs."
        ).format(number=number, candidate=candidate),
        None,
        (requester,),
    )


def approved_ack(number: int, candidate: str) -> Reply:
    return Reply(
        _("Takk! {candidate} er invitert (forespørsel {number}).").format(
            candidate=candidate, number=number
        ),
        None,
    )


def rejected_ack(number: int, candidate: str) -> Reply:
    return Reply(
        _("Greit. {candidate} blir ikke med (forespørsel {number}).").format(
            candidate=candidate, number=number
        ),
        None,
    )


def unknown_request(number: int) -> str:
    return _("Jeg finner ingen forespørsel {number} i dette rommet.").format(number=number)


def request_not_pending(number: int) -> str:
    return _("Forespørsel {number} er allerede besvart eller avsluttet.").format(number=number)


def request_has_expired(number: int) -> str:
    return _("Forespørsel {number} er utløpt. Be den som spurte om å sende en ny.").format(
        number=number
    )


def already_participant(name: str) -> Reply:
    return Reply(_("{name} er allerede med i rommet.").format(name=name), None)


def already_requested(name: str, number: int) -> Reply:
    return Reply(
        _("{name} venter allerede på svar (forespørsel {number}).").format(
            name=name, number=number
        ),
        None,
    )


BAD_NUMBER = "Jeg trenger nummeret på forespørselen, for eksempel «!godkjenn 1»."
