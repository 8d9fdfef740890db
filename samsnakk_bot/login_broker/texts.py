"""Everything a person reads at the login broker, in bokmål. No personal data ever goes in."""

from __future__ import annotations

PAGE_TITLE = "Logg inn i Samsnakk"
CHOOSER_HEADING = "Hvordan vil du logge inn?"
CHOOSER_INTRO = "Velg det som passer for deg."
CHOOSE_STAFF = "Jeg er ansatt (HelseID)"
CHOOSE_STAFF_HINT = "For ansatte i helsetjenesten, kommunen og NAV."
CHOOSE_BRUKER = "Jeg er bruker (BankID via ID-porten)"
CHOOSE_BRUKER_HINT = "For deg som får hjelp. Du logger inn med BankID eller en annen sikker eID."
NOT_AVAILABLE = "Denne innloggingen er ikke tilgjengelig her."

REFUSAL_HEADING = "Innloggingen ble stoppet"
TRY_AGAIN = "Gå tilbake til Samsnakk-appen og prøv å logge inn på nytt."

# One page per reason the broker refuses; the keys are LoginRefused.reason values.
REFUSALS: dict[str, str] = {
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
