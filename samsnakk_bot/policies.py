"""Declarative rules from ``policies/``, validated at start-up.

``default.yaml`` holds the brukerrom template, the versioned samtykke text and the approval and
onboarding periods. The organisations file lists the helsefellesskap: organisations, the roles
they offer and their admins. Every problem stops start-up with a message that names the file, the
key and what is wrong, like :mod:`samsnakk_bot.config`.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from samsnakk_bot.domain.i18n import SOURCE as SOURCE_LANGUAGE
from samsnakk_bot.domain.i18n import available as available_languages
from samsnakk_bot.domain.i18n import parse_language
from samsnakk_bot.domain.varsler import VarselChannel

DEFAULT_FILE = "default.yaml"
ORGANISATIONS_FILE = "organisations.yaml"
ORGANISATIONS_EXAMPLE_FILE = "organisations.example.yaml"

_MATRIX_ID_RE = re.compile(r"^@[^:]+:.+$")
_SLUG_RE = re.compile(r"^[a-z0-9-]+$")
# A DNS name or IP literal, with an optional port, as Matrix server names are written.
_SERVER_NAME_RE = re.compile(r"^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?$")
_ALIAS_PREFIX_RE = re.compile(r"^[a-z0-9._-]+$")
_VERSION_RE = re.compile(r"^[0-9]+(\.[0-9]+)?$")
_LABEL_RE = re.compile(r"^[0-9]{4}$")

OrgKind = Literal["helseforetak", "dps", "kommune", "nav", "fastlege", "annet"]
M = TypeVar("M", bound=BaseModel)


class PolicyError(Exception):
    """A policy problem, phrased for the operator who has to fix it."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _error_at(at: tuple[str | int, ...], message: str) -> PydanticCustomError:
    """An error whose key path continues below the validator's own location."""
    return PydanticCustomError("policy", message, {"at": at})


def _positive(v: timedelta) -> timedelta:
    if v <= timedelta(0):
        raise ValueError("must be longer than zero")
    return v


def _non_empty(v: str) -> str:
    if not v.strip():
        raise ValueError("must not be empty")
    return v.strip()


class RoomTemplate(_Model):
    # Room names are unencrypted state the server can read: "<prefix> · 1234", never a person.
    name_prefix: str = "Samsnakk"
    history_visibility: Literal["joined", "invited", "shared"] = "joined"
    # "archive": members are removed and the room is kept, read-only, for the audit trail.
    # "delete": as archive, and then the server deletes the room and its history (Synapse
    # admin API; needs homeserver.admin_token). Our audit log is kept either way.
    close_mode: Literal["archive", "delete"] = "archive"
    alias_prefix: str = "samsnakk."

    @field_validator("name_prefix")
    @classmethod
    def _no_digits(cls, v: str) -> str:
        v = _non_empty(v)
        if len(v) > 30:
            raise ValueError(f"must be at most 30 characters, got {len(v)}")
        if any(c.isdigit() for c in v):
            # Digits could be mistaken for the label, or carry a date of birth or fødselsnummer.
            raise ValueError("must not contain digits; the room's 4-digit label is added to it")
        return v

    def room_name(self, label: str) -> str:
        """The room's name for a pseudonymous 4-digit label: ``"Samsnakk · 0427"``."""
        if not _LABEL_RE.match(label):
            raise ValueError(f"room label must be 4 digits, got {label!r}")
        return f"{self.name_prefix} · {label}"

    @field_validator("alias_prefix")
    @classmethod
    def _alias_chars(cls, v: str) -> str:
        if not _ALIAS_PREFIX_RE.match(v):
            raise ValueError("may only contain lower-case a-z, 0-9, '.', '_' and '-'")
        return v


class ConsentPolicy(_Model):
    version: str
    # The text in bokmål, the source language; ``translations`` holds it in other languages
    # (``nn: |- ...``). A bruker is shown the text in their language, and the consent records
    # the version with the language: «3-nn» (D131).
    text: str
    translations: dict[str, str] = Field(default_factory=dict)

    _text_non_empty = field_validator("text")(_non_empty)

    @field_validator("version", mode="before")
    @classmethod
    def _version_number(cls, v: object) -> object:
        # YAML reads an unquoted 1 as an int (harmless) and 1.10 as the float 1.1 (not harmless).
        if isinstance(v, int) and not isinstance(v, bool):
            v = str(v)
        if not isinstance(v, str) or not _VERSION_RE.match(v):
            raise ValueError(f'must be a quoted version number such as "1" or "2.1", got {v!r}')
        return v

    @field_validator("translations")
    @classmethod
    def _known_languages(cls, v: dict[str, str]) -> dict[str, str]:
        for code, text in v.items():
            if code not in available_languages() or code == SOURCE_LANGUAGE:
                known = ", ".join(sorted(available_languages() - {SOURCE_LANGUAGE}))
                raise _error_at((code,), f"{code!r} is not a language with a catalog ({known})")
            if not text.strip():
                raise _error_at((code,), "must not be empty")
        return {code: text.strip() for code, text in v.items()}

    def in_language(self, language: str) -> tuple[str, str]:
        """(text, version) as shown to someone speaking ``language``: the version names the
        language of the text actually shown, so a missing translation records «3-nb»."""
        shown = language if language in self.translations else SOURCE_LANGUAGE
        text = self.translations.get(shown, self.text)
        return text, f"{self.version}-{shown}"

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the text, to record with a consent: shows exactly what was agreed to."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


# Durations in YAML: ISO 8601 ("P7D", "PT2H") or whole seconds (5).
class ApprovalPolicy(_Model):
    request_expiry: timedelta = timedelta(days=7)
    reminder_after: timedelta = timedelta(days=2)

    _check_positive = field_validator("request_expiry", "reminder_after")(_positive)

    @model_validator(mode="after")
    def _reminder_before_expiry(self) -> ApprovalPolicy:
        if self.reminder_after >= self.request_expiry:
            raise _error_at(
                ("reminder_after",),
                f"must be shorter than request_expiry ({self.request_expiry}), "
                f"got {self.reminder_after}",
            )
        return self


class OnboardingPolicy(_Model):
    code_ttl: timedelta = timedelta(hours=72)
    max_failed_attempts: Annotated[int, Field(ge=1, le=20)] = 5
    attempt_window: timedelta = timedelta(hours=1)
    # «!rom ny fnr:» per ansatt per fnr_window: enough for a busy day, too few to probe numbers.
    max_fnr_rooms: Annotated[int, Field(ge=1, le=100)] = 10
    fnr_window: timedelta = timedelta(hours=1)

    _check_positive = field_validator("code_ttl", "attempt_window", "fnr_window")(_positive)


class OffboardingPolicy(_Model):
    """What «!admin deaktiver» does beyond Samsnakk itself."""

    # Also deactivate the person's account on the homeserver (needs homeserver.admin_token).
    # Off by default: the organisation's own identity provider usually ends the login.
    deactivate_account: bool = False


class VarselPolicy(_Model):
    """Notifications are on for everyone by default; these are the defaults and limits."""

    # At most one varsel per person per room per period; messages in between are counted.
    throttle_period: timedelta = timedelta(minutes=15)
    # SMS and e-post wait outside these hours (Europe/Oslo), except the onboarding code.
    quiet_start: Annotated[int, Field(ge=0, le=23)] = 22
    quiet_end: Annotated[int, Field(ge=0, le=23)] = 7
    staff_channels: tuple[VarselChannel, ...] = ("app",)
    bruker_channels: tuple[VarselChannel, ...] = ("app",)
    max_attempts: Annotated[int, Field(ge=1, le=50)] = 8
    backoff_base: timedelta = timedelta(seconds=2)
    backoff_max: timedelta = timedelta(minutes=10)

    @model_validator(mode="after")
    def _sane(self) -> VarselPolicy:
        if self.quiet_start == self.quiet_end:
            raise ValueError("quiet_start and quiet_end must differ (use 22 and 7 for 22-07)")
        if self.backoff_base <= timedelta(0) or self.backoff_max < self.backoff_base:
            raise ValueError("backoff_base must be > 0 and backoff_max at least backoff_base")
        if not self.staff_channels or not self.bruker_channels:
            raise ValueError("everyone gets varsler by default: list at least one channel")
        return self


class MeetingPolicy(_Model):
    """Det første møtet: when reminders go out, and when the summary is asked for."""

    default_duration: timedelta = timedelta(hours=1)
    first_reminder: timedelta = timedelta(hours=24)  # before the meeting
    second_reminder: timedelta = timedelta(hours=2)  # before the meeting
    unconfirmed_check: timedelta = timedelta(hours=48)  # before: tell the responsible
    summary_nudge: timedelta = timedelta(hours=24)  # after the end, if no summary yet

    @model_validator(mode="after")
    def _sane(self) -> MeetingPolicy:
        if not timedelta(0) < self.second_reminder < self.first_reminder:
            raise ValueError("second_reminder must be positive and before first_reminder")
        if self.default_duration <= timedelta(0) or self.summary_nudge <= timedelta(0):
            raise ValueError("default_duration and summary_nudge must be positive")
        return self


class RetentionPolicy(_Model):
    """Inactive brukerrom are closed after warning their participants twice."""

    # A room with no messages for this long is closed.
    inactivity: timedelta = timedelta(days=183)
    # Participants are warned this long before closing, and again at second_warning.
    first_warning: timedelta = timedelta(days=30)
    second_warning: timedelta = timedelta(days=7)
    # How often rooms are checked. Warnings and closing happen at most this late.
    check_every: timedelta = timedelta(hours=1)
    # Audit entries older than this are deleted; the chain stays verifiable.
    audit_log: timedelta = timedelta(days=3653)

    @model_validator(mode="after")
    def _sane(self) -> RetentionPolicy:
        if not timedelta(0) < self.second_warning < self.first_warning < self.inactivity:
            raise ValueError("need 0 < second_warning < first_warning < inactivity")
        if self.check_every <= timedelta(0) or self.check_every > self.second_warning:
            raise ValueError("check_every must be positive and at most second_warning")
        if self.audit_log < timedelta(days=365):
            raise ValueError("audit_log must be at least P365D (access logs must be reviewable)")
        return self


class Policy(_Model):
    """The contents of ``default.yaml``."""

    room: RoomTemplate = RoomTemplate()
    consent: ConsentPolicy
    approval: ApprovalPolicy = ApprovalPolicy()
    onboarding: OnboardingPolicy = OnboardingPolicy()
    offboarding: OffboardingPolicy = OffboardingPolicy()
    varsler: VarselPolicy = VarselPolicy()
    meetings: MeetingPolicy = MeetingPolicy()
    retention: RetentionPolicy = RetentionPolicy()


def _matrix_ids(v: tuple[str, ...]) -> tuple[str, ...]:
    for i, user_id in enumerate(v):
        if not _MATRIX_ID_RE.match(user_id):
            raise _error_at(
                (i,), f"{user_id!r} is not a Matrix ID; write it as @localpart:server.name"
            )
    return v


# The admin room of the helsefellesskap is kept under this id, so no organisation may use it.
HELSEFELLESSKAP_ID = "helsefellesskap"


class Helsefellesskap(_Model):
    """The organisations together. Its report viewers see aggregate reports and nothing else."""

    name: str
    report_viewers: tuple[str, ...] = ()

    _name_non_empty = field_validator("name")(_non_empty)
    _viewers_are_ids = field_validator("report_viewers")(_matrix_ids)


class Organisation(_Model):
    id: str
    name: str
    kind: OrgKind
    parent: str | None = None
    roles: tuple[str, ...]
    admins: tuple[str, ...] = ()
    # The written standard its staff and the brukere of its rooms get unless they choose
    # otherwise with «!språk»: nb (bokmål) or nn (nynorsk), or any language with a catalog.
    language: str = Field(default=SOURCE_LANGUAGE, alias="språk")
    # The Matrix server name its staff's accounts are on, when it runs its own homeserver
    # and federates with ours. It goes into Synapse's federation allow-list.
    homeserver: str | None = None

    _name_non_empty = field_validator("name")(_non_empty)

    @field_validator("homeserver")
    @classmethod
    def _server_name(cls, v: str | None) -> str | None:
        if v is not None and not _SERVER_NAME_RE.match(v):
            raise ValueError(f"{v!r} is not a Matrix server name such as kommune.example.no")
        return v

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not _SLUG_RE.match(v):
            raise ValueError(f"{v!r} must be a slug: lower-case a-z, 0-9 and '-' (no æ, ø, å)")
        return v

    @field_validator("roles")
    @classmethod
    def _unique_roles(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not v:
            raise ValueError("must list at least one role")
        roles = tuple(r.strip() for r in v)
        for i, role in enumerate(roles):
            if not role:
                raise _error_at((i,), "must not be empty")
            if role.casefold() in (r.casefold() for r in roles[:i]):
                raise _error_at((i,), f"role {role!r} is listed twice")
        return roles

    _admins_are_ids = field_validator("admins")(_matrix_ids)

    @field_validator("language")
    @classmethod
    def _has_catalog(cls, v: str) -> str:
        code = parse_language(v)
        if code is None:
            known = ", ".join(sorted(available_languages()))
            raise ValueError(f"{v!r} is not a language Samsnakk speaks; use one of: {known}")
        return code


class Organisations(_Model):
    """The contents of the organisations file."""

    organisations: tuple[Organisation, ...]
    helsefellesskap: Helsefellesskap | None = None

    @field_validator("organisations")
    @classmethod
    def _consistent(cls, orgs: tuple[Organisation, ...]) -> tuple[Organisation, ...]:
        if not orgs:
            raise ValueError("must list at least one organisation")
        ids = [o.id for o in orgs]
        for i, org in enumerate(orgs):
            if org.id == HELSEFELLESSKAP_ID:
                raise _error_at((i, "id"), f"{org.id!r} is reserved for the helsefellesskap")
            if org.id in ids[:i]:
                raise _error_at((i, "id"), f"{org.id!r} is used by more than one organisation")
            if org.name.casefold() in (o.name.casefold() for o in orgs[:i]):
                raise _error_at((i, "name"), f"{org.name!r} is used by more than one organisation")
        parents = {o.id: o.parent for o in orgs}
        for i, org in enumerate(orgs):
            if org.parent is None:
                continue
            if org.parent not in parents:
                raise _error_at(
                    (i, "parent"),
                    f"{org.parent!r} is not an organisation id; known ids: {', '.join(ids)}",
                )
            seen = {org.id}
            current: str | None = org.parent
            while current is not None:
                if current in seen:
                    raise _error_at((i, "parent"), f"parents of {org.id!r} form a cycle")
                seen.add(current)
                current = parents[current]
        return orgs

    def by_id(self, org_id: str) -> Organisation | None:
        return next((o for o in self.organisations if o.id == org_id), None)

    def by_name(self, name: str) -> Organisation | None:
        """Case-insensitive: ``"nav askøy"`` finds ``"NAV Askøy"``."""
        wanted = name.strip().casefold()
        return next((o for o in self.organisations if o.name.casefold() == wanted), None)


class Policies(_Model):
    policy: Policy
    organisations: Organisations

    def federation_allow_list(self, own_server: str) -> list[str]:
        """Synapse's ``federation_domain_whitelist``: our server and the organisations' own."""
        servers = {own_server, *(o.homeserver for o in self.organisations.organisations)}
        return sorted(s for s in servers if s)


def _valid_keys(root: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """The keys allowed in the mapping at ``loc`` below ``root``, for "unknown key" messages."""
    current: Any = root
    for part in loc:
        if isinstance(part, int):
            args = get_args(current)
            current = args[0] if args else None
        elif isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part)
            current = field.annotation if field else None
        else:
            return []
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _describe(err: ValidationError, source: Path, root: type[BaseModel]) -> str:
    lines = [f"Invalid policy in {source}:"]
    for e in err.errors():
        loc = (*e["loc"], *e.get("ctx", {}).get("at", ()))
        key = ".".join(str(p) for p in loc) or "(top level)"
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            msg = f"unknown key; valid keys here: {', '.join(_valid_keys(root, loc[:-1]))}"
        elif e["type"] == "missing":
            msg = "is required"
        elif e["type"].startswith("time_delta"):
            msg = "must be a duration: ISO 8601 such as P7D or PT2H, or whole seconds"
        lines.append(f"  - {key}: {msg}")
    return "\n".join(lines)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise PolicyError(f"Policy file {path} is not valid YAML: {err}") from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise PolicyError(f"Invalid policy in {path}: the top level must be a mapping")
    return raw


def _parse(model: type[M], path: Path) -> M:
    try:
        return model.model_validate(_read_yaml(path))
    except ValidationError as err:
        raise PolicyError(_describe(err, path, model)) from None


def _organisations_path(directory: Path, organisations_file: str | None) -> Path:
    if organisations_file is not None:
        path = directory / organisations_file
        if not path.is_file():
            raise PolicyError(f"Organisations file not found: {path}")
        return path
    for name in (ORGANISATIONS_FILE, ORGANISATIONS_EXAMPLE_FILE):
        if (directory / name).is_file():
            return directory / name
    raise PolicyError(
        f"No organisations file in {directory}: expected {ORGANISATIONS_FILE} "
        f"(or {ORGANISATIONS_EXAMPLE_FILE} for a trial)"
    )


def load_policies(directory: Path, organisations_file: str | None = None) -> Policies:
    """Load and validate ``default.yaml`` and the organisations file; raises PolicyError.

    Without ``organisations_file``, ``organisations.yaml`` is used when present, otherwise
    ``organisations.example.yaml``. A relative ``organisations_file`` is taken from ``directory``.
    """
    default = directory / DEFAULT_FILE
    if not default.is_file():
        raise PolicyError(
            f"Policy file not found: {default}; the policy directory {directory} must hold "
            f"{DEFAULT_FILE} and {ORGANISATIONS_FILE} (or {ORGANISATIONS_EXAMPLE_FILE})"
        )
    policy = _parse(Policy, default)
    organisations = _parse(Organisations, _organisations_path(directory, organisations_file))
    return Policies(policy=policy, organisations=organisations)
