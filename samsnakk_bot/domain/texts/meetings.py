"""Det første møtet: planning, answers, agenda, oppskrift, summary, calendar e-mail."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from samsnakk_bot.domain.i18n import _
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.domain.texts._markup import _names, bullets, para, render, rich

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
    return _("Video: {link}").format(link=link)


def meeting_title(kind: str, number: int) -> str:
    label = MEETING_KIND_LABELS.get(kind)
    kind_label = _(label) if label else _("Møte")
    return _("{kind} (møte {number})").format(kind=kind_label, number=number)


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
    title = rich(
        _("**{meeting_title}**: {when} ({minutes} min)"),
        meeting_title=meeting_title(kind, number),
        when=when,
        minutes=minutes,
    )
    details = [
        *([_("Sted: {place}").format(place=place)] if place else []),
        _("Deltakere: {names}").format(names=_names(list(names))),
        _("Ansvarlig: {responsible}").format(responsible=responsible),
        _(
            "Svar «!møte bekreft {number}» eller «!møte kan-ikke {number} [forslag]». Legg til tema med «!agenda {number} …»."
        ).format(number=number),
    ]
    return render(para(title), para(*details), mentions=tuple(mentions), tight=True)


def oppskrift_posted(number: int, steps: Sequence[tuple[str, Sequence[str]]]) -> Reply:
    """The pilot's oppskrift as a checklist, right after a meeting is planned."""
    heading = _("Oppskrift for møte {number} (kryss av med «!sjekk {number} <steg>»):").format(
        number=number
    )
    lines = [heading]
    html = [f"<p><strong>{escape(heading)}</strong></p>"]
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
    return Reply(_("{name} kommer på møte {number}.").format(name=name, number=number), None)


def meeting_cannot(name: str, number: int, proposal: str | None, mentions: Sequence[str]) -> Reply:
    tail = _(" Forslag: {proposal}").format(proposal=proposal) if proposal else ""
    return Reply(
        _(
            "{name} kan ikke komme på møte {number}.{tail} Alle kan flytte møtet med «!møte flytt {number} <dato> <tid>»."
        ).format(name=name, number=number, tail=tail),
        None,
        tuple(mentions),
    )


def meeting_moved(number: int, when: str, mentions: Sequence[str]) -> Reply:
    return Reply(
        _(
            "Møte {number} er flyttet til {when}. Bekreft på nytt med «!møte bekreft {number}»."
        ).format(number=number, when=when),
        None,
        tuple(mentions),
    )


def meeting_cancelled(number: int, reason: str | None, mentions: Sequence[str]) -> Reply:
    tail = _(" Grunn: {reason}").format(reason=reason) if reason else ""
    return Reply(
        _("Møte {number} er avlyst.{tail}").format(number=number, tail=tail), None, tuple(mentions)
    )


def meeting_reminder(number: int, when: str, mentions: Sequence[str]) -> Reply:
    return Reply(
        _("Påminnelse: møte {number} er {when}.").format(number=number, when=when),
        None,
        tuple(mentions),
    )


def meeting_unconfirmed(responsible: str, number: int, missing: Sequence[str]) -> Reply:
    return Reply(
        _("Møte {number} nærmer seg, og {missing} har ikke bekreftet ennå.").format(
            number=number, missing=_names(list(missing))
        ),
        None,
        (responsible,),
    )


def summary_ask(responsible: str, number: int) -> Reply:
    return Reply(
        _(
            "Møte {number} er over. Skriv oppsummeringen til brukeren med «!oppsummering {number}» og teksten i samme melding."
        ).format(number=number),
        None,
        (responsible,),
    )


def summary_nudge(responsible: str, number: int) -> Reply:
    return Reply(
        _(
            "Påminnelse: brukeren venter på oppsummeringen fra møte {number}. Skriv «!oppsummering {number}» og teksten."
        ).format(number=number),
        None,
        (responsible,),
    )


def summary_message(
    bruker: str, bruker_name: str, intro: str, sections: Sequence[tuple[str, Sequence[str]]]
) -> Reply:
    greeting = _("Hei {bruker_name}! Dette er de viktigste punktene fra møtet.").format(
        bruker_name=bruker_name
    )
    blocks = [para(greeting)]
    if intro:
        blocks.append(para(intro))
    for heading, lines in sections:
        blocks += [para(rich("**{heading}**", heading=heading)), bullets(lines)]
    return render(*blocks, mentions=(bruker,))


def meeting_list(rows: Sequence[tuple[int, str, str]]) -> Reply:
    """(number, title, when) per meeting."""
    if not rows:
        return Reply(_("Ingen planlagte møter."), None)
    lines = [
        _("• Møte {n}: {title}, {when}").format(n=n, title=title, when=when)
        for n, title, when in rows
    ]
    return Reply(_("Kommende møter:\n") + "\n".join(lines), None)


def meeting_status(
    title: str,
    when: str,
    answers: Sequence[tuple[str, str]],
    agenda_count: tuple[int, int],
    steps: Sequence[tuple[str, Sequence[tuple[str, bool]]]],
    summary_done: bool,
) -> Reply:
    lines = [f"{title}: {when}", _("Svar:")]
    lines += [f"• {name}: {answer}" for name, answer in answers]
    lines.append(
        _("Agenda: {agenda_count_0} tema, {agenda_count_1} å holde seg unna").format(
            agenda_count_0=agenda_count[0], agenda_count_1=agenda_count[1]
        )
    )
    lines.append(_("Oppskrift:"))
    for stage, items in steps:
        lines.append(f"{stage}:")
        lines += [f"  {('☑' if done else '☐')} {label}" for label, done in items]
    lines.append(_("Oppsummering: ") + (_("sendt") if summary_done else _("ikke skrevet ennå")))
    return Reply("\n".join(lines), None)


ANSWER_LABELS = {None: "har ikke svart", "confirmed": "kommer", "cannot": "kan ikke"}


def agenda_view(number: int, topics: Sequence[str], avoid: Sequence[str]) -> Reply:
    return render(
        para(rich(_("**Agenda for møte {number}**"), number=number)),
        para(_("Det vi skal snakke om:")),
        bullets(topics or [_("(ingenting ennå)")]),
        para(_("Det brukeren ikke vil snakke om:")),
        bullets(avoid or [_("(ingenting)")]),
        tight=True,
    )


def agenda_added(number: int, avoid: bool) -> Reply:
    what = _("Tema å holde seg unna") if avoid else _("Tema")
    return Reply(
        _("{what} er lagt til på agendaen for møte {number}.").format(what=what, number=number),
        None,
    )


def step_ticked(number: int, label: str) -> Reply:
    return Reply(
        _("Krysset av for møte {number}: {label}.").format(number=number, label=label), None
    )


def mine_moter(rows: Sequence[tuple[str, str, str]]) -> Reply:
    """(room name, title, when)."""
    if not rows:
        return Reply(_("Du har ingen kommende møter."), None)
    lines = [f"• {when}: {title} i «{room}»" for room, title, when in rows]
    return Reply(_("Dine kommende møter:\n") + "\n".join(lines), None)


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
    return _("{name} er ikke med i rommet. Foreslå personen med «!legg-til» først.").format(
        name=name
    )


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
