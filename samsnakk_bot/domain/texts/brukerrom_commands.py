"""Brukerrom: the commands' usage, summary and details for «!hjelp»."""

from __future__ import annotations

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
