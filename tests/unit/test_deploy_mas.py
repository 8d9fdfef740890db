"""The rendered MAS and broker configs, checked against MAS's documented configuration (D87).

MAS cannot run here (it is not in PyPI, Debian or npm). So the keys and values we rely on are
checked against our own list of what MAS 1.22's configuration reference
(docs/reference/configuration.md) and its admin API documentation (docs/topics/admin-api.md)
name, read while writing the template. A key MAS does not document, or a value outside the
documented choices, fails here before it fails on the server.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from deploy_inputs import SERVER_NAME, samsnakk_config, values

from samsnakk_bot.config import load_config
from samsnakk_bot.domain.pseudonym import pseudonym_localpart
from samsnakk_bot.ops.deploy_render import render
from samsnakk_bot.ops.deploy_values import ValuesError, parse_values
from samsnakk_bot.ops.registration import build_registration
from samsnakk_bot.policies import load_policies

# Every key path our template uses, as MAS 1.22's configuration reference names it
# ("[]" is a list item).
DOCUMENTED_KEYS = {
    "http", "http.public_base", "http.listeners", "http.listeners[].name",
    "http.listeners[].resources", "http.listeners[].resources[].name", "http.listeners[].binds",
    "http.listeners[].binds[].host", "http.listeners[].binds[].port",
    "database", "database.host", "database.port", "database.database", "database.username",
    "database.password_file",
    "matrix", "matrix.kind", "matrix.homeserver", "matrix.endpoint", "matrix.secret_file",
    "secrets", "secrets.encryption_file", "secrets.keys", "secrets.keys[].key_file",
    "clients", "clients[].client_id", "clients[].client_auth_method",
    "clients[].client_secret_file",
    "policy", "policy.data", "policy.data.admin_clients", "policy.data.registration",
    "policy.data.registration.banned_usernames",
    "policy.data.registration.banned_usernames.literals",
    "policy.data.registration.banned_usernames.regexes",
    "policy.data.registration.banned_usernames.prefixes",
    "passwords", "passwords.enabled",
    "account", "account.password_registration_enabled", "account.password_change_allowed",
    "account.email_change_allowed", "account.displayname_change_allowed",
    "account.account_deactivation_allowed",
    "email", "email.transport",
    "telemetry", "telemetry.metrics", "telemetry.metrics.exporter",
    "upstream_oauth2", "upstream_oauth2.providers",
    *(
        f"upstream_oauth2.providers[].{key}"
        for key in (
            "id", "human_name", "issuer", "client_id", "client_secret_file",
            "token_endpoint_auth_method", "scope", "pkce_method",
            "additional_authorization_parameters",
            "additional_authorization_parameters.ui_locales",
            "claims_imports", "claims_imports.subject", "claims_imports.subject.template",
            "claims_imports.skip_confirmation", "claims_imports.localpart",
            "claims_imports.localpart.action", "claims_imports.localpart.template",
            "claims_imports.localpart.on_conflict", "claims_imports.displayname",
            "claims_imports.displayname.action", "claims_imports.displayname.template",
            "claims_imports.email", "claims_imports.email.action",
        )
    ),
}  # fmt: skip
# The documented choices for the values we set.
RESOURCES = {"discovery", "human", "oauth", "compat", "graphql", "assets", "adminapi",
             "prometheus", "health"}  # fmt: skip
AUTH_METHODS = {"none", "client_secret_basic", "client_secret_post", "client_secret_jwt",
                "private_key_jwt", "sign_in_with_apple"}  # fmt: skip
IMPORT_ACTIONS = {"ignore", "suggest", "force", "require"}
ON_CONFLICT = {"fail", "add", "replace", "set"}
PKCE = {"auto", "always", "never"}
# The login broker's config, in the shape `samsnakk broker --config` reads.
BROKER_KEYS = {
    "issuer", "listen_host", "listen_port", "server_name", "pseudonym_key_file",
    "staff_key_file", "signing_key_file", "clients", "idporten", "helseid",
}  # fmt: skip


def _paths(node: Any, prefix: str = "") -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            # Free-form maps: the policy's own data under its documented keys is checked above.
            path = f"{prefix}.{key}" if prefix else str(key)
            found.add(path)
            found |= _paths(value, path)
    elif isinstance(node, list):
        for item in node:
            found |= _paths(item, f"{prefix}[]")
    return found


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("mas")
    cfg = load_config(samsnakk_config(base, "mas"))
    v = parse_values(values(base, "mas", workers=False))
    files = {str(f.path): f.text for f in render(cfg, load_policies(cfg.policies_dir), v)}
    return {
        "cfg": cfg,
        "mas": yaml.safe_load(files["mas/config.yaml"]),
        "broker": yaml.safe_load(files["broker/broker.yaml"]),
        "synapse": yaml.safe_load(files["synapse/homeserver.yaml"]),
        "nginx": files["nginx/samsnakk.conf"],
    }


def test_every_key_in_the_mas_config_is_documented(rendered: dict[str, Any]) -> None:
    mas = rendered["mas"]
    assert _paths(mas) - DOCUMENTED_KEYS == set()
    for listener in mas["http"]["listeners"]:
        assert {r["name"] for r in listener["resources"]} <= RESOURCES
    (provider,) = mas["upstream_oauth2"]["providers"]
    assert provider["token_endpoint_auth_method"] in AUTH_METHODS
    assert provider["pkce_method"] in PKCE
    imports = provider["claims_imports"]
    for attribute in ("localpart", "displayname", "email"):
        assert imports[attribute]["action"] in IMPORT_ACTIONS, attribute
    assert imports["localpart"]["on_conflict"] in ON_CONFLICT
    assert mas["clients"][0]["client_auth_method"] in AUTH_METHODS
    assert mas["email"]["transport"] == "blackhole"


def test_the_broker_is_the_one_upstream_and_names_the_account(rendered: dict[str, Any]) -> None:
    mas, broker = rendered["mas"], rendered["broker"]
    (provider,) = mas["upstream_oauth2"]["providers"]
    assert provider["issuer"] == broker["issuer"]
    (client,) = broker["clients"]
    assert provider["client_id"] == client["client_id"]
    # MAS's documented callback path, for this provider's ULID.
    callback = f"{mas['http']['public_base']}upstream/callback/{provider['id']}"
    assert client["redirect_uris"] == [callback]
    imports = provider["claims_imports"]
    # The localpart is the broker's preferred_username, required, with no fallback.
    assert imports["localpart"] == {
        "action": "require",
        "template": "{{ user.preferred_username }}",
        "on_conflict": "set",
    }
    assert imports["displayname"] == {"action": "force", "template": "{{ user.name }}"}
    assert imports["email"] == {"action": "ignore"}
    # Documented: skip_confirmation needs localpart `require` and the others
    # ignore, force or require.
    assert imports["skip_confirmation"] is True
    assert all(imports[a]["action"] in ("ignore", "force", "require") for a in ("displayname",))
    assert mas["passwords"] == {"enabled": False}
    assert mas["account"]["password_registration_enabled"] is False
    assert set(broker) == BROKER_KEYS
    assert broker["server_name"] == SERVER_NAME
    assert broker["idporten"]["acr"] == "idporten-loa-high"


def _matches(name: str, constraints: dict[str, list[str]]) -> bool:
    """MAS's common.matches_string_constraints (policies/common/common.rego), for the kinds
    we use: literals, prefixes and regexes (searched, as Rego's regex.match does)."""
    return (
        name in constraints.get("literals", [])
        or any(name.startswith(p) for p in constraints.get("prefixes", []))
        or any(re.search(r, name) for r in constraints.get("regexes", []))
    )


def test_no_registration_may_take_the_bot_the_namespace_or_a_bruker(
    rendered: dict[str, Any],
) -> None:
    cfg = rendered["cfg"]
    banned = rendered["mas"]["policy"]["data"]["registration"]["banned_usernames"]
    bruker = pseudonym_localpart(b"q" * 32, "15076500565")
    for name in ("samsnakk", "samsnakk.as", "samsnakk.puppet", bruker, "b-anything"):
        assert _matches(name, banned), name
    for name in ("a-3x7kq2mfd4nzpwra", "trond.hansen", "samsnakker", "ab-c"):
        assert not _matches(name, banned), name
    # The same names the appservice's exclusive namespace claims in Synapse.
    (users,) = build_registration(cfg)["namespaces"]["users"]
    for name in ("samsnakk", "samsnakk.as", "samsnakk.x.y"):
        assert re.fullmatch(users["regex"], f"@{name}:{cfg.homeserver.server_name}")
        assert _matches(name, banned)


def test_samsnakk_is_the_only_admin_api_client_and_the_api_is_not_public(
    rendered: dict[str, Any],
) -> None:
    mas, cfg = rendered["mas"], rendered["cfg"]
    (client,) = mas["clients"]
    assert client["client_id"] == cfg.mas.client_id
    assert mas["policy"]["data"]["admin_clients"] == [cfg.mas.client_id]
    web, internal = mas["http"]["listeners"]
    assert "adminapi" in {r["name"] for r in web["resources"]}
    assert all(b["host"] == "127.0.0.1" for b in web["binds"] + internal["binds"])
    # nginx answers 404 for the admin API on MAS's public host.
    mas_server = rendered["nginx"].split("server_name auth.example.no;")[1]
    assert re.search(r"location \^~ /api/admin/ \{\s*return 404;", mas_server)


def test_synapse_delegates_to_mas_and_keeps_element_x_working(rendered: dict[str, Any]) -> None:
    synapse = rendered["synapse"]
    assert synapse["matrix_authentication_service"]["enabled"] is True
    assert synapse["matrix_authentication_service"]["endpoint"] == "http://127.0.0.1:8080/"
    assert "secret" not in synapse["matrix_authentication_service"]  # a file, never inline
    assert synapse["password_config"] == {"enabled": False}
    assert synapse["experimental_features"] == {
        "msc3575_enabled": True,
        "msc4028_push_encrypted_events": True,
    }
    assert build_registration(rendered["cfg"])["io.element.msc4190"] is True


def test_the_login_broker_is_routed_on_its_own_host(rendered: dict[str, Any]) -> None:
    conf: str = rendered["nginx"]
    broker_server = conf.split("server_name login.example.no;")[1]
    assert "proxy_pass http://samsnakk_broker;" in broker_server
    assert "server 127.0.0.1:8090;" in conf


def test_the_rendered_templates_name_no_fodselsnummer_claim() -> None:
    for template in ("mas/config.yaml.j2", "broker/broker.yaml.j2"):
        text = (Path(__file__).parents[2] / "deploy" / template).read_text()
        assert "user.pid" not in text and "pid }}" not in text, template


def test_urls_that_paths_are_appended_to_must_end_in_a_slash() -> None:
    for key, url in (("mas", {"public_base": "https://auth.example.no/auth"}),
                     ("broker", {"issuer": "https://login.example.no/x"})):  # fmt: skip
        with pytest.raises(ValuesError, match="must be a URL"):
            parse_values({"auth": {key: url, "idporten": {"client_id": "x"}}})
    ok = {"public_base": "https://example.no/auth/"}
    parse_values(
        {"auth": {"mas": ok, "idporten": {"client_id": "x"}, "helseid": {"client_id": "y"}}}
    )
