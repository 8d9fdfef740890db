"""The login broker's pages (no personal data ever goes in)."""

from __future__ import annotations

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
