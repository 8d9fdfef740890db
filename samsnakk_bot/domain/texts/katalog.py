"""The staff directory («!katalog»)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from samsnakk_bot.domain.i18n import _
from samsnakk_bot.domain.replies import Reply

KATALOG_USAGE = "!katalog <søk>"


KATALOG_SUMMARY = "Finn ansatte i de andre tjenestene: navn, rolle, sted og hva de kan hjelpe med."


KATALOG_DETAILS = "Skriv ord fra navn, rolle, organisasjon eller det personen kan hjelpe med, for eksempel «!katalog psykolog askøy»."


KATALOG_EXAMPLE = "!katalog psykolog askøy"


KATALOG_NEEDS_WORDS = "Skriv hva du leter etter, for eksempel «!katalog psykolog askøy»."


def katalog_results(
    query: str, rows: Sequence[tuple[str, str, str | None, str | None, str, str | None, str | None]]
) -> Reply:
    """(name, role and organisation, unit, help text, Matrix ID, e-mail, phone) per person."""
    if not rows:
        return Reply(
            _("Fant ingen i katalogen for «{query}». Prøv færre eller kortere ord.").format(
                query=query
            ),
            None,
        )
    lines = [_("Treff i katalogen for «{query}»:").format(query=query)]
    html = [f"<p>{escape(lines[0])}</p><ul>"]
    for name, role_org, unit, help_text, user_id, email, phone in rows:
        parts = [f"{name} – {role_org}" + (f" ({unit})" if unit else "")]
        if help_text:
            parts.append(_("Kan hjelpe med: {help_text}").format(help_text=help_text))
        parts.append(" · ".join(x for x in (user_id, email, phone) if x))
        lines.append("• " + "\n  ".join(parts))
        html.append("<li>" + "<br>".join(escape(p) for p in parts) + "</li>")
    return Reply("\n".join(lines), "".join(html) + "</ul>")


def format_when(day: int, month: int, hour: int, minute: int) -> str:
    """Norwegian short date: ``3.12 kl 10:04``."""
    return f"{day}.{month} kl {hour:02d}:{minute:02d}"
