"""The kommune admin room: reports, audit exports, room overview, offboarding, katalog edits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from samsnakk_bot.domain.i18n import _
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.domain.texts._markup import bullets, para, render, rich

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
    lines = [_("Rom i organisasjonen:")]
    lines += [f"• {_(_STATE_LABELS[s])}: {counts.get(s, 0)}" for s in _STATE_LABELS]
    lines.append(_("• aktive uten meldinger siste 30 dager: {inactive}").format(inactive=inactive))
    lines.append(_("Godkjenninger som har ventet mer enn {days} dager:").format(days=days))
    lines += [
        _("• {label}: {age} dager").format(label=label, age=age) for label, age in waiting
    ] or [_("• ingen")]
    lines.append(_("Ansatte med flest ubesvarte forespørsler:"))
    lines += [f"• {name}: {n}" for name, n in requesters] or [_("• ingen")]
    return Reply("\n".join(lines), None)


ADMIN_WHO = (
    "Skriv hvem som skal deaktiveres, for eksempel «!admin deaktiver @trond:samsnakk.localhost»."
)


def offboarded_in_room(name: str) -> Reply:
    """Neutral: nothing about why, only that the person is no longer in the room."""
    return Reply(_("{name} er ikke lenger med i dette rommet.").format(name=name), None)


def meeting_needs_responsible(number: int) -> Reply:
    return Reply(
        _(
            "Møte {number} mangler nå en ansvarlig. Planlegg det på nytt med «!møte ny», eller be en administrator om hjelp."
        ).format(number=number),
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
    label = _(DIRECTORY_FIELD_LABELS.get(field, field))
    text = _(DIRECTORY_PROBLEMS.get(code, code)).format(detail=detail or "")
    where = _("linje {line}").format(line=line) if line else ""
    if label:
        where = f"{where} ({label})" if where else f"«{label}»"
    return f"{where}: {text}" if where else text


def admin_katalog_problems(problems: Sequence[str]) -> Reply:
    lines = [
        _("Katalogen er ikke endret. Rett dette og prøv igjen:"),
        *(f"• {p}" for p in problems),
    ]
    return Reply("\n".join(lines), None)


def admin_katalog_saved(name: str, user_id: str, new: bool) -> Reply:
    what = _("lagt inn i") if new else _("oppdatert i")
    return Reply(
        _("{name} ({user_id}) er {what} katalogen.").format(name=name, user_id=user_id, what=what),
        None,
    )


def admin_katalog_removed(name: str, user_id: str) -> Reply:
    return Reply(
        _(
            "{name} ({user_id}) er tatt ut av katalogen og vises ikke lenger i søk. Personen er fortsatt med i rommene sine; bruk «!admin deaktiver» for å fjerne personen derfra."
        ).format(name=name, user_id=user_id),
        None,
    )


AUDIT_CSV_HEADER = ("id", "tidspunkt", "rom", "aktør", "handling", "gjelder", "hash")


def admin_greeting(org: str) -> Reply:
    return Reply(_(ADMIN_GREETING).format(org=org), None)


def admin_report_intro(org: str, period: str, lines: Sequence[tuple[str, str]]) -> Reply:
    heading = _("Bruksrapport for {org}, {period}. Tall under 5 vises som «<5».").format(
        org=org, period=period
    )
    rows = [rich("{label}: {value}", label=label, value=value) for label, value in lines]
    return render(para(heading), bullets(rows))


def admin_revisjon_done(what: str, count: int) -> Reply:
    return Reply(
        _("Revisjonslogg for {what}: {count} hendelser. Filen er kryptert og ligger over.").format(
            what=what, count=count
        ),
        None,
    )
