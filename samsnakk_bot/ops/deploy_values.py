"""What ``samsnakk deploy render`` needs besides samsnakk.yaml: hosts, paths, workers, logins.

``deploy/values.example.yaml`` is the commented sample; every key has a default here so that an
empty values file renders a single-host install. Like :mod:`samsnakk_bot.config`, unknown keys
and bad values stop the render with a message that names the key.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

_ULID_RE = re.compile(r"^[0123456789ABCDEFGHJKMNPQRSTVWXYZ]{26}$")
_HOST_RE = re.compile(r"^[A-Za-z0-9.:{}\[\]-]+$")
_SIZE_RE = re.compile(r"^[0-9]+[KMG]?$")
Port = Annotated[int, Field(ge=1, le=65535)]
# The processes that read secret files, each from its own directory under secrets_dir.
SecretReader = Literal["synapse", "mas", "broker", "postgres", "redis"]


class ValuesError(Exception):
    """A values problem, phrased for the operator who has to fix it."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _ulid(v: str) -> str:
    if not _ULID_RE.match(v):
        raise ValueError("must be a ULID (26 characters, Crockford base 32)")
    return v


def _host(v: str) -> str:
    if not _HOST_RE.match(v):
        raise ValueError(f"{v!r} is not a host name or address")
    return v


class Paths(_Section):
    # Where the rendered Synapse files are installed (homeserver.yaml, workers/, registration).
    config_dir: Path = Path("/etc/matrix-synapse")
    # Media store and Synapse's signing key: back both up.
    data_dir: Path = Path("/var/lib/matrix-synapse")
    # One directory per service (synapse/, mas/, postgres/, redis/), owned by that service's
    # user, mode 0700, one file per secret (0600); `samsnakk deploy secrets` creates the ones
    # it can generate. Each process is given only its own directory.
    secrets_dir: Path = Path("/etc/samsnakk-secrets")


class Database(_Section):
    """Synapse's own PostgreSQL database (never the one Samsnakk uses)."""

    host: str = "127.0.0.1"
    port: Port = 5432
    name: str = "synapse"
    user: str = "synapse"
    # A libpq password file (host:port:db:user:password), so no password sits in the YAML.
    # Leave it out for peer authentication over the unix socket (host: /var/run/postgresql).
    passfile: str | None = None
    cp_min: Annotated[int, Field(ge=1)] = 5
    cp_max: Annotated[int, Field(ge=1)] = 10


class Synapse(_Section):
    # Every Synapse process binds here; only the reverse proxy talks to it.
    bind: str = "127.0.0.1"
    # How the other processes (workers, MAS, Samsnakk, nginx) reach the main process.
    host: str = "127.0.0.1"
    port: Port = 8008
    metrics_port: Port = 9000
    replication_port: Port = 9093
    max_upload_size: str = "50M"
    max_image_pixels: str = "32M"
    admin_contact: str | None = None

    _hosts = field_validator("bind", "host")(_host)

    @field_validator("max_upload_size", "max_image_pixels")
    @classmethod
    def _size(cls, v: str) -> str:
        if not _SIZE_RE.match(v):
            raise ValueError(f"{v!r} must be a size such as 50M")
        return v


class Redis(_Section):
    host: str = "127.0.0.1"
    port: Port = 6379
    # A file with the Redis password (requirepass); leave out for a Redis without one.
    password_file: str | None = None

    _hosts = field_validator("host")(_host)


class Workers(_Section):
    """The documented path beyond one process: generic workers, senders, Redis."""

    enabled: bool = False
    generic: Annotated[int, Field(ge=1, le=16)] = 2
    # generic_worker1 listens on first_port, the next on first_port + 1, and so on.
    first_port: Port = 8083
    # Replication listener of the event persister (a stream writer).
    persister_port: Port = 9094
    # Metrics of worker i (in rendering order) are on metrics_first_port + i.
    metrics_first_port: Port = 9101
    # How other processes reach a worker. "{name}" becomes the worker's name (compose).
    host: str = "127.0.0.1"
    redis: Redis = Redis()

    _hosts = field_validator("host")(_host)


class MasDatabase(_Section):
    host: str = "127.0.0.1"
    port: Port = 5432
    name: str = "mas"
    user: str = "mas"
    password_file: str | None = None


class Mas(_Section):
    """matrix-authentication-service: the one login service, for brukere and staff."""

    public_base: str = "https://auth.example.no/"
    bind: str = "127.0.0.1"
    port: Port = 8080
    # Health and Prometheus metrics, never proxied publicly.
    internal_port: Port = 8081
    # How Synapse and Samsnakk reach MAS.
    endpoint: str = "http://127.0.0.1:8080/"
    database: MasDatabase = MasDatabase()
    # Where config.yaml and Samsnakk's admin client secret (both rendered) are installed.
    config_dir: Path = Path("/etc/mas")

    _hosts = field_validator("bind")(_host)

    @field_validator("public_base", "endpoint")
    @classmethod
    def _base_url(cls, v: str) -> str:
        # MAS's callback URLs (and the broker's redirect URI) are appended to it.
        if not re.match(r"^https?://[^/]+/(.*/)?$", v):
            raise ValueError(f"{v!r} must be a URL ending in '/', such as https://auth.example.no/")
        return v


_IDP_ID_RE = re.compile(r"^[A-Za-z0-9._~-]+$")
# Shipped in deploy/values.example.yaml so that the example renders; the render warns while
# any of them is still in place.
EXAMPLE_CLIENT_IDS = (
    "eksempel-idporten-klient",
    "eksempel-helseid-klient",
    "eksempel-ansatt-klient",
)


class IdPorten(_Section):
    """Brukere log in with BankID and the like through ID-porten (Digdir).

    mas mode: the login broker is ID-porten's client; synapse_oidc mode: Synapse is.
    """

    issuer: str = "https://idporten.no"
    client_id: str = ""
    client_secret_file: str = "idporten_client_secret"  # noqa: S105 - a file name
    acr_values: str = "idporten-loa-high"


class StaffOidc(_Section):
    """synapse_oidc mode: staff log in through an OIDC provider Synapse can use directly.

    That is the organisation's own (e.g. its Entra ID). The localpart is ``a-`` and a keyed
    hash of ``subject_claim`` (deploy/synapse/samsnakk_staff.py), never a name or username.
    """

    enabled: bool = False
    idp_id: str = "ansatt"
    # Shown on the login page, e.g. the organisation's name.
    name: str = ""
    issuer: str = ""
    client_id: str = ""
    client_secret_file: str = "staff_oidc_client_secret"  # noqa: S105 - a file name
    scopes: tuple[str, ...] = ("openid", "profile")
    # An identifier the provider never reassigns (Entra ID: "oid"; plain OIDC: "sub").
    subject_claim: str = "sub"
    display_name_claim: str = "name"

    @field_validator("idp_id")
    @classmethod
    def _idp_id(cls, v: str) -> str:
        if not _IDP_ID_RE.match(v):
            raise ValueError("may only contain A-Z, a-z, 0-9, '.', '_', '~' and '-'")
        return v


class HelseId(_Section):
    """mas mode: staff log in with HelseID (Norsk helsenett) through the login broker, which
    speaks PAR and private_key_jwt to it (D85)."""

    enabled: bool = True
    issuer: str = "https://helseid-sts.nhn.no"
    client_id: str = ""
    # The broker's private key; register its public half at HelseID Selvbetjening.
    private_key_file: str = "helseid_private_key.pem"
    scopes: tuple[str, ...] = ("openid", "profile", "helseid://scopes/identity/pid")


class Broker(_Section):
    """mas mode: our login broker (samsnakk broker), MAS's one upstream provider (D85)."""

    # Its public URL: the browser is sent here from MAS, and here back from the IdPs.
    issuer: str = "https://login.example.no/"
    listen_host: str = "127.0.0.1"
    listen_port: Port = 8090
    # How nginx reaches it.
    host: str = "127.0.0.1"
    # Where broker.yaml and the pseudonym key the render copies are installed.
    config_dir: Path = Path("/etc/samsnakk-broker")
    # MAS's client at the broker, and the provider's stable ULID in MAS (never change it).
    client_id: str = "mas"
    provider_id: str = "01M81SNT9ABR0KERXX5AMSNKKZ"

    _provider_id = field_validator("provider_id")(_ulid)
    _hosts = field_validator("listen_host", "host")(_host)

    @field_validator("issuer")
    @classmethod
    def _issuer(cls, v: str) -> str:
        if not re.match(r"^https?://[^/]+/$", v):
            raise ValueError(f"{v!r} must be a URL with a host and a final '/' only")
        return v


class MasAdminClient(_Section):
    """The client Samsnakk uses for MAS's admin API (pre-provisioning, D86)."""

    # A ULID; the secret comes from samsnakk.yaml (mas.client_secret), copied by the render.
    client_id: str = "01M81SNT9ASAMSNAKKADM1N000"

    _client_id = field_validator("client_id")(_ulid)


class Auth(_Section):
    # mas (default): matrix-authentication-service is the only login, which Element X needs.
    #   Its one upstream provider is our login broker, which logs brukere in with ID-porten
    #   and staff with HelseID (D85, D86).
    # synapse_oidc: Synapse's own OIDC, a fallback only where nobody uses Element X (D40,
    #   replaced by D85): brukere with ID-porten through samsnakk_idporten.PseudonymMapper,
    #   staff through staff_oidc and samsnakk_staff.StaffMapper.
    mode: Literal["synapse_oidc", "mas"] = "mas"
    idporten: IdPorten = IdPorten()
    staff_oidc: StaffOidc = StaffOidc()
    mas: Mas = Mas()
    helseid: HelseId = HelseId()
    broker: Broker = Broker()
    mas_admin: MasAdminClient = MasAdminClient()


class Nginx(_Section):
    # Clients and federating servers reach Synapse here (443 and 8448).
    matrix_host: str = "matrix.example.no"
    certificate: Path = Path("/etc/ssl/samsnakk/fullchain.pem")
    certificate_key: Path = Path("/etc/ssl/samsnakk/privkey.pem")
    # LINK Mobility posts delivery reports to Samsnakk; only that one path is ever exposed.
    expose_sms_delivery_reports: bool = False

    _hosts = field_validator("matrix_host")(_host)


class DeployValues(_Section):
    paths: Paths = Paths()
    database: Database = Database()
    synapse: Synapse = Synapse()
    workers: Workers = Workers()
    auth: Auth = Auth()
    nginx: Nginx = Nginx()

    @model_validator(mode="after")
    def _logins_complete(self) -> DeployValues:
        auth = self.auth
        needed = [("auth.idporten.client_id", auth.idporten.client_id)]
        if auth.mode == "mas" and auth.helseid.enabled:
            needed.append(("auth.helseid.client_id", auth.helseid.client_id))
        if auth.mode == "synapse_oidc" and auth.staff_oidc.enabled:
            staff = auth.staff_oidc
            needed += [
                ("auth.staff_oidc.name", staff.name),
                ("auth.staff_oidc.issuer", staff.issuer),
                ("auth.staff_oidc.client_id", staff.client_id),
            ]
        missing = [name for name, value in needed if not value.strip()]
        if missing:
            verb = "is" if len(missing) == 1 else "are"
            raise ValueError(f"{' and '.join(missing)} {verb} required for auth.mode {auth.mode!r}")
        return self

    def example_client_ids(self) -> list[str]:
        """The keys that still hold a client ID shipped in values.example.yaml."""
        auth = self.auth
        ids = {
            "auth.idporten.client_id": auth.idporten.client_id,
            "auth.helseid.client_id": auth.helseid.client_id,
            "auth.staff_oidc.client_id": auth.staff_oidc.client_id,
        }
        return [key for key, value in ids.items() if value in EXAMPLE_CLIENT_IDS]

    @property
    def public_baseurl(self) -> str:
        return f"https://{self.nginx.matrix_host}/"

    def secret(self, name: str | Path, service: SecretReader = "synapse") -> Path:
        """A secret file of one service: relative names are in ``secrets_dir/<service>/``."""
        path = Path(name)
        return path if path.is_absolute() else self.paths.secrets_dir / service / path


def _describe(err: ValidationError, source: str) -> str:
    lines = [f"Invalid deploy values in {source}:"]
    for e in err.errors():
        key = ".".join(str(p) for p in e["loc"]) or "(top level)"
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            msg = "unknown key; check the spelling against deploy/values.example.yaml"
        lines.append(f"  - {key}: {msg}")
    return "\n".join(lines)


def parse_values(raw: Any, source: str = "values") -> DeployValues:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ValuesError(f"Invalid deploy values in {source}: the top level must be a mapping")
    try:
        return DeployValues.model_validate(raw)
    except ValidationError as err:
        raise ValuesError(_describe(err, source)) from None


def load_values(path: Path | None) -> DeployValues:
    """The values file, or the defaults (a single-host install) without one."""
    if path is None:
        return DeployValues()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValuesError(f"Values file not found: {path}") from None
    except yaml.YAMLError as err:
        raise ValuesError(f"Values file {path} is not valid YAML: {err}") from None
    return parse_values(raw, str(path))
