"""Varsler: the content-free notices (app, SMS, e-mail) and «!varsel»."""

from __future__ import annotations

from collections.abc import Sequence

from samsnakk_bot.domain.i18n import _, ngettext
from samsnakk_bot.domain.replies import Reply

# SMS texts stay inside the GSM-7 alphabet (no «», no –) so they fit one 160-character segment.
_VARSEL_WHAT = {
    "approval_prompt": "Noen venter på svaret ditt i Samsnakk.",
    "request_outcome": "Du har fått svar på en forespørsel i Samsnakk.",
    "reminder": "Du har en påminnelse i Samsnakk.",
    "meeting": "Det er en endring for et møte i Samsnakk.",
    "summary": "Du har fått en oppsummering i Samsnakk.",
}


_VARSEL_OPEN = "Åpne appen for å lese."


def varsel_line(kind: str, count: int = 1) -> str:
    if kind == "message":
        return ngettext(
            "Du har en ny melding i Samsnakk.", "Du har {n} nye meldinger i Samsnakk.", count
        ).format(n=count)
    return _(_VARSEL_WHAT.get(kind, "Du har noe nytt i Samsnakk."))


def varsel_sms(kind: str, count: int = 1) -> str:
    return f"{varsel_line(kind, count)} {_(_VARSEL_OPEN)}"


def onboarding_sms(code: str, hours: int) -> str:
    return _(
        "Hei! Du er invitert til Samsnakk. Logg inn og skriv !kode {code} til Samsnakk-boten. Koden virker i {hours} timer."
    ).format(code=code, hours=hours)


VARSEL_EMAIL_FOOTER = "Denne e-posten er sendt automatisk fra Samsnakk. Du kan ikke svare på den."


def varsel_email(kind: str, count: int = 1) -> tuple[str, str]:
    """(subject, body): the subject is as content-free as the body."""
    line = varsel_line(kind, count)
    return (_("Nytt i Samsnakk"), f"{line} {_(_VARSEL_OPEN)}\n\n{_(VARSEL_EMAIL_FOOTER)}")


def varsel_app(user_id: str, kind: str, count: int = 1) -> Reply:
    return Reply(f"{varsel_line(kind, count)} {_(_VARSEL_OPEN)}", None, (user_id,))


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
    how = (
        " og ".join(_(_CHANNEL_NAMES[c]) for c in channels) if channels else _("av (ingen varsler)")
    )
    lines = [_("Du får varsler {how}.").format(how=how)]
    lines.append(
        _("Mobilnummer: {phone}").format(phone=phone) if phone else _("Mobilnummer: ikke lagt inn")
    )
    lines.append(_("E-post: {email}").format(email=email) if email else _("E-post: ikke lagt inn"))
    lines.append(
        _("Stille timer: {quiet_0:02d}-{quiet_1:02d} (SMS og e-post venter til etterpå)").format(
            quiet_0=quiet[0], quiet_1=quiet[1]
        )
        if quiet
        else _("Stille timer: av")
    )
    if is_bruker:
        lines.append(_("Oppsummeringer på SMS: ") + (_("på (med tekst)") if sms_summary else "av"))
    return Reply("\n".join(lines), None)


def varsel_saved(channels: Sequence[str]) -> Reply:
    if not channels:
        return Reply(_("Varsler er slått av. Skriv «!varsel app» for å slå dem på igjen."), None)
    how = " og ".join(_(_CHANNEL_NAMES[c]) for c in channels)
    return Reply(_("Lagret. Du får varsler {how}.").format(how=how), None)


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
    return Reply(
        _("Lagret. SMS og e-post venter mellom kl {start:02d} og {end:02d}.").format(
            start=start, end=end
        ),
        None,
    )


def varsel_summary_saved(on: bool) -> Reply:
    if on:
        return Reply(
            _(
                "Lagret. Du får oppsummeringer som tekst på SMS. Husk at telefonselskapet kan se teksten. Skriv «!varsel sms-oppsummering av» for å slå det av."
            ),
            None,
        )
    return Reply(_("Lagret. SMS-en sier bare at du har fått en oppsummering."), None)
