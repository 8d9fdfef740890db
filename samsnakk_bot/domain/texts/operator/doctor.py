"""«samsnakk doctor»: the operator's report, Norwegian first with English (not translated)."""

from __future__ import annotations

# What Synapse shows whoever tried the doctor's probe invite; only the doctor ever sees it.
ACCESS_DOCTOR_PROBE = (
    "Prøveinvitasjon fra «samsnakk doctor»: avvist med vilje, ingen ble invitert. "
    "(Probe invite from samsnakk doctor: refused on purpose; nobody was invited.)"
)


DOCTOR_HEADING = "Samsnakk doctor: {homeserver} ({server_name})"


DOCTOR_MARK_OK = "OK"


DOCTOR_MARK_FAIL = "FEIL"


DOCTOR_MARK_SKIP = "--"


DOCTOR_SUMMARY_OK = (
    "Ingen feil: {passed} i orden, {skipped} ikke sjekket "
    "(no failures: {passed} passed, {skipped} not checked)."
)


DOCTOR_SUMMARY_FAILED = "{failed} av {total} sjekker feilet ({failed} of {total} checks failed)."


DOCTOR_CHECK_SYNAPSE = "Synapse svarer (Synapse reachable)"


DOCTOR_CHECK_PING = "Appservice-ping (appservice ping)"


DOCTOR_CHECK_ANTISPAM = "Antispam-modulen svarer (antispam module answers)"


DOCTOR_CHECK_PUSH = "Push uten innhold (push.include_content off)"


DOCTOR_CHECK_CROSS_SIGNING = "Boten er kryssignert (bot device cross-signed)"


DOCTOR_CHECK_MIGRATIONS = "Databasen er oppdatert (DB migrations current)"


DOCTOR_CHECK_POLICIES = "Policyene er gyldige (policies valid)"


DOCTOR_CHECK_CLOCK = "Klokka stemmer (clock in sync)"


DOCTOR_NO_CONTACT = "ingen kontakt med {url} (cannot reach it): {error}"


DOCTOR_HTTP_ANSWER = "Synapse svarte HTTP {status} {errcode}: {error} (Synapse answered)"


DOCTOR_AS_AUTH_REFUSED = (
    "Synapse godtar ikke as_token: stemmer den med registreringen Synapse har lastet? "
    "(Synapse refuses the as_token: does it match the registration Synapse loaded?)"
)


DOCTOR_NEEDS_SYNAPSE = "ikke sjekket, fordi Synapse ikke svarer (not checked: Synapse unreachable)"


DOCTOR_SYNAPSE_OK = "versjon {version}"


DOCTOR_SYNAPSE_VERSION_UNKNOWN = "ukjent (unknown)"


DOCTOR_SYNAPSE_BAD_STATUS = (
    "{url} svarte HTTP {status} på /_matrix/client/versions ({url} answered HTTP {status})"
)


DOCTOR_PING_OK = "Synapse nådde appservicen på {ms} ms (Synapse reached the appservice in {ms} ms)"


DOCTOR_PING_FAILED = "Synapse nådde ikke appservicen (Synapse could not reach the appservice)"


# Keyed by the errcode Synapse's ping endpoint answers with.
DOCTOR_PING_HINTS = {
    "M_CONNECTION_FAILED": (
        "Kjører «samsnakk run», og når Synapse {as_url}? "
        "(Is samsnakk run running, and can Synapse reach {as_url}?)"
    ),
    "M_CONNECTION_TIMEOUT": (
        "Appservicen svarte ikke i tide på {as_url} (the appservice did not answer in time)"
    ),
    "M_BAD_STATUS": (
        "Appservicen avviste pingen: er hs_token i registreringen lik appservice.hs_token? "
        "(The appservice refused the ping: does the registration's hs_token match?)"
    ),
    "M_URL_NOT_SET": "Registreringen har ingen url (the registration has no url).",
    "M_FORBIDDEN": (
        "Er appservice.id lik id i registreringen Synapse har lastet? "
        "(Does appservice.id match the id in the registration Synapse loaded?)"
    ),
    "M_UNRECOGNIZED": "Synapse må være 1.84 eller nyere (Synapse must be 1.84 or newer).",
}


DOCTOR_ANTISPAM_OK = (
    "Synapse spurte Samsnakk og avviste prøveinvitasjonen "
    "(Synapse asked us and refused the probe invite)"
)


DOCTOR_ANTISPAM_NOT_ASKED = (
    "Synapse spurte ikke Samsnakk før en invitasjon: er synapse_http_antispam.HTTPAntispam "
    "med user_may_invite under «modules» i Synapse-konfigurasjonen? (Synapse did not ask "
    "Samsnakk before an invite: is synapse_http_antispam.HTTPAntispam with user_may_invite "
    "listed under modules in Synapse's config?)"
)


DOCTOR_ANTISPAM_NO_ANSWER = (
    "Antispam-modulen i Synapse fikk ikke svar fra Samsnakk: sjekk base_url, den skal være "
    "{url} (the antispam module got no answer from Samsnakk: check its base_url)"
)


DOCTOR_ANTISPAM_BAD_AUTH = (
    "Samsnakk avviste antispam-modulens nøkkel: authorization i modulen må være lik "
    "antispam.secret (Samsnakk refused the module's token: it must equal antispam.secret)"
)


DOCTOR_PUSH_OK = "push.include_content er false i {source} (is false)"


DOCTOR_PUSH_DISABLED = "push er slått av (push.enabled: false) i {source} (push is disabled)"


DOCTOR_PUSH_ON = (
    "push.include_content er ikke false i {source}; da sender Synapse meldingsinnhold og "
    "romnavn til push-tjenesten, og standardverdien er true (is not false: Synapse then sends "
    "message content and room names to the push gateway; the default is true)"
)


DOCTOR_PUSH_NOT_GIVEN = (
    "ikke sjekket, gi --synapse-config PATH: Synapse viser det ikke utenfra "
    "(not checked: pass --synapse-config PATH; not visible from outside)"
)


DOCTOR_PUSH_UNREADABLE = "kunne ikke lese {source} (could not read it): {error}"


DOCTOR_XSIGN_OK = (
    "enhet {device} er signert av selvsigneringsnøkkelen, som er signert av hovednøkkelen "
    "(device <- self-signing key <- master key)"
)


DOCTOR_XSIGN_NO_MASTER = "{user} har ingen hovednøkkel på serveren (has no master key)"


DOCTOR_XSIGN_NO_SELF_SIGNING = (
    "{user} har ingen selvsigneringsnøkkel på serveren (has no self-signing key)"
)


DOCTOR_XSIGN_SELF_SIGNING_UNSIGNED = (
    "selvsigneringsnøkkelen er ikke gyldig signert av hovednøkkelen "
    "(the self-signing key is not validly signed by the master key)"
)


DOCTOR_XSIGN_NO_DEVICE = "enhet {device} finnes ikke på serveren (device {device} not found)"


DOCTOR_XSIGN_NO_DEVICES = "{user} har ingen enheter på serveren (has no devices)"


DOCTOR_XSIGN_DEVICE_UNSIGNED = (
    "enhet {device} er ikke gyldig signert av selvsigneringsnøkkelen "
    "(device {device} is not validly signed by the self-signing key)"
)


DOCTOR_XSIGN_HINT = (
    "«samsnakk run» laster opp nøklene og signerer enheten ved oppstart "
    "(samsnakk run uploads the keys and signs the device at start-up)."
)


DOCTOR_DB_OK = "revisjon {revision} er den nyeste (revision {revision} is head)"


DOCTOR_DB_BEHIND = (
    "databasen er på {current}, koden på {head}: kjør «samsnakk db upgrade» "
    "(database at {current}, code at {head}: run samsnakk db upgrade)"
)


DOCTOR_DB_UNKNOWN_REVISION = (
    "databasen er på {current}, som denne koden ikke kjenner (head {head}); er den fra en "
    "nyere Samsnakk? (the database is at a revision this code does not know; from a newer one?)"
)


DOCTOR_DB_EMPTY = (
    "databasen har ingen migreringer: kjør «samsnakk db upgrade» "
    "(the database has no migrations: run samsnakk db upgrade)"
)


DOCTOR_DB_MISSING = "databasefila {path} finnes ikke (the database file does not exist)"


DOCTOR_DB_ERROR = "kunne ikke lese databasen (could not read the database): {error}"


DOCTOR_POLICIES_OK = "{directory}: {organisations} organisasjoner (organisations)"


DOCTOR_POLICIES_BAD = "{directory} er ugyldig (is invalid):"


DOCTOR_CLOCK_OK = "{offset:+d} s fra Synapse (from Synapse)"


DOCTOR_CLOCK_OFF = (
    "klokka her går {offset:+d} s feil i forhold til Synapse, mer enn {limit} s: sjekk NTP "
    "(this host's clock is {offset:+d} s off Synapse's, more than {limit} s: check NTP)"
)


DOCTOR_CLOCK_NO_DATE = "Synapse sendte ingen gyldig Date-header (Synapse sent no valid Date header)"


DOCTOR_CHECK_PRIVATE_FILES = "Hemmelige filer er private (secret files owner-only)"


DOCTOR_PRIVATE_FILES_OK = "{count} filer kan bare leses av eieren ({count} files owner-only)"


DOCTOR_PRIVATE_FILES_NONE = (
    "ingen hemmelige filer å sjekke; bruk --synapse-config eller --secret-file "
    "(no secret files to check)"
)


DOCTOR_PRIVATE_FILES_READABLE = (
    "{count} hemmelige filer kan leses av andre enn eieren ({count} secret files readable by "
    "others); kjør chmod 600 og gi filen til tjenestens bruker (chmod 600, owned by the service)"
)


DOCTOR_PRIVATE_FILE_LINE = "{path}: modus {mode} (mode {mode}, {who})"


DOCTOR_PRIVATE_FILE_MISSING = "{path}: finnes ikke eller kan ikke leses (missing or unreadable)"


DOCTOR_WHO_GROUP = "gruppen kan lese (group can read)"


DOCTOR_WHO_OTHERS = "alle kan lese (everyone can read)"
