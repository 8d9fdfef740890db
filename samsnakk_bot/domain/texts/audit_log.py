"""The innsynslogg («!logg»): what each audit action reads as."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from samsnakk_bot.domain.i18n import _
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.domain.texts._markup import bullets, para, render, rich
from samsnakk_bot.domain.texts.katalog import format_when

# What each audit action reads as after the actor's name. ``{subject}`` is the person acted on;
# other fields come from the entry's details (e.g. ``{version}`` for consent).
AUDIT_ACTION_LABELS: dict[str, str] = {
    "offboarded": "{subject} ble deaktivert av en administrator og fjernet fra rommet",
    "admin_refused": "prøvde en administratorkommando uten å være administrator",
    "sms_summary_on": "valgte å få oppsummeringer som tekst på SMS",
    "sms_summary_off": "slo av oppsummeringer som tekst på SMS",
    "command_refused": "prøvde en kommando bare brukeren kan bruke, men fikk ikke lov",
    "settings_restored": "endret innstillingene i rommet; boten satte dem tilbake",
    "state_change_refused": "prøvde å endre innstillingene i rommet, men fikk ikke lov",
    "not_bruker_refused": "prøvde å svare på vegne av brukeren, men fikk ikke lov",
    "room_created": "opprettet rommet",
    "consent_given": "ga samtykke (versjon {version})",
    "consent_refused": "takket nei til rommet",
    "consent_withdrawn": "trakk samtykket",
    "participant_requested": "foreslo {subject}",
    "participant_approved": "godkjente {subject}",
    "participant_rejected": "sa nei til {subject}",
    "request_expired": "Forslaget om {subject} fikk ikke svar i tide og er utløpt",
    "request_cancelled": "trakk forslaget om {subject}",
    "invited": "inviterte {subject}",
    "joined": "ble med",
    "left": "forlot rommet",
    "removed": "fjernet {subject}",
    "kicked_unapproved": "{subject} ble fjernet automatisk fordi personen ikke var godkjent",
    "invite_refused": "prøvde å invitere {subject}, men personen var ikke godkjent",
    "join_refused": "prøvde å bli med, men var ikke godkjent",
    "code_issued": "laget en engangskode til brukeren",
    "code_redeemed": "brukte engangskoden",
    "code_failed": "skrev en kode som ikke stemte",
    "room_closed": "lukket rommet",
    "admin_action": "gjorde en endring som administrator",
}


# Labels that are whole sentences: shown without the actor's name in front.
AUDIT_ACTIONS_WITHOUT_ACTOR = frozenset({"request_expired", "kicked_unapproved"})


INNSYN_HEADING = "Innsynslogg for dette rommet"


INNSYN_EMPTY = "Ingen hendelser ennå."


INNSYN_SOMEONE = "en person"


INNSYN_UNKNOWN_VALUE = "ukjent"


class _LabelValues(dict[str, str]):
    """A detail the label asks for but the entry lacks reads as «ukjent», never a crash."""

    def __missing__(self, key: str) -> str:
        return _(INNSYN_UNKNOWN_VALUE)


def _audit_phrase(
    actor: str,
    subject: str | None,
    action: str,
    details: Mapping[str, object],
    names: Mapping[str, str],
) -> str:
    template = AUDIT_ACTION_LABELS.get(action)
    if template is None:
        phrase = action
    else:
        values = _LabelValues({k: str(v) for k, v in details.items() if v is not None})
        values["subject"] = names.get(subject, subject) if subject else _(INNSYN_SOMEONE)
        phrase = _(template).format_map(values)
    if action in AUDIT_ACTIONS_WITHOUT_ACTOR:
        return phrase
    return f"{names.get(actor, actor)} {phrase}"


def _audit_when(moment: datetime, with_year: bool) -> str:
    if with_year:
        return f"{moment.day}.{moment.month}.{moment.year} kl {moment.hour:02d}:{moment.minute:02d}"
    return format_when(moment.day, moment.month, moment.hour, moment.minute)


def innsyn_log(
    entries: Sequence[tuple[int, str, str | None, str, Mapping[str, object]]],
    names: Mapping[str, str],
    tz_name: str = "Europe/Oslo",
) -> Reply:
    """``!logg``: the room's audit log for the bruker, newest last.

    ``entries`` are ``(ts_ms, actor, subject, action, details)``; ``names`` maps Matrix IDs to
    display names (an ID without a name is shown as is). Times are local to ``tz_name``; the year
    is shown only when the log spans more than one calendar year.
    """
    heading = para(rich("**{heading}**", heading=_(INNSYN_HEADING)))
    if not entries:
        return render(heading, para(_(INNSYN_EMPTY)))
    zone = ZoneInfo(tz_name)
    ordered = sorted(entries, key=lambda entry: entry[0])
    moments = [datetime.fromtimestamp(entry[0] // 1000, zone) for entry in ordered]
    with_year = len({moment.year for moment in moments}) > 1
    rows = [
        (_audit_when(moment, with_year), _audit_phrase(actor, subject, action, details, names))
        for moment, (_, actor, subject, action, details) in zip(moments, ordered, strict=True)
    ]
    listed = [rich("**{when}** — {what}", when=when, what=what) for when, what in rows]
    return render(heading, bullets(listed))


ACCESS_STATE_CHANGE_REFUSED = (
    "Innstillingene i et brukerrom styres av Samsnakk-boten, slik at rommet forblir trygt. "
    "Skriv «!hjelp» i rommet for å se hva du kan gjøre."
)


AUDIT_ACTION_LABELS.update(
    {
        "code_voided": "gjorde engangskoden ugyldig fordi den som laget den, har sluttet",
        "creator_handed_over": "overførte rommet fra {subject}, som har sluttet",
        "poll_answer_refused": "sendte et svar som ikke hørte til spørsmålet; det ble avvist",
        "creator_not_admitted": "inviterte ikke {subject}, som har sluttet",
        "offboarded_refused": "prøvde en kommando etter å ha sluttet, men fikk ikke lov",
    }
)


AUDIT_ACTION_LABELS["audit_gap_found"] = (
    "fant at oppføring {first}–{last} mangler i revisjonsloggen"
)


AUDIT_ACTION_LABELS["room_keys_dropped"] = (
    "slettet nøklene sine til rommet, så meldingene her ikke kan leses av boten lenger"
)
