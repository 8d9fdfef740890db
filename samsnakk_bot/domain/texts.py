"""Every Norwegian (bokmål) text a person reads from Samsnakk lives here, and only here.

Readers are clinicians on a phone between patients and brukere who may be anxious, so the texts
are warm, plain and short. Commands are quoted with «» in plain bodies and set in ``<code>`` in
HTML. HTML uses only Element's subset (``a b strong i em u del code ul ol li pre blockquote p
br``); every value put into HTML goes through :func:`html.escape`.

The module is pure: constants, and small functions that take plain values and return strings or
:class:`~samsnakk_bot.domain.replies.Reply`. It knows nothing about the command registry.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from samsnakk_bot.domain.replies import Reply

BANG = "!"

# --- The bot introducing itself -----------------------------------------------------------------

INTRO = (
    "Samsnakk er en trygg, kryptert samtale der brukeren og de som hjelper – DPS, kommunen, NAV "
    "og fastlegen – kan snakke sammen på ett sted."
)

DM_GREETING = (
    "Hei! Jeg er Samsnakk-boten. Jeg setter opp trygge samtalerom der brukeren og hjelperne "
    "kan snakke sammen. Skriv «!hjelp» for å se hva du kan gjøre."
)

NOT_A_COMMAND_IN_DM = (
    "Jeg er en bot og forstår bare kommandoer som begynner med «!». "
    "Skriv «!hjelp» for å se hva du kan skrive."
)

UNENCRYPTED_ROOM_REFUSAL = (
    "Jeg snakker bare i krypterte rom, slik at det du skriver holdes trygt. "
    "Start en ny, kryptert direktemelding med meg, så svarer jeg der."
)

BOT_NAME = "Samsnakk-boten"
DM_CLOSED = "Samtalen er avsluttet."
ONLY_DIRECT_CHATS = "Samsnakk-boten blir bare med i direktesamtaler."

# --- Command descriptions (referred to by the command registry) ----------------------------------

HJELP_USAGE = "!hjelp [kommando]"
HJELP_SUMMARY = "Viser hva du kan skrive, eller forklarer én kommando."
HJELP_DETAILS = (
    "Skriv «!hjelp» alene for å se alle kommandoene du kan bruke her. "
    "Skriv navnet på en kommando etter «!hjelp» for å lese mer om akkurat den."
)
HJELP_EXAMPLE = "!hjelp rom"

# --- Help ---------------------------------------------------------------------------------------

HELP_LIST_HEADING = "Dette kan du skrive til meg:"
NO_COMMANDS_HERE = "Her er det ingen kommandoer du kan bruke."
EXAMPLE_LABEL = "Eksempel:"
ALIASES_LABEL = "Du kan også skrive:"


def command(name: str) -> str:
    """A command as a person types it: ``møte ny`` → ``!møte ny``."""
    return name if name.startswith(BANG) else f"{BANG}{name}"


def _quoted(name: str) -> str:
    return f"«{command(name)}»"


def _code(text: str) -> str:
    return f"<code>{escape(text)}</code>"


def _html_paragraph(text: str) -> str:
    return "<p>" + escape(text).replace("\n", "<br>") + "</p>"


def _more_help(example_name: str) -> str:
    return (
        f"Skriv «!hjelp» og navnet på en kommando for å lese mer, "
        f"for eksempel «!hjelp {example_name}»."
    )


def help_overview(entries: Sequence[tuple[str, str]], example_name: str) -> Reply:
    """The ``!hjelp`` overview. ``entries`` are ``(usage, summary)`` pairs, in display order."""
    if not entries:
        return Reply(f"{INTRO}\n\n{NO_COMMANDS_HERE}", None)
    lines = [f"• {usage} – {summary}" for usage, summary in entries]
    more = _more_help(example_name)
    body = "\n".join([INTRO, "", HELP_LIST_HEADING, *lines, "", more])
    items = "".join(f"<li>{_code(usage)} – {escape(summary)}</li>" for usage, summary in entries)
    html = (
        f"{_html_paragraph(INTRO)}{_html_paragraph(HELP_LIST_HEADING)}"
        f"<ul>{items}</ul>{_html_paragraph(more)}"
    )
    return Reply(body, html)


def command_help(usage: str, details: str, example: str, aliases: Sequence[str] = ()) -> Reply:
    """``!hjelp <kommando>``: how to write it, what it does, and an example."""
    body_parts = [usage, details, f"{EXAMPLE_LABEL}\n{example}"]
    html_example = f"<pre><code>{escape(example)}</code></pre>"
    html_parts = [f"<p>{_code(usage)}</p>", _html_paragraph(details)]
    html_parts.append(f"<p>{escape(EXAMPLE_LABEL)}</p>{html_example}")
    if aliases:
        shown = ", ".join(_quoted(alias) for alias in aliases)
        body_parts.append(f"{ALIASES_LABEL} {shown}.")
        html_shown = ", ".join(_code(command(alias)) for alias in aliases)
        html_parts.append(f"<p>{escape(ALIASES_LABEL)} {html_shown}.</p>")
    return Reply("\n\n".join(body_parts), "".join(html_parts))


def command_group_help(group: str, entries: Sequence[tuple[str, str]]) -> Reply:
    """``!møte`` alone when only ``!møte ny`` etc. exist: list what may follow."""
    intro = f"{_quoted(group)} trenger ett ord til. Dette kan du skrive:"
    lines = [f"• {usage} – {summary}" for usage, summary in entries]
    body = "\n".join([intro, *lines])
    items = "".join(f"<li>{_code(usage)} – {escape(summary)}</li>" for usage, summary in entries)
    return Reply(body, f"{_html_paragraph(intro)}<ul>{items}</ul>")


# --- When something is not right ----------------------------------------------------------------


def _did_you_mean(suggestion: str | None) -> str:
    return f" Mente du {_quoted(suggestion)}?" if suggestion else ""


def unknown_command(name: str, suggestion: str | None = None) -> Reply:
    """Someone wrote a command we do not have, e.g. ``!hjlep``."""
    body = (
        f"Jeg kjenner ikke kommandoen {_quoted(name)}.{_did_you_mean(suggestion)} "
        "Skriv «!hjelp» for å se hva du kan skrive."
    )
    return Reply(body, None)


def unknown_command_help(name: str, suggestion: str | None = None) -> Reply:
    """``!hjelp xyz`` where ``xyz`` is not a command."""
    body = (
        f"Jeg kjenner ikke kommandoen {_quoted(name)}, så jeg kan ikke forklare den."
        f"{_did_you_mean(suggestion)} Skriv «!hjelp» for å se hva du kan skrive."
    )
    return Reply(body, None)


def command_not_available(name: str) -> Reply:
    """A real command, but not for this person or not in this room."""
    body = (
        f"Kommandoen {_quoted(name)} kan ikke brukes her. "
        "Skriv «!hjelp» for å se hva du kan skrive her."
    )
    return Reply(body, None)


def bad_arguments(usage: str, example: str, problem: str | None = None) -> Reply:
    """A known command written the wrong way: say what to write instead.

    ``problem`` is an optional sentence from this module saying what was wrong.
    """
    first = problem if problem else "Det ble ikke helt riktig."
    body = f"{first} Skriv slik: «{usage}».\n\n{EXAMPLE_LABEL}\n{example}"
    html = (
        f"{_html_paragraph(first)}<p>Skriv slik: {_code(usage)}.</p>"
        f"<p>{escape(EXAMPLE_LABEL)}</p><pre><code>{escape(example)}</code></pre>"
    )
    return Reply(body, html)


def unexpected_error(reference: str) -> Reply:
    """Something failed on our side. The same reference is logged for support to find."""
    body = (
        "Noe gikk galt hos oss. Prøv igjen om litt. "
        f"Oppgi referanse {reference} hvis du kontakter brukerstøtte."
    )
    return Reply(body, None)


# --- Direct messages -----------------------------------------------------------------------------


def dm_greeting() -> Reply:
    """Posted once when the bot joins a direct message with a person."""
    return Reply(DM_GREETING, None)


def not_a_command_in_dm() -> Reply:
    """Plain text (not a command) written to the bot in a direct message."""
    return Reply(NOT_A_COMMAND_IN_DM, None)


def unencrypted_room_refusal() -> Reply:
    """Why the bot will not talk in a room without end-to-end encryption."""
    return Reply(UNENCRYPTED_ROOM_REFUSAL, None)


# --- Brukerrom: command descriptions -------------------------------------------------------------

ROM_NY_USAGE = "!rom ny <bruker> [med <deltaker>, …]"
ROM_NY_SUMMARY = "Oppretter et trygt, kryptert rom for en bruker."
ROM_NY_DETAILS = (
    "Skriv brukerens Matrix-ID, eller mobilnummeret hvis brukeren ikke har konto ennå. "
    "Logger brukeren inn med ID-porten, kan du skrive «fnr:» og fødselsnummeret. "
    "Etter «med» kan du foreslå flere deltakere (Matrix-ID eller navn fra katalogen; bruk "
    "komma mellom navn med mellomrom). Brukeren får samtykketeksten først, og godkjenner "
    "hver deltaker selv."
)
ROM_NY_EXAMPLE = "!rom ny @per:samsnakk.localhost med @vera:samsnakk.localhost"

KODE_USAGE = "!kode XXXX-XXXX"
KODE_SUMMARY = "Gir deg tilgang til rommet ditt med koden du fikk."
KODE_DETAILS = (
    "Har du fått en kode fra den som hjelper deg? Skriv den her, så blir du invitert til "
    "rommet ditt. Koden kan bare brukes én gang."
)
KODE_EXAMPLE = "!kode K7QM-3XHP"

SAMTYKKE_JA_USAGE = "!samtykke ja"
SAMTYKKE_JA_SUMMARY = "Du sier ja til rommet, slik samtykketeksten beskriver."
SAMTYKKE_JA_DETAILS = (
    "Når du sier ja, blir den som opprettet rommet med. Alle andre må du godkjenne én og én."
)
SAMTYKKE_NEI_USAGE = "!samtykke nei"
SAMTYKKE_NEI_SUMMARY = "Du sier nei takk, og rommet lukkes."
SAMTYKKE_NEI_DETAILS = "Ingen andre blir med, og rommet lukkes. Du kan alltid spørre igjen senere."
SAMTYKKE_VIS_USAGE = "!samtykke vis"
SAMTYKKE_VIS_SUMMARY = "Viser samtykketeksten igjen."
SAMTYKKE_VIS_DETAILS = "Viser hva du har sagt ja til: hvem som kan se hva, og hvilke valg du har."
SAMTYKKE_TREKK_USAGE = "!samtykke trekk"
SAMTYKKE_TREKK_SUMMARY = "Trekker samtykket: alle fjernes og rommet lukkes."
SAMTYKKE_TREKK_DETAILS = (
    "Du kan trekke samtykket når som helst. Alle blir fjernet fra rommet, og rommet lukkes. "
    "Det blir skrevet i innsynsloggen."
)

LEGG_TIL_USAGE = "!legg-til <deltaker> [rolle eller notat]"
LEGG_TIL_SUMMARY = "Foreslår en ny deltaker. Brukeren må godkjenne."
LEGG_TIL_DETAILS = (
    "Skriv Matrix-ID eller navn fra katalogen. Brukeren får spørsmålet og svarer "
    "«!godkjenn N» eller «!avslå N». Du får beskjed om svaret."
)
LEGG_TIL_EXAMPLE = "!legg-til @vera:samsnakk.localhost veileder i NAV"

GODKJENN_USAGE = "!godkjenn N"
GODKJENN_SUMMARY = "Godkjenner forespørsel nummer N, så personen blir invitert."
GODKJENN_DETAILS = "Bare brukeren selv kan godkjenne. Nummeret står i forespørselen."
AVSLA_USAGE = "!avslå N"
AVSLA_SUMMARY = "Sier nei til forespørsel nummer N."
AVSLA_DETAILS = "Bare brukeren selv kan svare. Den som spurte får beskjed, uten begrunnelse."

FJERN_USAGE = "!fjern <deltaker>"
FJERN_SUMMARY = "Fjerner en deltaker fra rommet ditt."
FJERN_DETAILS = "Du kan fjerne hvem som helst, når som helst. Det blir skrevet i innsynsloggen."
FJERN_EXAMPLE = "!fjern @vera:samsnakk.localhost"

FORLAT_USAGE = "!forlat"
FORLAT_SUMMARY = "Du går ut av dette rommet."
FORLAT_DETAILS = "For ansatte som ikke lenger skal følge opp brukeren. Brukeren ser at du gikk."

DELTAKERE_USAGE = "!deltakere"
DELTAKERE_SUMMARY = "Viser hvem som er med, og hvem som har godkjent dem."
DELTAKERE_DETAILS = "Viser navn, organisasjon, hvem som foreslo personen og når brukeren godkjente."

LOGG_USAGE = "!logg"
LOGG_SUMMARY = "Innsynsloggen: hvem som har vært i rommet ditt, og når."
LOGG_DETAILS = "Viser alt som har skjedd med tilgangen til rommet ditt, med tidspunkt."


# --- Brukerrom: creating a room ------------------------------------------------------------------


def _names(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " og " + names[-1]


def room_created(label: str, bruker_name: str, proposed: Sequence[str]) -> Reply:
    lines = [
        f"Rommet «{label}» er opprettet og kryptert.",
        f"{bruker_name} er invitert og får samtykketeksten først.",
        f"Du blir lagt til i rommet når {bruker_name} har samtykket.",
    ]
    if proposed:
        lines.append(f"{bruker_name} får spørsmål om å godkjenne {_names(proposed)} etterpå.")
    return Reply("\n".join(lines), None)


def room_created_with_code(label: str, code: str, hours: int, proposed: Sequence[str]) -> Reply:
    lines = [
        f"Rommet «{label}» er opprettet og kryptert.",
        f"Gi denne koden til brukeren: {code}",
        f"Brukeren logger inn i Samsnakk, skriver «!kode {code}» til meg, og blir invitert. "
        f"Koden virker én gang og i {hours} timer.",
    ]
    if proposed:
        lines.append(f"Deretter får brukeren spørsmål om å godkjenne {_names(proposed)}.")
    return Reply("\n".join(lines), None)


ROM_NY_MISSING_BRUKER = "Jeg trenger å vite hvem rommet er for."
ROM_NY_BRUKER_IS_NAME = (
    "Brukeren må skrives som Matrix-ID (for eksempel @per:samsnakk.localhost) eller som "
    "mobilnummer, så rommet havner hos riktig person."
)
ROM_NY_EMPTY_MED = "Etter «med» må du skrive hvem du vil foreslå."


def person_not_found(text: str) -> str:
    return f"Jeg fant ingen «{text}» i katalogen. Sjekk stavemåten, eller bruk Matrix-ID."


def no_such_user(user_id: str) -> str:
    return f"Jeg finner ingen konto med ID «{user_id}». Sjekk at den er skrevet riktig."


def person_ambiguous(text: str, candidates: Sequence[str]) -> str:
    return f"«{text}» passer på flere: {_names(list(candidates))}. Bruk Matrix-ID."


def bad_phone(text: str) -> str:
    return (
        f"«{text}» er ikke et norsk mobilnummer. Skriv det med 8 sifre, "
        "for eksempel 912 34 567 eller +47 912 34 567."
    )


def bruker_is_staff(name: str) -> str:
    return f"{name} er registrert som ansatt, ikke som bruker."


ROM_NY_SELF = "Du kan ikke opprette et brukerrom for deg selv."


# --- Brukerrom: consent --------------------------------------------------------------------------


CONSENT_POLL_YES = "Ja, jeg samtykker"
CONSENT_POLL_NO = "Nei takk"
CONSENT_POLL_FALLBACK = "Svar «!samtykke ja» eller «!samtykke nei»."
REQUEST_POLL_YES = "Godkjenn"
REQUEST_POLL_NO = "Avslå"


def request_poll_question(number: int, candidate: str) -> str:
    return f"Forespørsel {number}: Skal {candidate} bli med i rommet?"


def request_poll_fallback(number: int) -> str:
    return f"Svar «!godkjenn {number}» eller «!avslå {number}»."


def consent_text(text: str, version: str) -> Reply:
    body = f"{with_history_rule(text)}\n\n(Samtykketekst versjon {version})"
    return Reply(body, _html_paragraph(body))


def consent_given(bruker_name: str, creator_name: str) -> Reply:
    return Reply(
        f"Takk, {bruker_name}. Samtykket er registrert. {creator_name} blir nå invitert. "
        "Du bestemmer hvem andre som kan bli med.",
        None,
    )


def consent_refused_room() -> Reply:
    return Reply("Greit. Ingen andre blir med, og rommet lukkes. Takk for svaret.", None)


def consent_refused_to_creator(label: str) -> Reply:
    return Reply(
        f"Brukeren takket nei til rommet «{label}». Rommet er lukket, og ingen andre ble med.",
        None,
    )


def consent_withdrawn(bruker_name: str) -> Reply:
    return Reply(
        f"{bruker_name} har trukket samtykket. Alle fjernes nå fra rommet, og rommet lukkes.",
        None,
    )


def consent_withdrawn_to_member(label: str) -> Reply:
    return Reply(
        f"Brukeren har trukket samtykket for rommet «{label}». Du er fjernet fra rommet.", None
    )


ONLY_BRUKER = "Bare brukeren selv kan svare på dette."
CONSENT_NOT_PENDING = "Samtykket er allerede registrert. Skriv «!samtykke vis» for å se teksten."
CONSENT_NEEDED_FIRST = "Brukeren må samtykke før noen kan bli lagt til."
ROOM_CLOSED = "Dette rommet er lukket."
SAMTYKKE_WHICH = "Skriv «!samtykke ja», «!samtykke nei», «!samtykke vis» eller «!samtykke trekk»."


# --- Brukerrom: proposing and approving participants ---------------------------------------------


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


# --- Brukerrom: removing, leaving, listing -------------------------------------------------------


def removed(name: str) -> Reply:
    return Reply(f"{name} er fjernet fra rommet.", None)


def left_room(name: str) -> Reply:
    return Reply(f"{name} har gått ut av rommet.", None)


def not_in_room(name: str) -> str:
    return f"{name} er ikke med i rommet."


CANNOT_REMOVE_BRUKER = (
    "Brukeren kan ikke fjernes. Brukeren kan trekke samtykket med «!samtykke trekk»."
)
CANNOT_REMOVE_BOT = (
    "Boten må være i rommet for å passe på tilgangen. Vil du lukke rommet, skriv «!samtykke trekk»."
)
BRUKER_CANNOT_LEAVE = "Som bruker kan du trekke samtykket med «!samtykke trekk». Da lukkes rommet."
WHO_TO_REMOVE = "Skriv hvem som skal fjernes, for eksempel «!fjern @vera:samsnakk.localhost»."
WHO_TO_ADD = "Skriv hvem du vil foreslå, for eksempel «!legg-til @vera:samsnakk.localhost»."


def participants_list(rows: Sequence[tuple[str, str, str | None, str]]) -> Reply:
    """``rows``: (person description, role in room, proposed by, approved when)."""
    heading = "Disse er med i rommet:"
    lines = []
    for person, role, proposed_by, when in rows:
        how = f"foreslått av {proposed_by}, godkjent {when}" if proposed_by else f"med fra {when}"
        lines.append(f"{person} – {role}, {how}")
    body = "\n".join([heading, *(f"• {line}" for line in lines)])
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return Reply(body, f"{_html_paragraph(heading)}<ul>{items}</ul>")


ROLE_LABELS = {"bruker": "bruker", "creator": "opprettet rommet", "deltaker": "deltaker"}


def guard_removed() -> Reply:
    return Reply(
        "En person som ikke var godkjent av brukeren, ble fjernet fra rommet. "
        "Det er skrevet i innsynsloggen.",
        None,
    )


# --- Onboarding with a code ----------------------------------------------------------------------


def code_accepted(label: str) -> Reply:
    return Reply(
        f"Takk! Du er invitert til rommet ditt «{label}». Godta invitasjonen, så får du "
        "samtykketeksten der.",
        None,
    )


CODE_NOT_FOR_STAFF = (
    "Koden er til brukeren selv og kan ikke brukes fra en ansatt-konto. Gi den til brukeren."
)
CODE_BAD_FORMAT = "Koden har åtte tegn, for eksempel «!kode K7QM-3XHP»."


def code_rejected(attempts_left: int) -> Reply:
    return Reply(
        "Koden stemmer ikke, er brukt eller er utløpt. Sjekk at du skrev den riktig. "
        f"Du kan prøve {attempts_left} ganger til før du må vente litt.",
        None,
    )


def code_rate_limited(minutes: int) -> Reply:
    return Reply(
        f"For mange forsøk. Vent {minutes} minutter og prøv igjen, eller be den som hjelper deg "
        "om en ny kode.",
        None,
    )


# --- Varsler (notifications) ---------------------------------------------------------------------
# SMS texts stay inside the GSM-7 alphabet (no «», no –) so they fit one 160-character segment.

_VARSEL_WHAT = {
    "message": ("Du har en ny melding i Samsnakk.", "Du har {n} nye meldinger i Samsnakk."),
    "approval_prompt": ("Noen venter på svaret ditt i Samsnakk.",) * 2,
    "request_outcome": ("Du har fått svar på en forespørsel i Samsnakk.",) * 2,
    "reminder": ("Du har en påminnelse i Samsnakk.",) * 2,
    "meeting": ("Det er en endring for et møte i Samsnakk.",) * 2,
    "summary": ("Du har fått en oppsummering i Samsnakk.",) * 2,
}
_VARSEL_OPEN = "Åpne appen for å lese."


def varsel_line(kind: str, count: int = 1) -> str:
    one, many = _VARSEL_WHAT.get(kind, ("Du har noe nytt i Samsnakk.",) * 2)
    return (many if count > 1 else one).format(n=count)


def varsel_sms(kind: str, count: int = 1) -> str:
    return f"{varsel_line(kind, count)} {_VARSEL_OPEN}"


def onboarding_sms(code: str, hours: int) -> str:
    return (
        f"Hei! Du er invitert til Samsnakk. Logg inn og skriv !kode {code} til "
        f"Samsnakk-boten. Koden virker i {hours} timer."
    )


VARSEL_EMAIL_FOOTER = "Denne e-posten er sendt automatisk fra Samsnakk. Du kan ikke svare på den."


def varsel_email(kind: str, count: int = 1) -> tuple[str, str]:
    """(subject, body): the subject is as content-free as the body."""
    line = varsel_line(kind, count)
    return "Nytt i Samsnakk", f"{line} {_VARSEL_OPEN}\n\n{VARSEL_EMAIL_FOOTER}"


def varsel_app(user_id: str, kind: str, count: int = 1) -> Reply:
    return Reply(f"{varsel_line(kind, count)} {_VARSEL_OPEN}", None, (user_id,))


VARSEL_USAGE = "!varsel app|sms|epost|av"
VARSEL_SUMMARY = "Velg hvordan du får varsler: i appen, på SMS, på e-post, eller av."
VARSEL_DETAILS = (
    "Varslene sier bare at noe nytt har skjedd, aldri hva. Skriv «!varsel sms 912 34 567» "
    "eller «!varsel epost navn@eksempel.no» for å legge inn nummer eller adresse, "
    "«!varsel stille 22-07» for stille timer, og «!varsel status» for å se innstillingene."
)
VARSEL_EXAMPLE = "!varsel sms 912 34 567"
VARSEL_STATUS_USAGE = "!varsel status"
VARSEL_STATUS_SUMMARY = "Viser hvordan du får varsler nå."
VARSEL_STILLE_USAGE = "!varsel stille 22-07"
VARSEL_STILLE_SUMMARY = "Stille timer: SMS og e-post venter til morgenen."
VARSEL_STILLE_DETAILS = (
    "Skriv to hele klokkeslett, for eksempel «!varsel stille 22-07», eller «!varsel stille av»."
)
VARSEL_OPPSUMMERING_USAGE = "!varsel sms-oppsummering på|av"
VARSEL_OPPSUMMERING_SUMMARY = "Få møteoppsummeringer som tekst på SMS (bare for brukeren)."
VARSEL_OPPSUMMERING_DETAILS = (
    "Vanligvis sier SMS-en bare at du har fått en oppsummering. Skriver du «på», får du selve "
    "teksten på SMS. Da kan telefonselskapet se den. Du kan slå det av igjen når som helst."
)

_CHANNEL_NAMES = {"app": "i appen", "sms": "på SMS", "epost": "på e-post"}


def varsel_status(
    channels: Sequence[str],
    phone: str | None,
    email: str | None,
    quiet: tuple[int, int] | None,
    sms_summary: bool,
    is_bruker: bool,
) -> Reply:
    how = " og ".join(_CHANNEL_NAMES[c] for c in channels) if channels else "av (ingen varsler)"
    lines = [f"Du får varsler {how}."]
    lines.append(f"Mobilnummer: {phone}" if phone else "Mobilnummer: ikke lagt inn")
    lines.append(f"E-post: {email}" if email else "E-post: ikke lagt inn")
    lines.append(
        f"Stille timer: {quiet[0]:02d}-{quiet[1]:02d} (SMS og e-post venter til etterpå)"
        if quiet
        else "Stille timer: av"
    )
    if is_bruker:
        lines.append("Oppsummeringer på SMS: " + ("på (med tekst)" if sms_summary else "av"))
    return Reply("\n".join(lines), None)


def varsel_saved(channels: Sequence[str]) -> Reply:
    if not channels:
        return Reply("Varsler er slått av. Skriv «!varsel app» for å slå dem på igjen.", None)
    how = " og ".join(_CHANNEL_NAMES[c] for c in channels)
    return Reply(f"Lagret. Du får varsler {how}.", None)


VARSEL_BAD_CHANNEL = "Velg app, sms, epost eller av, for eksempel «!varsel sms»."
VARSEL_BAD_QUIET = (
    "Skriv stille timer som to hele klokkeslett, for eksempel «!varsel stille 22-07»."
)
VARSEL_BAD_EMAIL = (
    "Det ser ikke ut som en e-postadresse. Skriv for eksempel «!varsel epost navn@kommune.no»."
)
VARSEL_NEEDS_PHONE = "Legg inn mobilnummeret ditt først, for eksempel «!varsel sms 912 34 567»."
VARSEL_NEEDS_EMAIL = (
    "Legg inn e-postadressen din først, for eksempel «!varsel epost navn@kommune.no»."
)
VARSEL_ONLY_BRUKER_SUMMARY = "Oppsummeringer på SMS gjelder bare brukeren selv."
VARSEL_QUIET_OFF = "Stille timer er slått av."


def varsel_quiet_saved(start: int, end: int) -> Reply:
    return Reply(f"Lagret. SMS og e-post venter mellom kl {start:02d} og {end:02d}.", None)


def varsel_summary_saved(on: bool) -> Reply:
    if on:
        return Reply(
            "Lagret. Du får oppsummeringer som tekst på SMS. Husk at telefonselskapet kan se "
            "teksten. Skriv «!varsel sms-oppsummering av» for å slå det av.",
            None,
        )
    return Reply("Lagret. SMS-en sier bare at du har fått en oppsummering.", None)


# --- Det første møtet ------------------------------------------------------------------------

MOTE_NY_USAGE = (
    "!møte ny <dato> <tid> [varighet] [sted <tekst> | video <lenke>] [med <deltaker>, …]"
)
MOTE_NY_SUMMARY = "Planlegger Det første møtet (eller et forberedelsesmøte)."
MOTE_NY_DETAILS = (
    "Dato og tid kan skrives som «3.12 kl 10», «3. desember 10:00», «i morgen 14» eller "
    "«2026-12-03 10:00». Varighet som «1t» eller «90 min». Du blir ansvarlig, om du ikke "
    "skriver «ansvarlig <navn>». Skriv «forberedelse» for et forberedelsesmøte med brukeren."
)
MOTE_NY_EXAMPLE = "!møte ny 3.12 kl 10 1t sted Øyane DPS med @sara:samsnakk.localhost"
MOTE_USAGE = "!møte N"
MOTE_SUMMARY = "Viser status for møte nummer N: svar, agenda og oppskrift."
MOTE_BEKREFT_USAGE = "!møte bekreft N"
MOTE_BEKREFT_SUMMARY = "Du bekrefter at du kommer."
MOTE_KAN_IKKE_USAGE = "!møte kan-ikke N [forslag]"
MOTE_KAN_IKKE_SUMMARY = "Du kan ikke komme, og kan foreslå et annet tidspunkt."
MOTE_FLYTT_USAGE = "!møte flytt N <dato> <tid>"
MOTE_FLYTT_SUMMARY = "Flytter møtet. Alle får beskjed og må bekrefte på nytt."
MOTE_AVLYS_USAGE = "!møte avlys N [grunn]"
MOTE_AVLYS_SUMMARY = "Avlyser møtet. Alle får beskjed."
MOTE_LISTE_USAGE = "!møte liste"
MOTE_LISTE_SUMMARY = "Viser kommende møter i dette rommet."
MINE_MOTER_USAGE = "!mine møter"
MINE_MOTER_SUMMARY = "Viser dine kommende møter i alle rom."
AGENDA_USAGE = "!agenda N [ikke] [tekst]"
AGENDA_SUMMARY = "Legger til et tema på agendaen, eller viser den."
AGENDA_DETAILS = (
    "«!agenda 1 Hva skjer på DPS» legger til et tema. Brukeren kan skrive «!agenda 1 ikke …» "
    "om noe brukeren ikke vil snakke om. «!agenda 1» viser agendaen."
)
SJEKK_USAGE = "!sjekk N <steg>"
SJEKK_SUMMARY = "Krysser av et steg i oppskriften (for den ansvarlige)."
OPPSUMMERING_USAGE = "!oppsummering N <tekst>"
OPPSUMMERING_SUMMARY = "Skriver oppsummeringen etter møtet. Brukeren får beskjed."
OPPSUMMERING_DETAILS = (
    "Skriv teksten i samme melding, gjerne over flere linjer med avsnittene «Viktigste punkter», "
    "«Dette skjer videre» og «Neste avtale». «!oppsummering 1 endre …» erstatter den."
)

# Examples shown by «!hjelp <kommando>».
GODKJENN_EXAMPLE = "!godkjenn 1"
VARSEL_OPPSUMMERING_EXAMPLE = "!varsel sms-oppsummering på"
MOTE_BEKREFT_EXAMPLE = "!møte bekreft 1"
MOTE_KAN_IKKE_EXAMPLE = "!møte kan-ikke 1 torsdag passer bedre"
MOTE_FLYTT_EXAMPLE = "!møte flytt 1 17.11 kl 10"
MOTE_AVLYS_EXAMPLE = "!møte avlys 1"
AGENDA_EXAMPLE = "!agenda 1 Hva skjer på DPS"
SJEKK_EXAMPLE = "!sjekk 1 agenda"
OPPSUMMERING_EXAMPLE = "!oppsummering 1 Vi ble enige om ny time"
AVSLA_EXAMPLE = "!avslå 1"
MOTE_EXAMPLE = "!møte 1"

# Calendar invitations travel through mail servers unencrypted: neutral words only.
CALENDAR_TITLE = "Samsnakk-møte"
CALENDAR_DESCRIPTION = "Se detaljene i Samsnakk-appen."
CALENDAR_SUBJECT = "Samsnakk-møte"
CALENDAR_BODY = "Du er invitert til et Samsnakk-møte. Se detaljene i Samsnakk-appen."
CALENDAR_CANCEL_SUBJECT = "Avlyst: Samsnakk-møte"
CALENDAR_CANCEL_BODY = "Et Samsnakk-møte er avlyst. Se Samsnakk-appen."

MEETING_KIND_LABELS = {"forste_mote": "Det første møtet", "forberedelse": "Forberedelsesmøte"}
OPPSKRIFT_STAGE_LABELS = {
    "forberedelse": "Forberedelse",
    "motet": "Selve møtet",
    "oppfolging": "Etterarbeid",
}
OPPSKRIFT_STEP_LABELS = {
    "tilbud": "Tilby Det første møtet og forklar formålet",
    "ny-behandler": "Koble på ny behandler eller veileder",
    "agenda": "Lag agendaen sammen med brukeren",
    "innkalling": "Kall inn til møtet",
    "gjennomfort": "Møtet er gjennomført",
    "sporsmal": "Brukeren har fått stille spørsmål",
    "oppsummering": "Oppsummering er sendt til brukeren",
    "neste-avtale": "Neste avtale er klar",
}


def video_place(link: str) -> str:
    return f"Video: {link}"


def meeting_title(kind: str, number: int) -> str:
    return f"{MEETING_KIND_LABELS.get(kind, 'Møte')} (møte {number})"


def meeting_posted(
    number: int,
    kind: str,
    when: str,
    minutes: int,
    place: str | None,
    names: Sequence[str],
    responsible: str,
    mentions: Sequence[str],
) -> Reply:
    lines = [
        f"{meeting_title(kind, number)}: {when} ({minutes} min)",
        *([f"Sted: {place}"] if place else []),
        f"Deltakere: {_names(list(names))}",
        f"Ansvarlig: {responsible}",
        f"Svar «!møte bekreft {number}» eller «!møte kan-ikke {number} [forslag]». "
        f"Legg til tema med «!agenda {number} …».",
    ]
    body = "\n".join(lines)
    html = (
        f"<p><strong>{escape(meeting_title(kind, number))}</strong><br>{escape(when)} "
        f"({minutes} min)</p><p>" + "<br>".join(escape(x) for x in lines[1:]) + "</p>"
    )
    return Reply(body, html, tuple(mentions))


def oppskrift_posted(number: int, steps: Sequence[tuple[str, Sequence[str]]]) -> Reply:
    """The pilot's oppskrift as a checklist, right after a meeting is planned."""
    lines = [f"Oppskrift for møte {number} (kryss av med «!sjekk {number} <steg>»):"]
    html = [f"<p><strong>{escape(lines[0])}</strong></p>"]
    for stage, labels in steps:
        lines.append(f"{stage}:")
        lines += [f"  ☐ {label}" for label in labels]
        html.append(
            f"<p>{escape(stage)}</p><ul>"
            + "".join(f"<li>☐ {escape(label)}</li>" for label in labels)
            + "</ul>"
        )
    return Reply("\n".join(lines), "".join(html))


def meeting_confirmed(name: str, number: int) -> Reply:
    return Reply(f"{name} kommer på møte {number}.", None)


def meeting_cannot(name: str, number: int, proposal: str | None, mentions: Sequence[str]) -> Reply:
    tail = f" Forslag: {proposal}" if proposal else ""
    return Reply(
        f"{name} kan ikke komme på møte {number}.{tail} Alle kan flytte møtet med "
        f"«!møte flytt {number} <dato> <tid>».",
        None,
        tuple(mentions),
    )


def meeting_moved(number: int, when: str, mentions: Sequence[str]) -> Reply:
    return Reply(
        f"Møte {number} er flyttet til {when}. Bekreft på nytt med «!møte bekreft {number}».",
        None,
        tuple(mentions),
    )


def meeting_cancelled(number: int, reason: str | None, mentions: Sequence[str]) -> Reply:
    tail = f" Grunn: {reason}" if reason else ""
    return Reply(f"Møte {number} er avlyst.{tail}", None, tuple(mentions))


def meeting_reminder(number: int, when: str, mentions: Sequence[str]) -> Reply:
    return Reply(f"Påminnelse: møte {number} er {when}.", None, tuple(mentions))


def meeting_unconfirmed(responsible: str, number: int, missing: Sequence[str]) -> Reply:
    return Reply(
        f"Møte {number} nærmer seg, og {_names(list(missing))} har ikke bekreftet ennå.",
        None,
        (responsible,),
    )


def summary_ask(responsible: str, number: int) -> Reply:
    return Reply(
        f"Møte {number} er over. Skriv oppsummeringen til brukeren med "
        f"«!oppsummering {number}» og teksten i samme melding.",
        None,
        (responsible,),
    )


def summary_nudge(responsible: str, number: int) -> Reply:
    return Reply(
        f"Påminnelse: brukeren venter på oppsummeringen fra møte {number}. "
        f"Skriv «!oppsummering {number}» og teksten.",
        None,
        (responsible,),
    )


def summary_message(
    bruker: str, bruker_name: str, intro: str, sections: Sequence[tuple[str, Sequence[str]]]
) -> Reply:
    greeting = f"Hei {bruker_name}! Dette er de viktigste punktene fra møtet."
    body_parts = [greeting]
    html_parts = [_html_paragraph(greeting)]
    if intro:
        body_parts.append(intro)
        html_parts.append(_html_paragraph(intro))
    for heading, lines in sections:
        body_parts.append(heading + "\n" + "\n".join(f"• {line}" for line in lines))
        items = "".join(f"<li>{escape(line)}</li>" for line in lines)
        html_parts.append(f"<p><strong>{escape(heading)}</strong></p><ul>{items}</ul>")
    return Reply("\n\n".join(body_parts), "".join(html_parts), (bruker,))


def meeting_list(rows: Sequence[tuple[int, str, str]]) -> Reply:
    """(number, title, when) per meeting."""
    if not rows:
        return Reply("Ingen planlagte møter.", None)
    lines = [f"• Møte {n}: {title}, {when}" for n, title, when in rows]
    return Reply("Kommende møter:\n" + "\n".join(lines), None)


def meeting_status(
    title: str,
    when: str,
    answers: Sequence[tuple[str, str]],
    agenda_count: tuple[int, int],
    steps: Sequence[tuple[str, Sequence[tuple[str, bool]]]],
    summary_done: bool,
) -> Reply:
    lines = [f"{title}: {when}", "Svar:"]
    lines += [f"• {name}: {answer}" for name, answer in answers]
    lines.append(f"Agenda: {agenda_count[0]} tema, {agenda_count[1]} å holde seg unna")
    lines.append("Oppskrift:")
    for stage, items in steps:
        lines.append(f"{stage}:")
        lines += [f"  {'☑' if done else '☐'} {label}" for label, done in items]
    lines.append("Oppsummering: " + ("sendt" if summary_done else "ikke skrevet ennå"))
    return Reply("\n".join(lines), None)


ANSWER_LABELS = {None: "har ikke svart", "confirmed": "kommer", "cannot": "kan ikke"}


def agenda_view(number: int, topics: Sequence[str], avoid: Sequence[str]) -> Reply:
    heading = f"Agenda for møte {number}"
    body = [heading, "Det vi skal snakke om:"]
    body += [f"• {t}" for t in topics] or ["• (ingenting ennå)"]
    body.append("Det brukeren ikke vil snakke om:")
    body += [f"• {t}" for t in avoid] or ["• (ingenting)"]
    html = (
        f"<p><strong>{escape(heading)}</strong></p><p>Det vi skal snakke om:</p><ul>"
        + "".join(f"<li>{escape(t)}</li>" for t in topics or ["(ingenting ennå)"])
        + "</ul><p>Det brukeren ikke vil snakke om:</p><ul>"
        + "".join(f"<li>{escape(t)}</li>" for t in avoid or ["(ingenting)"])
        + "</ul>"
    )
    return Reply("\n".join(body), html)


def agenda_added(number: int, avoid: bool) -> Reply:
    what = "Tema å holde seg unna" if avoid else "Tema"
    return Reply(f"{what} er lagt til på agendaen for møte {number}.", None)


def step_ticked(number: int, label: str) -> Reply:
    return Reply(f"Krysset av for møte {number}: {label}.", None)


def mine_moter(rows: Sequence[tuple[str, str, str]]) -> Reply:
    """(room name, title, when)."""
    if not rows:
        return Reply("Du har ingen kommende møter.", None)
    lines = [f"• {when}: {title} i «{room}»" for room, title, when in rows]
    return Reply("Dine kommende møter:\n" + "\n".join(lines), None)


MEETING_ONE_RESPONSIBLE = (
    "Skriv én ansvarlig etter «ansvarlig», for eksempel «ansvarlig @sara:samsnakk.localhost»."
)
MEETING_UNKNOWN = "Jeg finner ikke det møtenummeret her. Skriv «!møte liste» for å se møtene."
MEETING_NOT_PARTICIPANT = "Du er ikke deltaker på det møtet."
MEETING_ONLY_RESPONSIBLE = "Bare den ansvarlige for møtet kan krysse av i oppskriften."
MEETING_CANCELLED_ALREADY = "Det møtet er avlyst."
MEETING_ONLY_BRUKER_AVOID = "Bare brukeren kan legge til tema å holde seg unna."
MEETING_NOT_HELD = "Møtet har ikke vært ennå. Oppsummeringen skrives etter møtet."
MEETING_NEEDS_TEXT = "Skriv oppsummeringen i samme melding, etter «!oppsummering N»."
MEETING_NO_SUMMARY = "Det er ingen oppsummering å endre ennå."
MEETING_ONLY_IN_BRUKERROM = "Møter planlegges i brukerrommet, ikke her."
MEETING_BAD_STEP = (
    "Jeg kjenner ikke det steget. Steg: "
    + ", ".join(
        "tilbud ny-behandler agenda innkalling gjennomfort sporsmal oppsummering neste-avtale".split()
    )
    + "."
)
MEETING_UNKNOWN_WORDS = (
    "Jeg forstod ikke alt etter tidspunktet. Bruk «sted», «video», «med» eller «ansvarlig»."
)


def meeting_not_member(name: str) -> str:
    return f"{name} er ikke med i rommet. Foreslå personen med «!legg-til» først."


DATE_PROBLEMS = {
    "MISSING": "Skriv dato og tid, for eksempel «3.12 kl 10» eller «i morgen 14».",
    "UNREADABLE": "Jeg forstod ikke datoen. Skriv for eksempel «3.12 kl 10» eller «3. desember 10:00».",
    "IMPOSSIBLE": "Den datoen eller det klokkeslettet finnes ikke. Sjekk dag, måned og time.",
    "AMBIGUOUS": "Det klokkeslettet finnes to ganger den natten (sommertiden slutter). Velg et annet.",
    "NONEXISTENT": "Det klokkeslettet finnes ikke den natten (sommertiden begynner). Velg et annet.",
    "PAST": "Det tidspunktet har vært. Velg et tidspunkt fram i tid.",
    "TOO_FAR": "Det er for langt fram i tid. Velg et tidspunkt innen to år.",
    "BAD_DURATION": "Varigheten må være mellom 5 minutter og 8 timer, for eksempel «1t» eller «90 min».",
}


# --- Usage report (gevinst) ---------------------------------------------------------------------

REPORT_TITLE = "Samsnakk – bruk"
REPORT_LABELS = {
    "rooms_created": "Rom opprettet",
    "rooms_active": "Aktive rom",
    "median_hours_proposal_to_approval": "Timer fra forslag til godkjenning (median)",
    "median_days_room_to_first_meeting": "Dager fra rom til Det første møtet (median)",
    "share_summary_within_24h": "Møter med oppsummering innen 24 t (%)",
    "messages_per_room_per_week": "Meldinger per rom per uke",
    "varsler_sent_app": "Varsler i appen",
    "varsler_sent_sms": "Varsler på SMS",
    "varsler_sent_epost": "Varsler på e-post",
    "varsler_failed": "Varsler som feilet",
}
REPORT_PERIOD_PROBLEMS = {
    "UNREADABLE": "Skriv perioden som «måned», «2026-10» eller «2026-09-01..2026-10-15».",
    "REVERSED": "Perioden slutter før den begynner.",
    "FUTURE": "Perioden ligger fram i tid. Velg en periode som har vært.",
}

# --- Kommune admins ---------------------------------------------------------------------------

ADMIN_ROOM_NAME = "Samsnakk admin"
ADMIN_GREETING = (
    "Dette er administrasjonsrommet for {org}. Her kan dere hente rapporter og revisjonslogger. "
    "Skriv «!hjelp» for å se kommandoene."
)
ADMIN_RAPPORT_USAGE = "!admin rapport [måned | 2026-10 | 2026-09-01..2026-10-15]"
ADMIN_RAPPORT_SUMMARY = (
    "Bruksrapport for organisasjonen: tall uten personopplysninger, og et diagram."
)
ADMIN_RAPPORT_EXAMPLE = "!admin rapport 2026-10"
ADMIN_REVISJON_USAGE = "!admin revisjon <rom | ansatt> [periode]"
ADMIN_REVISJON_SUMMARY = (
    "Revisjonslogg (CSV) for et rom eller en ansatt, til kontroll av tilganger."
)
ADMIN_REVISJON_EXAMPLE = "!admin revisjon Samsnakk · 4821"
ADMIN_ONLY = (
    "Beklager, dette er en kommando for administratorer, og du har ikke den tilgangen. "
    "Forsøket er logget. Skriv «!hjelp» for å se hva du kan gjøre."
)
AGGREGATE_ONLY = (
    "Her kan du bare hente samlede rapporter for hele helsefellesskapet med «!admin rapport». "
    "Forsøket er logget."
)
ADMIN_USE_ADMIN_ROOM = (
    "Admin-kommandoer virker bare i administrasjonsrommet for organisasjonen din, så ingen "
    "andre ser svarene. Skriv kommandoen der."
)
ADMIN_OTHER_ORG = "Du kan bare administrere din egen organisasjon."
ADMIN_UNKNOWN_TARGET = "Jeg finner ikke det rommet eller den ansatte. Skriv romnavnet (for eksempel «Samsnakk · 4821») eller en Matrix-ID."
ADMIN_EMPTY = "Ingen hendelser i perioden."
ADMIN_DEAKTIVER_USAGE = "!admin deaktiver <ansatt> [til <kollega>]"
ADMIN_DEAKTIVER_SUMMARY = "For en ansatt som slutter eller bytter jobb: fjernes fra alle brukerrom."
ADMIN_DEAKTIVER_DETAILS = (
    "Personen fjernes fra alle brukerrom, forespørsler stoppes, og møter personen var ansvarlig "
    "for overføres til kollegaen du nevner etter «til». Uten kollega blir møtene merket."
)
ADMIN_DEAKTIVER_EXAMPLE = "!admin deaktiver @trond:samsnakk.localhost til @sara:samsnakk.localhost"
ADMIN_ROM_USAGE = "!admin rom [dager]"
ADMIN_ROM_SUMMARY = (
    "Oversikt over organisasjonens rom: tilstand og ventende godkjenninger, uten navn."
)
ADMIN_ROM_EXAMPLE = "!admin rom 3"
_STATE_LABELS = {
    "active": "aktive",
    "awaiting_consent": "venter på samtykke",
    "awaiting_bruker": "venter på at brukeren blir med",
    "closed": "lukket",
}


def admin_rooms_overview(
    counts: Mapping[str, int],
    inactive: int,
    waiting: Sequence[tuple[str, int]],
    days: int,
    requesters: Sequence[tuple[str, int]],
) -> Reply:
    lines = ["Rom i organisasjonen:"]
    lines += [f"• {_STATE_LABELS[s]}: {counts.get(s, 0)}" for s in _STATE_LABELS]
    lines.append(f"• aktive uten meldinger siste 30 dager: {inactive}")
    lines.append(f"Godkjenninger som har ventet mer enn {days} dager:")
    lines += [f"• {label}: {age} dager" for label, age in waiting] or ["• ingen"]
    lines.append("Ansatte med flest ubesvarte forespørsler:")
    lines += [f"• {name}: {n}" for name, n in requesters] or ["• ingen"]
    return Reply("\n".join(lines), None)


ADMIN_WHO = (
    "Skriv hvem som skal deaktiveres, for eksempel «!admin deaktiver @trond:samsnakk.localhost»."
)


def offboarded_in_room(name: str) -> Reply:
    """Neutral: nothing about why, only that the person is no longer in the room."""
    return Reply(f"{name} er ikke lenger med i dette rommet.", None)


def meeting_needs_responsible(number: int) -> Reply:
    return Reply(
        f"Møte {number} mangler nå en ansvarlig. Planlegg det på nytt med «!møte ny», "
        "eller be en administrator om hjelp.",
        None,
    )


ADMIN_KATALOG_LEGG_TIL_USAGE = "!admin katalog legg-til <Matrix-ID> navn: … ; rolle: … [; enhet: … ; epost: … ; telefon: … ; hjelp: …]"
ADMIN_KATALOG_LEGG_TIL_SUMMARY = "Legg en ansatt i egen organisasjon inn i katalogen."
ADMIN_KATALOG_LEGG_TIL_DETAILS = (
    "Skriv feltene som «felt: verdi», skilt med semikolon eller på hver sin linje. Navn og rolle "
    "må være med; rollen må være en av organisasjonens roller. Enhet, epost, telefon og hjelp "
    "(hva personen kan hjelpe med) kan du ta med. Finnes personen fra før, blir oppføringen "
    "erstattet."
)
ADMIN_KATALOG_LEGG_TIL_EXAMPLE = (
    "!admin katalog legg-til @kari:samsnakk.localhost navn: Kari Nordmann; rolle: psykolog; "
    "hjelp: overgang fra DPS"
)
ADMIN_KATALOG_ENDRE_USAGE = "!admin katalog endre <Matrix-ID> felt: verdi [; felt: verdi …]"
ADMIN_KATALOG_ENDRE_SUMMARY = "Endre felt i en katalogoppføring. Skriv «-» for å tømme et felt."
ADMIN_KATALOG_ENDRE_EXAMPLE = "!admin katalog endre @kari:samsnakk.localhost telefon: 912 34 567"
ADMIN_KATALOG_FJERN_USAGE = "!admin katalog fjern <Matrix-ID>"
ADMIN_KATALOG_FJERN_SUMMARY = (
    "Ta en ansatt ut av katalogen (ikke ut av rommene; til det brukes «!admin deaktiver»)."
)
ADMIN_KATALOG_FJERN_EXAMPLE = "!admin katalog fjern @kari:samsnakk.localhost"
ADMIN_KATALOG_WHO = "Skriv Matrix-ID-en først, for eksempel «@kari:samsnakk.localhost»."
ADMIN_KATALOG_NO_FIELDS = (
    "Skriv hva som skal endres, for eksempel «!admin katalog endre @kari:samsnakk.localhost "
    "telefon: 912 34 567»."
)
ADMIN_KATALOG_NOT_FOUND = "Den personen står ikke i katalogen for organisasjonen din."
DIRECTORY_FIELD_LABELS = {
    "matrix_id": "Matrix-ID",
    "navn": "navn",
    "organisasjon": "organisasjon",
    "enhet": "enhet",
    "rolle": "rolle",
    "epost": "epost",
    "telefon": "telefon",
    "kan_hjelpe_med": "hjelp",
}
# Keyed by the problem codes in domain.directory; {detail} is filled in where there is one.
DIRECTORY_PROBLEMS = {
    "not utf-8": "filen er ikke UTF-8. Lagre den som «CSV UTF-8» i Excel",
    "empty file": "filen er tom",
    "malformed csv": "ugyldig CSV (sjekk anførselstegn)",
    "missing column": "kolonnen mangler",
    "unknown column": "ukjent kolonne (gyldige: {detail})",
    "duplicate column": "kolonnen står to ganger",
    "wrong number of fields": "feil antall felt (skal være {detail})",
    "required": "må fylles ut",
    "too long": "for langt (høyst {detail} tegn)",
    "invalid matrix id": "ikke en gyldig Matrix-ID (for eksempel @kari:samsnakk.localhost)",
    "unknown organisation": "ukjent organisasjon (gyldige: {detail})",
    "unknown role": "ukjent rolle (gyldige: {detail})",
    "invalid email": "ikke en gyldig e-postadresse",
    "invalid phone": "ikke et gyldig norsk telefonnummer",
    "duplicate matrix id": "samme Matrix-ID som på linje {detail}",
    "unknown field": "ukjent felt (gyldige: navn, rolle, enhet, epost, telefon, hjelp)",
    "not a field": "skriv «felt: verdi»",
}


def directory_problem(field: str, code: str, detail: str | None, line: int = 0) -> str:
    """One problem as a reader sees it: «linje 4 (epost): ikke en gyldig e-postadresse»."""
    label = DIRECTORY_FIELD_LABELS.get(field, field)
    text = DIRECTORY_PROBLEMS.get(code, code).format(detail=detail or "")
    where = f"linje {line}" if line else ""
    if label:
        where = f"{where} ({label})" if where else f"«{label}»"
    return f"{where}: {text}" if where else text


def admin_katalog_problems(problems: Sequence[str]) -> Reply:
    lines = ["Katalogen er ikke endret. Rett dette og prøv igjen:", *(f"• {p}" for p in problems)]
    return Reply("\n".join(lines), None)


def admin_katalog_saved(name: str, user_id: str, new: bool) -> Reply:
    what = "lagt inn i" if new else "oppdatert i"
    return Reply(f"{name} ({user_id}) er {what} katalogen.", None)


def admin_katalog_removed(name: str, user_id: str) -> Reply:
    return Reply(
        f"{name} ({user_id}) er tatt ut av katalogen og vises ikke lenger i søk. "
        "Personen er fortsatt med i rommene sine; bruk «!admin deaktiver» for å fjerne "
        "personen derfra.",
        None,
    )


AUDIT_CSV_HEADER = ("id", "tidspunkt", "rom", "aktør", "handling", "gjelder", "hash")


def admin_greeting(org: str) -> Reply:
    return Reply(ADMIN_GREETING.format(org=org), None)


def admin_report_intro(org: str, period: str, lines: Sequence[tuple[str, str]]) -> Reply:
    heading = f"Bruksrapport for {org}, {period}. Tall under 5 vises som «<5»."
    body = "\n".join([heading, *(f"• {label}: {value}" for label, value in lines)])
    html = (
        _html_paragraph(heading)
        + "<ul>"
        + "".join(f"<li>{escape(label)}: {escape(value)}</li>" for label, value in lines)
        + "</ul>"
    )
    return Reply(body, html)


def admin_revisjon_done(what: str, count: int) -> Reply:
    return Reply(
        f"Revisjonslogg for {what}: {count} hendelser. Filen er kryptert og ligger over.", None
    )


# --- Retention (inactive rooms are closed) ----------------------------------------------------


MONTH_NAMES = (
    "januar", "februar", "mars", "april", "mai", "juni",
    "juli", "august", "september", "oktober", "november", "desember",
)  # fmt: skip


def _date(day: int, month: int, year: int) -> str:
    return f"{day}. {MONTH_NAMES[month - 1]} {year}"


def retention_warning(day: int, month: int, year: int, days: int, second: bool) -> Reply:
    """In the room, before an inactive room closes. Neutral: nothing about anyone in it."""
    first = "Påminnelse: " if second else ""
    body = (
        f"{first}Ingen har skrevet i dette rommet på lenge, så det stenges "
        f"{_date(day, month, year)} (om {days} {'dag' if days == 1 else 'dager'}). Vil dere beholde rommet, er det nok at "
        "en av dere skriver en melding her. Da starter perioden på nytt."
    )
    return Reply(body, None)


RETENTION_KEPT_OPEN = Reply("Takk! Rommet holdes åpent.", None)
ROOM_TOMBSTONE = "Rommet er stengt."


def retention_closed_to_member(room: str) -> Reply:
    return Reply(
        f"Rommet «{room}» er stengt fordi ingen hadde skrevet der på lenge. Trenger dere det "
        "igjen, kan en ansatt opprette et nytt rom med «!rom ny».",
        None,
    )


# --- Katalog (the staff directory) --------------------------------------------------------------

KATALOG_USAGE = "!katalog <søk>"
KATALOG_SUMMARY = "Finn ansatte i de andre tjenestene: navn, rolle, sted og hva de kan hjelpe med."
KATALOG_DETAILS = "Skriv ord fra navn, rolle, organisasjon eller det personen kan hjelpe med, for eksempel «!katalog psykolog askøy»."
KATALOG_EXAMPLE = "!katalog psykolog askøy"
KATALOG_NEEDS_WORDS = "Skriv hva du leter etter, for eksempel «!katalog psykolog askøy»."


def katalog_results(
    query: str, rows: Sequence[tuple[str, str, str | None, str | None, str, str | None, str | None]]
) -> Reply:
    """(name, role and organisation, unit, help text, Matrix ID, e-mail, phone) per person."""
    if not rows:
        return Reply(f"Fant ingen i katalogen for «{query}». Prøv færre eller kortere ord.", None)
    lines = [f"Treff i katalogen for «{query}»:"]
    html = [f"<p>{escape(lines[0])}</p><ul>"]
    for name, role_org, unit, help_text, user_id, email, phone in rows:
        parts = [f"{name} – {role_org}" + (f" ({unit})" if unit else "")]
        if help_text:
            parts.append(f"Kan hjelpe med: {help_text}")
        parts.append(" · ".join(x for x in (user_id, email, phone) if x))
        lines.append("• " + "\n  ".join(parts))
        html.append("<li>" + "<br>".join(escape(p) for p in parts) + "</li>")
    return Reply("\n".join(lines), "".join(html) + "</ul>")


def format_when(day: int, month: int, hour: int, minute: int) -> str:
    """Norwegian short date: ``3.12 kl 10:04``."""
    return f"{day}.{month} kl {hour:02d}:{minute:02d}"


# --- Refusals Synapse shows when an invite or a join into a brukerrom is stopped ----------------

ACCESS_ONLY_BOT_INVITES = (
    "Bare Samsnakk-boten kan invitere til et brukerrom. Bruk «!legg-til», så spør vi brukeren."
)
ACCESS_INVITEE_NOT_APPROVED = (
    "Brukeren har ikke godkjent denne personen for rommet. Bruk «!legg-til», så spør vi brukeren."
)
ACCESS_JOINER_NOT_APPROVED = "Du er ikke godkjent av brukeren for dette rommet."
ACCESS_ROOM_CLOSED = "Dette brukerrommet er avsluttet. Ingen kan bli med lenger."
ACCESS_CHECK_FAILED = "Samsnakk kunne ikke sjekke tilgangen akkurat nå. Prøv igjen om litt."


# --- Innsynslogg ---------------------------------------------------------------------------------

# What each audit action reads as after the actor's name. ``{subject}`` is the person acted on;
# other fields come from the entry's details (e.g. ``{version}`` for consent).
AUDIT_ACTION_LABELS: dict[str, str] = {
    "offboarded": "{subject} ble deaktivert av en administrator og fjernet fra rommet",
    "admin_refused": "prøvde en administratorkommando uten å være administrator",
    "sms_summary_on": "valgte å få oppsummeringer som tekst på SMS",
    "sms_summary_off": "slo av oppsummeringer som tekst på SMS",
    "command_refused": "prøvde en kommando bare brukeren kan bruke, men fikk ikke lov",
    "settings_restored": "endret innstillingene i rommet; boten satte dem tilbake",
    "state_change_refused": "prøvde å endre innstillingene i rommet, men fikk ikke lov",
    "not_bruker_refused": "prøvde å svare på vegne av brukeren, men fikk ikke lov",
    "room_created": "opprettet rommet",
    "consent_given": "ga samtykke (versjon {version})",
    "consent_refused": "takket nei til rommet",
    "consent_withdrawn": "trakk samtykket",
    "participant_requested": "foreslo {subject}",
    "participant_approved": "godkjente {subject}",
    "participant_rejected": "sa nei til {subject}",
    "request_expired": "Forslaget om {subject} fikk ikke svar i tide og er utløpt",
    "request_cancelled": "trakk forslaget om {subject}",
    "invited": "inviterte {subject}",
    "joined": "ble med",
    "left": "forlot rommet",
    "removed": "fjernet {subject}",
    "kicked_unapproved": "{subject} ble fjernet automatisk fordi personen ikke var godkjent",
    "invite_refused": "prøvde å invitere {subject}, men personen var ikke godkjent",
    "join_refused": "prøvde å bli med, men var ikke godkjent",
    "code_issued": "laget en engangskode til brukeren",
    "code_redeemed": "brukte engangskoden",
    "code_failed": "skrev en kode som ikke stemte",
    "room_closed": "lukket rommet",
    "admin_action": "gjorde en endring som administrator",
}
# Labels that are whole sentences: shown without the actor's name in front.
AUDIT_ACTIONS_WITHOUT_ACTOR = frozenset({"request_expired", "kicked_unapproved"})

INNSYN_HEADING = "Innsynslogg for dette rommet"
INNSYN_EMPTY = "Ingen hendelser ennå."
INNSYN_SOMEONE = "en person"
INNSYN_UNKNOWN_VALUE = "ukjent"


class _LabelValues(dict[str, str]):
    """A detail the label asks for but the entry lacks reads as «ukjent», never a crash."""

    def __missing__(self, key: str) -> str:
        return INNSYN_UNKNOWN_VALUE


def _audit_phrase(
    actor: str,
    subject: str | None,
    action: str,
    details: Mapping[str, object],
    names: Mapping[str, str],
) -> str:
    template = AUDIT_ACTION_LABELS.get(action)
    if template is None:
        phrase = action
    else:
        values = _LabelValues({k: str(v) for k, v in details.items() if v is not None})
        values["subject"] = names.get(subject, subject) if subject else INNSYN_SOMEONE
        phrase = template.format_map(values)
    if action in AUDIT_ACTIONS_WITHOUT_ACTOR:
        return phrase
    return f"{names.get(actor, actor)} {phrase}"


def _audit_when(moment: datetime, with_year: bool) -> str:
    if with_year:
        return f"{moment.day}.{moment.month}.{moment.year} kl {moment.hour:02d}:{moment.minute:02d}"
    return format_when(moment.day, moment.month, moment.hour, moment.minute)


def innsyn_log(
    entries: Sequence[tuple[int, str, str | None, str, Mapping[str, object]]],
    names: Mapping[str, str],
    tz_name: str = "Europe/Oslo",
) -> Reply:
    """``!logg``: the room's audit log for the bruker, newest last.

    ``entries`` are ``(ts_ms, actor, subject, action, details)``; ``names`` maps Matrix IDs to
    display names (an ID without a name is shown as is). Times are local to ``tz_name``; the year
    is shown only when the log spans more than one calendar year.
    """
    if not entries:
        return Reply(
            f"{INNSYN_HEADING}\n\n{INNSYN_EMPTY}",
            f"<p><strong>{escape(INNSYN_HEADING)}</strong></p>{_html_paragraph(INNSYN_EMPTY)}",
        )
    zone = ZoneInfo(tz_name)
    ordered = sorted(entries, key=lambda entry: entry[0])
    moments = [datetime.fromtimestamp(entry[0] // 1000, zone) for entry in ordered]
    with_year = len({moment.year for moment in moments}) > 1
    rows = [
        (_audit_when(moment, with_year), _audit_phrase(actor, subject, action, details, names))
        for moment, (_, actor, subject, action, details) in zip(moments, ordered, strict=True)
    ]
    body = "\n".join([INNSYN_HEADING, *(f"• {when} — {what}" for when, what in rows)])
    items = "".join(
        f"<li><strong>{escape(when)}</strong> — {escape(what)}</li>" for when, what in rows
    )
    html = f"<p><strong>{escape(INNSYN_HEADING)}</strong></p><ul>{items}</ul>"
    return Reply(body, html)


ACCESS_STATE_CHANGE_REFUSED = (
    "Innstillingene i et brukerrom styres av Samsnakk-boten, slik at rommet forblir trygt. "
    "Skriv «!hjelp» i rommet for å se hva du kan gjøre."
)


# --- samsnakk doctor: the operator's report (Norwegian first, English in parentheses) ----------

# What Synapse shows whoever tried the doctor's probe invite; only the doctor ever sees it.
ACCESS_DOCTOR_PROBE = (
    "Prøveinvitasjon fra «samsnakk doctor»: avvist med vilje, ingen ble invitert. "
    "(Probe invite from samsnakk doctor: refused on purpose; nobody was invited.)"
)

DOCTOR_HEADING = "Samsnakk doctor: {homeserver} ({server_name})"
DOCTOR_MARK_OK = "OK"
DOCTOR_MARK_FAIL = "FEIL"
DOCTOR_MARK_SKIP = "--"
DOCTOR_SUMMARY_OK = (
    "Ingen feil: {passed} i orden, {skipped} ikke sjekket "
    "(no failures: {passed} passed, {skipped} not checked)."
)
DOCTOR_SUMMARY_FAILED = "{failed} av {total} sjekker feilet ({failed} of {total} checks failed)."

DOCTOR_CHECK_SYNAPSE = "Synapse svarer (Synapse reachable)"
DOCTOR_CHECK_PING = "Appservice-ping (appservice ping)"
DOCTOR_CHECK_ANTISPAM = "Antispam-modulen svarer (antispam module answers)"
DOCTOR_CHECK_PUSH = "Push uten innhold (push.include_content off)"
DOCTOR_CHECK_CROSS_SIGNING = "Boten er kryssignert (bot device cross-signed)"
DOCTOR_CHECK_MIGRATIONS = "Databasen er oppdatert (DB migrations current)"
DOCTOR_CHECK_POLICIES = "Policyene er gyldige (policies valid)"
DOCTOR_CHECK_CLOCK = "Klokka stemmer (clock in sync)"

DOCTOR_NO_CONTACT = "ingen kontakt med {url} (cannot reach it): {error}"
DOCTOR_HTTP_ANSWER = "Synapse svarte HTTP {status} {errcode}: {error} (Synapse answered)"
DOCTOR_AS_AUTH_REFUSED = (
    "Synapse godtar ikke as_token: stemmer den med registreringen Synapse har lastet? "
    "(Synapse refuses the as_token: does it match the registration Synapse loaded?)"
)
DOCTOR_NEEDS_SYNAPSE = "ikke sjekket, fordi Synapse ikke svarer (not checked: Synapse unreachable)"

DOCTOR_SYNAPSE_OK = "versjon {version}"
DOCTOR_SYNAPSE_VERSION_UNKNOWN = "ukjent (unknown)"
DOCTOR_SYNAPSE_BAD_STATUS = (
    "{url} svarte HTTP {status} på /_matrix/client/versions ({url} answered HTTP {status})"
)

DOCTOR_PING_OK = "Synapse nådde appservicen på {ms} ms (Synapse reached the appservice in {ms} ms)"
DOCTOR_PING_FAILED = "Synapse nådde ikke appservicen (Synapse could not reach the appservice)"
# Keyed by the errcode Synapse's ping endpoint answers with.
DOCTOR_PING_HINTS = {
    "M_CONNECTION_FAILED": (
        "Kjører «samsnakk run», og når Synapse {as_url}? "
        "(Is samsnakk run running, and can Synapse reach {as_url}?)"
    ),
    "M_CONNECTION_TIMEOUT": (
        "Appservicen svarte ikke i tide på {as_url} (the appservice did not answer in time)"
    ),
    "M_BAD_STATUS": (
        "Appservicen avviste pingen: er hs_token i registreringen lik appservice.hs_token? "
        "(The appservice refused the ping: does the registration's hs_token match?)"
    ),
    "M_URL_NOT_SET": "Registreringen har ingen url (the registration has no url).",
    "M_FORBIDDEN": (
        "Er appservice.id lik id i registreringen Synapse har lastet? "
        "(Does appservice.id match the id in the registration Synapse loaded?)"
    ),
    "M_UNRECOGNIZED": "Synapse må være 1.84 eller nyere (Synapse must be 1.84 or newer).",
}

DOCTOR_ANTISPAM_OK = (
    "Synapse spurte Samsnakk og avviste prøveinvitasjonen "
    "(Synapse asked us and refused the probe invite)"
)
DOCTOR_ANTISPAM_NOT_ASKED = (
    "Synapse spurte ikke Samsnakk før en invitasjon: er synapse_http_antispam.HTTPAntispam "
    "med user_may_invite under «modules» i Synapse-konfigurasjonen? (Synapse did not ask "
    "Samsnakk before an invite: is synapse_http_antispam.HTTPAntispam with user_may_invite "
    "listed under modules in Synapse's config?)"
)
DOCTOR_ANTISPAM_NO_ANSWER = (
    "Antispam-modulen i Synapse fikk ikke svar fra Samsnakk: sjekk base_url, den skal være "
    "{url} (the antispam module got no answer from Samsnakk: check its base_url)"
)
DOCTOR_ANTISPAM_BAD_AUTH = (
    "Samsnakk avviste antispam-modulens nøkkel: authorization i modulen må være lik "
    "antispam.secret (Samsnakk refused the module's token: it must equal antispam.secret)"
)

DOCTOR_PUSH_OK = "push.include_content er false i {source} (is false)"
DOCTOR_PUSH_DISABLED = "push er slått av (push.enabled: false) i {source} (push is disabled)"
DOCTOR_PUSH_ON = (
    "push.include_content er ikke false i {source}; da sender Synapse meldingsinnhold og "
    "romnavn til push-tjenesten, og standardverdien er true (is not false: Synapse then sends "
    "message content and room names to the push gateway; the default is true)"
)
DOCTOR_PUSH_NOT_GIVEN = (
    "ikke sjekket, gi --synapse-config PATH: Synapse viser det ikke utenfra "
    "(not checked: pass --synapse-config PATH; not visible from outside)"
)
DOCTOR_PUSH_UNREADABLE = "kunne ikke lese {source} (could not read it): {error}"

DOCTOR_XSIGN_OK = (
    "enhet {device} er signert av selvsigneringsnøkkelen, som er signert av hovednøkkelen "
    "(device <- self-signing key <- master key)"
)
DOCTOR_XSIGN_NO_MASTER = "{user} har ingen hovednøkkel på serveren (has no master key)"
DOCTOR_XSIGN_NO_SELF_SIGNING = (
    "{user} har ingen selvsigneringsnøkkel på serveren (has no self-signing key)"
)
DOCTOR_XSIGN_SELF_SIGNING_UNSIGNED = (
    "selvsigneringsnøkkelen er ikke gyldig signert av hovednøkkelen "
    "(the self-signing key is not validly signed by the master key)"
)
DOCTOR_XSIGN_NO_DEVICE = "enhet {device} finnes ikke på serveren (device {device} not found)"
DOCTOR_XSIGN_NO_DEVICES = "{user} har ingen enheter på serveren (has no devices)"
DOCTOR_XSIGN_DEVICE_UNSIGNED = (
    "enhet {device} er ikke gyldig signert av selvsigneringsnøkkelen "
    "(device {device} is not validly signed by the self-signing key)"
)
DOCTOR_XSIGN_HINT = (
    "«samsnakk run» laster opp nøklene og signerer enheten ved oppstart "
    "(samsnakk run uploads the keys and signs the device at start-up)."
)

DOCTOR_DB_OK = "revisjon {revision} er den nyeste (revision {revision} is head)"
DOCTOR_DB_BEHIND = (
    "databasen er på {current}, koden på {head}: kjør «samsnakk db upgrade» "
    "(database at {current}, code at {head}: run samsnakk db upgrade)"
)
DOCTOR_DB_UNKNOWN_REVISION = (
    "databasen er på {current}, som denne koden ikke kjenner (head {head}); er den fra en "
    "nyere Samsnakk? (the database is at a revision this code does not know; from a newer one?)"
)
DOCTOR_DB_EMPTY = (
    "databasen har ingen migreringer: kjør «samsnakk db upgrade» "
    "(the database has no migrations: run samsnakk db upgrade)"
)
DOCTOR_DB_MISSING = "databasefila {path} finnes ikke (the database file does not exist)"
DOCTOR_DB_ERROR = "kunne ikke lese databasen (could not read the database): {error}"

DOCTOR_POLICIES_OK = "{directory}: {organisations} organisasjoner (organisations)"
DOCTOR_POLICIES_BAD = "{directory} er ugyldig (is invalid):"

DOCTOR_CLOCK_OK = "{offset:+d} s fra Synapse (from Synapse)"
DOCTOR_CLOCK_OFF = (
    "klokka her går {offset:+d} s feil i forhold til Synapse, mer enn {limit} s: sjekk NTP "
    "(this host's clock is {offset:+d} s off Synapse's, more than {limit} s: check NTP)"
)
DOCTOR_CLOCK_NO_DATE = "Synapse sendte ingen gyldig Date-header (Synapse sent no valid Date header)"


# --- Onboarding with ID-porten (!rom ny fnr:…) ---------------------------------------------------
# The fødselsnummer is never repeated back, not even in an error: the texts describe the problem.

# The display name of an account made for ID-porten login; the bruker may change it.
IDPORTEN_DISPLAY_NAME = "Bruker"

IDPORTEN_NOT_CONFIGURED = (
    "Innlogging med ID-porten er ikke satt opp her, så jeg kan ikke lage rom med fødselsnummer. "
    "Bruk mobilnummeret i stedet, for eksempel «!rom ny +47 912 34 567»."
)

# Keyed by domain.fnr.FnrProblem values.
FNR_PROBLEMS = {
    "not_eleven_digits": "Et fødselsnummer har elleve sifre, for eksempel «!rom ny fnr:DDMMÅÅ NNNNN».",
    "no_such_date": "De seks første sifrene i fødselsnummeret er ikke en gyldig dato. Sjekk tallet.",
    "bad_control_digits": (
        "Fødselsnummeret er ikke gyldig: kontrollsifrene stemmer ikke. Sjekk om et siffer er "
        "byttet eller mangler."
    ),
}

FNR_ONLY_FOR_BRUKER = (
    "Fødselsnummer brukes bare for brukeren selv, i «!rom ny fnr:…». Andre deltakere skriver du "
    "med Matrix-ID eller navn fra katalogen."
)


def room_created_for_idporten(label: str, proposed: Sequence[str]) -> Reply:
    lines = [
        f"Rommet «{label}» er opprettet og kryptert.",
        "Brukeren logger inn i Samsnakk med ID-porten (for eksempel BankID), finner invitasjonen der og får "
        "samtykketeksten først. Du blir lagt til når brukeren har samtykket.",
    ]
    if proposed:
        lines.append(f"Deretter får brukeren spørsmål om å godkjenne {_names(proposed)}.")
    lines.append("Slett gjerne meldingen din med fødselsnummeret fra denne samtalen.")
    return Reply("\n".join(lines), None)


def server_not_in_samsnakk(user_id: str) -> str:
    return (
        f"«{user_id}» er på en server som ikke er med i Samsnakk, så den kontoen kan ikke "
        "bli med i rommene her. Bruk kontoen personen har hos en av organisasjonene som er med."
    )


# -- issue 12: people and offboarding
# A display name is chosen by its owner, so it is never shown alone: people outside the
# directory are shown by Matrix ID, marked «ikke i katalogen», with their chosen name in quotes.

NOT_IN_DIRECTORY = "ikke i katalogen"
NO_LONGER_IN_DIRECTORY = "ikke lenger i katalogen"


def person_listed(name: str, org: str, role: str, user_id: str, active: bool = True) -> str:
    """A directory person: ``Frida Fastlege (Askøy legesenter, fastlege, @frida:server)``."""
    parts = [org, role, user_id] + ([] if active else [NO_LONGER_IN_DIRECTORY])
    return f"{name} ({', '.join(p for p in parts if p)})"


CHOSEN_NAME_MAX = 60


def _chosen(name: str | None, user_id: str) -> str | None:
    """A self-chosen name made safe to quote: no control or bidi characters (which could
    reorder the line to look like a directory entry), no «», one line, at most 60 characters."""
    if not name:
        return None
    kept = "".join(
        " " if unicodedata.category(c) in ("Zl", "Zp") or c in "«»" else c
        for c in name
        if unicodedata.category(c) not in ("Cc", "Cf", "Co", "Cs")
    )
    kept = " ".join(kept.split())
    if not kept or kept == user_id:
        return None
    return kept if len(kept) <= CHOSEN_NAME_MAX else kept[: CHOSEN_NAME_MAX - 1] + "…"


def person_unlisted(user_id: str, chosen_name: str | None) -> str:
    """Someone not in the directory: their Matrix ID first, the name they chose in quotes."""
    chosen = _chosen(chosen_name, user_id)
    if chosen:
        return f"{user_id} ({NOT_IN_DIRECTORY}, kaller seg «{chosen}»)"
    return f"{user_id} ({NOT_IN_DIRECTORY})"


def person_short_unlisted(user_id: str, chosen_name: str | None) -> str:
    """Short form for running text: the chosen name in quotes, always with the Matrix ID."""
    chosen = _chosen(chosen_name, user_id)
    return f"«{chosen}» ({user_id})" if chosen else user_id


def consent_prompt_from(bruker: str, creator: str, text: str) -> Reply:
    """The consent text, opened by who made the room (name, organisation, Matrix ID)."""
    body = f"Rommet er opprettet av {creator}.\n\n{with_history_rule(text)}"
    return Reply(body, _html_paragraph(body), (bruker,))


def consent_poll_question(creator: str) -> str:
    return f"Samtykker du til rommet som {creator} har opprettet?"


POLL_ANSWER_NOT_FOR_THIS = (
    "Svaret hørte ikke til dette spørsmålet, så jeg gjorde ingenting. Svar i avstemningen under "
    "forespørselen, eller skriv «!godkjenn N» eller «!avslå N»."
)

OFFBOARDED_CANNOT_CREATE = (
    "Kontoen din er deaktivert i Samsnakk, så du kan ikke opprette rom. Ta kontakt med "
    "administratoren i organisasjonen din hvis dette er feil."
)
OFFBOARDED = (
    "Kontoen din er deaktivert i Samsnakk, så du kan ikke bruke denne kommandoen lenger. Ta "
    "kontakt med administratoren i organisasjonen din hvis dette er feil."
)
OFFBOARDED_CREATOR_GONE = (
    "Den som opprettet rommet, er ikke lenger med i Samsnakk, så ingen blir invitert. "
    "Rommet lukkes. Den som hjelper deg, kan lage et nytt."
)


def room_handed_over(bruker: str, creator: str) -> Reply:
    return Reply(
        f"Den som opprettet rommet, har sluttet. Rommet er overført til {creator}. Samtykker du, "
        "er det denne personen som blir med. Svar «!samtykke ja» eller «!samtykke nei».",
        None,
        (bruker,),
    )


def waiting_room_closed_to_colleague(label: str) -> Reply:
    return Reply(
        f"Rommet «{label}» ventet fortsatt på brukeren og er lukket fordi den som opprettet det, "
        "har sluttet. Lag et nytt rom med «!rom ny» hvis brukeren fortsatt trenger det.",
        None,
    )


def offboarded_summary(
    name: str,
    rooms: int,
    requests: int,
    moved: int,
    flagged: int,
    waiting: int,
    codes: int,
    account_closed: bool | None,
) -> Reply:
    """The admin's answer to ``!admin deaktiver``; ``account_closed`` None: not asked for."""
    lines = [
        f"{name} er deaktivert: fjernet fra {rooms} rom, {requests} forespørsler stoppet, "
        f"{moved} møter overført og {flagged} møter merket uten ansvarlig.",
        f"{waiting} rom som ventet på brukeren er lukket eller overført, og {codes} "
        "engangskoder er ugyldige. Personen kan ikke lenger opprette rom.",
    ]
    if account_closed is not None:
        lines.append(OFFBOARDED_ACCOUNT_CLOSED if account_closed else OFFBOARDED_ACCOUNT_NOT_CLOSED)
    return Reply(" ".join(lines), None)


OFFBOARDED_COLLEAGUE = (
    "Kollegaen du vil overføre til, er selv deaktivert. Velg en annen, eller skriv kommandoen "
    "uten «til …»."
)
OFFBOARDED_ACCOUNT_CLOSED = "Kontoen på serveren er også deaktivert."
OFFBOARDED_ACCOUNT_NOT_CLOSED = (
    "Kontoen på serveren kunne ikke deaktiveres nå. Be driften om å gjøre det."
)

CODE_ONLY_FOR_BRUKER = (
    "Koden er til brukeren selv og virker bare fra brukerens egen konto, den du logget inn på "
    "med ID-porten. Er du ansatt, gi koden til brukeren."
)


def fnr_rate_limited(minutes: int) -> Reply:
    return Reply(
        "Du har laget mange rom med fødselsnummer på kort tid, så jeg venter litt med flere. "
        f"Prøv igjen om {minutes} minutter, eller bruk mobilnummeret, for eksempel "
        "«!rom ny +47 912 34 567».",
        None,
    )


AUDIT_ACTION_LABELS.update(
    {
        "code_voided": "gjorde engangskoden ugyldig fordi den som laget den, har sluttet",
        "creator_handed_over": "overførte rommet fra {subject}, som har sluttet",
        "poll_answer_refused": "sendte et svar som ikke hørte til spørsmålet; det ble avvist",
        "creator_not_admitted": "inviterte ikke {subject}, som har sluttet",
        "offboarded_refused": "prøvde en kommando etter å ha sluttet, men fikk ikke lov",
    }
)


# -- issue 12: guard and history ------------------------------------------------------------------

ACCESS_ROOM_REFUSED = (
    "Dette rommet er ikke et Samsnakk-rom. Det ble laget uten Samsnakk, så ingen kan bli med i det. "
    "Bruk det opprinnelige rommet."
)
ACCESS_NOT_CURRENT_ADMIN = (
    "Bare administratorene i organisasjonen kan være med i administrasjonsrommet."
)

# Appended to the consent text (prompt and «!samtykke vis»): what the bot shows to whom.
CONSENT_HISTORY_RULE = (
    "Det samme gjelder møter: en ny deltaker ser bare saker og møter fra den dagen du godkjente "
    "dem. Det du ikke vil snakke om («ikke»), ser bare de som er med på møtet."
)


def with_history_rule(text: str) -> str:
    return f"{text.strip()}\n\n{CONSENT_HISTORY_RULE}"


GUARD_STRAY_INVITE = "Invitasjonen ble ikke laget av Samsnakk og er trukket tilbake."
GUARD_NOT_ADMIN = "Du er ikke lenger administrator i organisasjonen."


def admin_removed(name: str) -> Reply:
    return Reply(
        f"{name} er ikke lenger administrator og er fjernet fra rommet. "
        "Det er skrevet i revisjonsloggen.",
        None,
    )


def foreign_upgrade_alarm(mentions: Sequence[str]) -> Reply:
    """In the old room: someone tried to move it. A prompt to everyone, so it notifies."""
    body = (
        "Advarsel: noen har prøvd å flytte dette rommet til et nytt rom, uten Samsnakk. "
        "Ikke bli med i det nye rommet, og ikke skriv der. Dette rommet gjelder fortsatt, og "
        "flyttingen er stoppet. Det er skrevet i innsynsloggen."
    )
    return Reply(body, None, tuple(mentions))


ROOM_MOVED = "Rommet er flyttet til et nytt rom. Invitasjonen dit venter på deg."

# -- issue 12: device trust (MSC4153) -----------------------------------------------------------

GODTA_NOKKEL_USAGE = "!godta-nøkkel <Matrix-ID>"
GODTA_NOKKEL_SUMMARY = "Godtar den nye sikkerhetsidentiteten til en person."
GODTA_NOKKEL_DETAILS = (
    "Bruk den bare når du vet at det er personen selv, for eksempel etter en telefonsamtale. "
    "Brukeren kan godta deltakerne i sitt eget rom. En administrator kan godta ansatte i egen "
    "organisasjon og brukere i organisasjonens rom."
)
GODTA_NOKKEL_EXAMPLE = "!godta-nøkkel @vera:samsnakk.localhost"

IDENTITY_NOTHING_TO_CONFIRM = (
    "Denne personen har ingen ny sikkerhetsidentitet som venter på å bli godtatt."
)
IDENTITY_NOT_IN_ROOM = "Du kan bare godta personer som er med i rommet ditt."
IDENTITY_NOT_YOUR_ORG = (
    "Du kan bare godta ansatte i din egen organisasjon og brukere i organisasjonens rom."
)
IDENTITY_NEEDS_MATRIX_ID = "Skriv Matrix-ID-en til personen, for eksempel «!godta-nøkkel @vera:…»."


def unverified_device(user_id: str) -> Reply:
    """To someone whose device their own account has not confirmed (cross-signed)."""
    body = (
        f"{user_id}: Denne enheten er ikke bekreftet, så jeg gjør ingenting herfra. "
        "Bekreft enheten i Element: åpne Element på en enhet du allerede er logget inn på og "
        "godkjenn den nye innloggingen, eller skriv inn gjenopprettingsnøkkelen din. "
        "Prøv så igjen."
    )
    return Reply(body, None, (user_id,))


def identity_changed_in_room(person: str, user_id: str, bruker: str | None) -> Reply:
    """To the room: a participant's security identity changed. ``person`` carries the ID."""
    ask = (
        f"{bruker}: Er du sikker på at det er {person}? Ring eller snakk med personen, og skriv "
        f"«!godta-nøkkel {user_id}» når du vet det."
        if bruker
        else "En administrator må godta den nye identiteten."
    )
    body = (
        f"Sikkerhetsidentiteten til {person} er endret. Det skjer når noen logger "
        "inn på nytt uten å bekrefte seg, men kan også bety at noen andre har tatt over kontoen. "
        "Til den er godtatt, kan personen ikke lese nye meldinger fra meg eller bruke "
        f"kommandoer. {ask}"
    )
    return Reply(body, None, (bruker,) if bruker else ())


def bruker_identity_changed_in_room(user_id: str) -> Reply:
    body = (
        f"Sikkerhetsidentiteten til brukeren ({user_id}) er endret. Til en administrator har "
        "godtatt den, kan brukeren ikke svare på forespørsler eller lese nye meldinger fra meg."
    )
    return Reply(body, None)


def identity_changed_dm() -> Reply:
    body = (
        "Sikkerhetsidentiteten din i Element er endret, for eksempel fordi du logget inn på nytt "
        "og laget en ny gjenopprettingsnøkkel. Var det ikke deg, må du bytte passord med en gang "
        "og si fra til kontaktpersonen din. Til noen har godtatt den nye identiteten, kan du ikke "
        "bruke kommandoer eller lese nye meldinger fra meg i rommene. Brukeren i rommet, eller "
        "en administrator, kan godta den."
    )
    return Reply(body, None)


def identity_confirmed(person: str, user_id: str) -> Reply:
    body = (
        f"Den nye sikkerhetsidentiteten til {person} er godtatt. Personen kan bruke "
        "kommandoer og lese nye meldinger igjen."
    )
    return Reply(body, None, (user_id,))


# -- issue 12: audit and keys ---------------------------------------------------------------------


def audit_checkpoint_notice(seq: int, head_hash: str) -> Reply:
    """The audit chain's head for the admin room: a number and a hash, never who or what."""
    body = (
        f"Kontrollpunkt for revisjonsloggen: oppføring {seq}, sjekksum {head_hash}.\n"
        "Driften kan kontrollere at ingen oppføringer er slettet med "
        f"«samsnakk audit verify --checkpoint {seq}:{head_hash}». Du trenger ikke gjøre noe."
    )
    return Reply(body, None)


def audit_gap_alarm(first: int, last: int) -> Reply:
    """To the admin rooms: audit rows were deleted while the bot was not watching."""
    span = f"{first}" if first == last else f"{first}–{last}"
    body = (
        f"Varsel: Revisjonsloggen mangler oppføring {span}, eller de er byttet ut. Noen kan ha "
        "slettet dem fra databasen. Be driften kjøre «samsnakk audit verify» og undersøke "
        "saken. Dette er også skrevet i revisjonsloggen."
    )
    return Reply(body, None)


def consent_storage_statement(inactivity_days: int, audit_log_days: int) -> str:
    """What the bot keeps and for how long, from the retention policy: shown with the consent."""
    months = max(1, round(inactivity_days / 30.44))
    years = max(1, audit_log_days // 365)
    return (
        "Dette lagrer Samsnakk-boten: Det som skrives i kommandoer til den, som møteplaner, "
        "agendapunkter, møteoppsummeringer og notater om deltakere, lagres kryptert hos "
        "Samsnakk, også etter at rommet er stengt. Vanlige meldinger lagrer den ikke selv, men "
        "den har nøklene til å lese dem så lenge rommet er åpent. "
        f"Rommet stenges etter {months} måneder uten meldinger, eller når du trekker samtykket. "
        "Da sletter boten nøklene sine til rommet. "
        f"Loggen over hvem som har fått tilgang og når, lagres i {years} år."
    )


def consent_with_storage(text: str, inactivity_days: int, audit_log_days: int) -> str:
    """The policy's consent text followed by what the bot keeps."""
    return f"{text.strip()}\n\n{consent_storage_statement(inactivity_days, audit_log_days)}"


AUDIT_ACTION_LABELS["audit_gap_found"] = (
    "fant at oppføring {first}–{last} mangler i revisjonsloggen"
)
AUDIT_ACTION_LABELS["room_keys_dropped"] = (
    "slettet nøklene sine til rommet, så meldingene her ikke kan leses av boten lenger"
)

DOCTOR_CHECK_PRIVATE_FILES = "Hemmelige filer er private (secret files owner-only)"
DOCTOR_PRIVATE_FILES_OK = "{count} filer kan bare leses av eieren ({count} files owner-only)"
DOCTOR_PRIVATE_FILES_NONE = (
    "ingen hemmelige filer å sjekke; bruk --synapse-config eller --secret-file "
    "(no secret files to check)"
)
DOCTOR_PRIVATE_FILES_READABLE = (
    "{count} hemmelige filer kan leses av andre enn eieren ({count} secret files readable by "
    "others); kjør chmod 600 og gi filen til tjenestens bruker (chmod 600, owned by the service)"
)
DOCTOR_PRIVATE_FILE_LINE = "{path}: modus {mode} (mode {mode}, {who})"
DOCTOR_PRIVATE_FILE_MISSING = "{path}: finnes ikke eller kan ikke leses (missing or unreadable)"
DOCTOR_WHO_GROUP = "gruppen kan lese (group can read)"
DOCTOR_WHO_OTHERS = "alle kan lese (everyone can read)"


# -- issue 11: onboarding link -----------------------------------------------------------------
# The link opens Element X (or the app store) with our server preset (domain/onboarding_link).


def onboarding_sms_with_link(code: str, hours: int, app_link: str) -> str:
    """The code SMS with the app link last: GSM-7 only, one segment for server names of up to
    31 characters. The outbox falls back to :func:`onboarding_sms` when it does not fit."""
    return (
        f"Samsnakk: Logg inn og skriv !kode {code} til boten innen {hours} timer. Appen: {app_link}"
    )


def with_onboarding_link(reply: Reply, app_link: str, page_url: str | None, hinted: bool) -> Reply:
    """The creator's answer to «!rom ny» for a new bruker, with what to send them."""
    lines = [
        reply.body,
        "Send brukeren denne lenken. Den åpner appen Element X med Samsnakk valgt, eller "
        f"app-butikken hvis appen ikke er installert: {app_link}",
    ]
    if hinted:
        lines.append("Lenken fyller også inn brukerens konto, så brukeren bare logger inn.")
    if page_url:
        lines.append(f"På en PC viser {page_url} den samme lenken som QR-kode, med tre enkle steg.")
    return Reply("\n".join(lines), None, reply.mentions)


WELCOME_TITLE = "Velkommen til Samsnakk"
WELCOME_INTRO = (
    "Samsnakk er en sikker samtale mellom deg og dem som hjelper deg. Du bruker den i appen "
    "Element X på mobilen."
)
WELCOME_STEPS = (
    "Installer appen Element X fra App Store eller Google Play.",
    "Åpne lenken under på mobilen, eller skann QR-koden med kameraet. Da åpner Element X seg "
    "med Samsnakk valgt.",
    "Logg inn med BankID, eller med koden du har fått, og godta invitasjonen.",
)
WELCOME_LINK_TEXT = "Åpne Samsnakk i Element X"
WELCOME_QR_TITLE = "QR-kode med lenken til Samsnakk i Element X"
WELCOME_NO_PERSONAL_DATA = "Denne siden er lik for alle og vet ikke hvem du er."


# -- issue 11: the login broker's pages (no personal data ever goes in) ----------------------

BROKER_PAGE_TITLE = "Logg inn i Samsnakk"
BROKER_CHOOSER_HEADING = "Hvordan vil du logge inn?"
BROKER_CHOOSER_INTRO = "Velg det som passer for deg."
BROKER_CHOOSE_STAFF = "Jeg er ansatt (HelseID)"
BROKER_CHOOSE_STAFF_HINT = "For ansatte i helsetjenesten, kommunen og NAV."
BROKER_CHOOSE_BRUKER = "Jeg er bruker (BankID via ID-porten)"
BROKER_CHOOSE_BRUKER_HINT = (
    "For deg som får hjelp. Du logger inn med BankID eller en annen sikker eID."
)
BROKER_NOT_AVAILABLE = "Denne innloggingen er ikke tilgjengelig her."

BROKER_REFUSAL_HEADING = "Innloggingen ble stoppet"
BROKER_TRY_AGAIN = "Gå tilbake til Samsnakk-appen og prøv å logge inn på nytt."

# One page per reason the broker refuses; the keys are LoginRefused.reason values.
BROKER_REFUSALS: dict[str, str] = {
    "acr": (
        "Du logget inn med et for lavt sikkerhetsnivå. Samsnakk krever høyt sikkerhetsnivå, "
        "fordi samtalene handler om helsen din. Logg inn på nytt med BankID, BankID på mobil, "
        "Buypass eller Commfides. MinID er ikke nok."
    ),
    "expired": (
        "Innloggingen tok for lang tid, eller lenken er allerede brukt. "
        "Av sikkerhetshensyn må du starte på nytt."
    ),
    "state": (
        "Vi kunne ikke koble svaret fra innloggingen til denne innloggingen. "
        "Av sikkerhetshensyn må du starte på nytt."
    ),
    "nonce": (
        "Svaret fra innloggingstjenesten hørte ikke til denne innloggingen. "
        "Av sikkerhetshensyn må du starte på nytt."
    ),
    "busy": "Akkurat nå logger svært mange inn samtidig. Vent litt, og prøv igjen.",
    "cancelled": "Innloggingen ble avbrutt eller avvist hos innloggingstjenesten.",
    "upstream": (
        "Innloggingstjenesten svarte ikke som forventet. Prøv igjen om litt. "
        "Hvis det ikke går, kontakt den som har invitert deg."
    ),
    "client": ("Denne innloggingen kom ikke fra Samsnakk. Åpne Samsnakk-appen og logg inn derfra."),
}
