"""The audit chain's checkpoints and alarms, and what the consent says the bot stores."""

from __future__ import annotations

from samsnakk_bot.domain.i18n import _
from samsnakk_bot.domain.replies import Reply


def audit_checkpoint_notice(seq: int, head_hash: str) -> Reply:
    """The audit chain's head for the admin room: a number and a hash, never who or what."""
    body = _(
        "Kontrollpunkt for revisjonsloggen: oppføring {seq}, sjekksum {head_hash}.\nDriften kan kontrollere at ingen oppføringer er slettet med «samsnakk audit verify --checkpoint {seq}:{head_hash}». Du trenger ikke gjøre noe."
    ).format(seq=seq, head_hash=head_hash)
    return Reply(body, None)


def audit_gap_alarm(first: int, last: int) -> Reply:
    """To the admin rooms: audit rows were deleted while the bot was not watching."""
    span = f"{first}" if first == last else f"{first}–{last}"
    body = _(
        "Varsel: Revisjonsloggen mangler oppføring {span}, eller de er byttet ut. Noen kan ha slettet dem fra databasen. Be driften kjøre «samsnakk audit verify» og undersøke saken. Dette er også skrevet i revisjonsloggen."
    ).format(span=span)
    return Reply(body, None)


def consent_storage_statement(inactivity_days: int, audit_log_days: int) -> str:
    """What the bot keeps and for how long, from the retention policy: shown with the consent."""
    months = max(1, round(inactivity_days / 30.44))
    years = max(1, audit_log_days // 365)
    return _(
        "Dette lagrer Samsnakk-boten: Det som skrives i kommandoer til den, som møteplaner, agendapunkter, møteoppsummeringer og notater om deltakere, lagres kryptert hos Samsnakk, også etter at rommet er stengt. Vanlige meldinger lagrer den ikke selv, men den har nøklene til å lese dem så lenge rommet er åpent. Rommet stenges etter {months} måneder uten meldinger, eller når du trekker samtykket. Da sletter boten nøklene sine til rommet. Loggen over hvem som har fått tilgang og når, lagres i {years} år."
    ).format(months=months, years=years)


def consent_with_storage(text: str, inactivity_days: int, audit_log_days: int) -> str:
    """The policy's consent text followed by what the bot keeps."""
    return f"{text.strip()}\n\n{consent_storage_statement(inactivity_days, audit_log_days)}"
