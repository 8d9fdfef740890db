"""What Synapse shows when an invite or a join into a brukerrom is refused."""

from __future__ import annotations

ACCESS_ONLY_BOT_INVITES = (
    "Bare Samsnakk-boten kan invitere til et brukerrom. Bruk «!legg-til», så spør vi brukeren."
)


ACCESS_INVITEE_NOT_APPROVED = (
    "Brukeren har ikke godkjent denne personen for rommet. Bruk «!legg-til», så spør vi brukeren."
)


ACCESS_JOINER_NOT_APPROVED = "Du er ikke godkjent av brukeren for dette rommet."


ACCESS_ROOM_CLOSED = "Dette brukerrommet er avsluttet. Ingen kan bli med lenger."


ACCESS_CHECK_FAILED = "Samsnakk kunne ikke sjekke tilgangen akkurat nå. Prøv igjen om litt."
