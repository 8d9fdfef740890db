"""Brukerrom: the consent prompt, poll and answers."""

from __future__ import annotations

from samsnakk_bot.domain.i18n import _
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.domain.texts._markup import _html_paragraph
from samsnakk_bot.domain.texts.guard import with_history_rule

CONSENT_POLL_YES = "Ja, jeg samtykker"


CONSENT_POLL_NO = "Nei takk"


CONSENT_POLL_FALLBACK = "Svar «!samtykke ja» eller «!samtykke nei»."


REQUEST_POLL_YES = "Godkjenn"


REQUEST_POLL_NO = "Avslå"


def request_poll_question(number: int, candidate: str) -> str:
    return _("Forespørsel {number}: Skal {candidate} bli med i rommet?").format(
        number=number, candidate=candidate
    )


def request_poll_fallback(number: int) -> str:
    return _("Svar «!godkjenn {number}» eller «!avslå {number}».").format(number=number)


def consent_text(text: str, version: str) -> Reply:
    body = _("{with_history_rule}\n\n(Samtykketekst versjon {version})").format(
        with_history_rule=with_history_rule(text), version=version
    )
    return Reply(body, _html_paragraph(body))


def consent_given(bruker_name: str, creator_name: str) -> Reply:
    return Reply(
        _(
            "Takk, {bruker_name}. Samtykket er registrert. {creator_name} blir nå invitert. Du bestemmer hvem andre som kan bli med."
        ).format(bruker_name=bruker_name, creator_name=creator_name),
        None,
    )


def consent_refused_room() -> Reply:
    return Reply(_("Greit. Ingen andre blir med, og rommet lukkes. Takk for svaret."), None)


def consent_refused_to_creator(label: str) -> Reply:
    return Reply(
        _(
            "Brukeren takket nei til rommet «{label}». Rommet er lukket, og ingen andre ble med."
        ).format(label=label),
        None,
    )


def consent_withdrawn(bruker_name: str) -> Reply:
    return Reply(
        _(
            "{bruker_name} har trukket samtykket. Alle fjernes nå fra rommet, og rommet lukkes."
        ).format(bruker_name=bruker_name),
        None,
    )


def consent_withdrawn_to_member(label: str) -> Reply:
    return Reply(
        _("Brukeren har trukket samtykket for rommet «{label}». Du er fjernet fra rommet.").format(
            label=label
        ),
        None,
    )


ONLY_BRUKER = "Bare brukeren selv kan svare på dette."


CONSENT_NOT_PENDING = "Samtykket er allerede registrert. Skriv «!samtykke vis» for å se teksten."


CONSENT_NEEDED_FIRST = "Brukeren må samtykke før noen kan bli lagt til."


ROOM_CLOSED = "Dette rommet er lukket."


SAMTYKKE_WHICH = "Skriv «!samtykke ja», «!samtykke nei», «!samtykke vis» eller «!samtykke trekk»."
