"""The onboarding link and the /velkommen page."""

from __future__ import annotations

from samsnakk_bot.domain.i18n import _
from samsnakk_bot.domain.replies import Reply


# The link opens Element X (or the app store) with our server preset (domain/onboarding_link).
def onboarding_sms_with_link(code: str, hours: int, app_link: str) -> str:
    """The code SMS with the app link last: GSM-7 only, one segment for server names of up to
    31 characters. The outbox falls back to :func:`onboarding_sms` when it does not fit."""
    return _(
        "Samsnakk: Logg inn og skriv !kode {code} til boten innen {hours} timer. Appen: {app_link}"
    ).format(code=code, hours=hours, app_link=app_link)


def with_onboarding_link(reply: Reply, app_link: str, page_url: str | None, hinted: bool) -> Reply:
    """The creator's answer to «!rom ny» for a new bruker, with what to send them."""
    lines = [
        reply.body,
        _(
            "Send brukeren denne lenken. Den åpner appen Element X med Samsnakk valgt, eller app-butikken hvis appen ikke er installert: {app_link}"
        ).format(app_link=app_link),
    ]
    if hinted:
        lines.append(_("Lenken fyller også inn brukerens konto, så brukeren bare logger inn."))
    if page_url:
        lines.append(
            _("På en PC viser {page_url} den samme lenken som QR-kode, med tre enkle steg.").format(
                page_url=page_url
            )
        )
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
