"""Device trust (MSC4153): unverified devices and changed security identities."""

from __future__ import annotations

from samsnakk_bot.domain.i18n import _
from samsnakk_bot.domain.replies import Reply

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
    body = _(
        "{user_id}: Denne enheten er ikke bekreftet, så jeg gjør ingenting herfra. Bekreft enheten i Element: åpne Element på en enhet du allerede er logget inn på og godkjenn den nye innloggingen, eller skriv inn gjenopprettingsnøkkelen din. Prøv så igjen."
    ).format(user_id=user_id)
    return Reply(body, None, (user_id,))


def identity_changed_in_room(person: str, user_id: str, bruker: str | None) -> Reply:
    """To the room: a participant's security identity changed. ``person`` carries the ID."""
    ask = (
        _(
            "{bruker}: Er du sikker på at det er {person}? Ring eller snakk med personen, og skriv «!godta-nøkkel {user_id}» når du vet det."
        ).format(bruker=bruker, person=person, user_id=user_id)
        if bruker
        else _("En administrator må godta den nye identiteten.")
    )
    body = _(
        "Sikkerhetsidentiteten til {person} er endret. Det skjer når noen logger inn på nytt uten å bekrefte seg, men kan også bety at noen andre har tatt over kontoen. Til den er godtatt, kan personen ikke lese nye meldinger fra meg eller bruke kommandoer. {ask}"
    ).format(person=person, ask=ask)
    return Reply(body, None, (bruker,) if bruker else ())


def bruker_identity_changed_in_room(user_id: str) -> Reply:
    body = _(
        "Sikkerhetsidentiteten til brukeren ({user_id}) er endret. Til en administrator har godtatt den, kan brukeren ikke svare på forespørsler eller lese nye meldinger fra meg."
    ).format(user_id=user_id)
    return Reply(body, None)


def identity_changed_dm() -> Reply:
    body = _(
        "Sikkerhetsidentiteten din i Element er endret, for eksempel fordi du logget inn på nytt og laget en ny gjenopprettingsnøkkel. Var det ikke deg, må du bytte passord med en gang og si fra til kontaktpersonen din. Til noen har godtatt den nye identiteten, kan du ikke bruke kommandoer eller lese nye meldinger fra meg i rommene. Brukeren i rommet, eller en administrator, kan godta den."
    )
    return Reply(body, None)


def identity_confirmed(person: str, user_id: str) -> Reply:
    body = _(
        "Den nye sikkerhetsidentiteten til {person} er godtatt. Personen kan bruke kommandoer og lese nye meldinger igjen."
    ).format(person=person)
    return Reply(body, None, (user_id,))
