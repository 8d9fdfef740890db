"""``samsnakk doctor``: the report's lines and exit code, and what each check concludes."""

from __future__ import annotations

import inspect
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest
import synapse_http_antispam
from signedjson.key import encode_verify_key_base64, generate_signing_key
from signedjson.sign import sign_json

from samsnakk_bot.cli import build_parser
from samsnakk_bot.doctor import verdicts
from samsnakk_bot.doctor.checks import check_migrations, check_policies, read_synapse_config
from samsnakk_bot.doctor.report import (
    CheckResult,
    Status,
    exit_code,
    fail,
    format_report,
    ok,
    skipped,
)
from samsnakk_bot.domain import texts
from samsnakk_bot.domain.probe import PROBE_FIELD
from samsnakk_bot.matrix.cross_signing import CrossSigningKeys
from samsnakk_bot.store import Database

BOT = "@samsnakk:hs.test"
DEVICE = "SAMSNAKKBOT_0A1B2C3D"
PROBE = "!samsnakk-doctor-probe-0123:hs.test"


# --- The report -----------------------------------------------------------------------------


def test_report_has_a_line_per_check_with_its_mark_and_indented_details() -> None:
    results = [
        ok("Synapse svarer (Synapse reachable)", "versjon 1.163.2"),
        fail("Antispam (antispam)", "svarte ikke (no answer)", "Synapse svarte HTTP 403"),
        skipped("Push (push)", "ikke sjekket (not checked)"),
    ]
    assert format_report("Samsnakk doctor: http://hs", results).splitlines() == [
        "Samsnakk doctor: http://hs",
        "OK    Synapse svarer (Synapse reachable): versjon 1.163.2",
        "FEIL  Antispam (antispam): svarte ikke (no answer)",
        "      Synapse svarte HTTP 403",
        "--    Push (push): ikke sjekket (not checked)",
        "1 av 3 sjekker feilet (1 of 3 checks failed).",
    ]


def test_any_failure_exits_1_and_skipped_checks_alone_do_not() -> None:
    passed, skip = ok("a", "x"), skipped("b", "y")
    assert exit_code([passed, skip]) == 0
    assert exit_code([passed, skip, fail("c", "z")]) == 1
    assert format_report("h", [passed, skip]).splitlines()[-1] == (
        "Ingen feil: 1 i orden, 1 ikke sjekket (no failures: 1 passed, 1 not checked)."
    )


def test_cli_takes_config_and_repeated_synapse_configs() -> None:
    args = build_parser().parse_args(
        ["doctor", "--config", "s.yaml", "--synapse-config", "a.yaml", "--synapse-config", "conf.d"]
    )
    assert (args.command, args.config) == ("doctor", Path("s.yaml"))
    assert args.synapse_config == [Path("a.yaml"), Path("conf.d")]
    assert build_parser().parse_args(["doctor", "-c", "s.yaml"]).synapse_config == []


# --- 1, 2. Synapse and the appservice ping -------------------------------------------------------


def test_synapse_version_or_unknown() -> None:
    assert verdicts.synapse("http://hs", 200, "1.163.2").detail == "versjon 1.163.2"
    unknown = verdicts.synapse("http://hs", 200, None)
    assert unknown.detail == f"versjon {texts.DOCTOR_SYNAPSE_VERSION_UNKNOWN}"
    assert verdicts.synapse("http://hs", 502, None).status is Status.FAIL


def test_ping_reports_the_round_trip() -> None:
    result = verdicts.ping(200, {"duration_ms": 7}, "http://as")
    assert result.status is Status.OK and "7 ms" in result.detail


def test_ping_that_cannot_reach_us_names_the_appservice_url() -> None:
    body = {"errcode": "M_CONNECTION_FAILED", "error": "ConnectError: refused"}
    result = verdicts.ping(502, body, "http://127.0.0.1:29330")
    assert result.status is Status.FAIL
    assert result.more[0] == (
        "Synapse svarte HTTP 502 M_CONNECTION_FAILED: ConnectError: refused (Synapse answered)"
    )
    assert "http://127.0.0.1:29330" in result.more[1]


def test_a_refused_as_token_is_named() -> None:
    body = {"errcode": "M_UNKNOWN_TOKEN", "error": "Unrecognised access token"}
    for result in (
        verdicts.ping(401, body, "http://as"),
        verdicts.antispam(401, body, PROBE, PROBE_FIELD, "http://as/_samsnakk/antispam"),
        verdicts.fail_answer(verdicts.CROSS_SIGNING, 401, body),
    ):
        assert (result.status, result.detail) == (Status.FAIL, texts.DOCTOR_AS_AUTH_REFUSED)


# --- 3. Antispam -------------------------------------------------------------------------------


def _antispam(status: int, body: dict[str, Any]) -> CheckResult:
    return verdicts.antispam(status, body, PROBE, PROBE_FIELD, "http://as/_samsnakk/antispam")


def test_antispam_passes_only_on_our_refusal_of_this_very_probe() -> None:
    ours = {"errcode": "M_FORBIDDEN", "error": texts.ACCESS_DOCTOR_PROBE, PROBE_FIELD: PROBE}
    assert _antispam(403, ours).status is Status.OK
    stale = {**ours, PROBE_FIELD: "!samsnakk-doctor-probe-other:hs.test"}
    assert _antispam(403, stale).status is Status.FAIL


def test_antispam_without_the_module_says_synapse_did_not_ask() -> None:
    result = _antispam(403, {"errcode": "M_FORBIDDEN", "error": "Unknown room"})
    assert (result.status, result.detail) == (Status.FAIL, texts.DOCTOR_ANTISPAM_NOT_ASKED)
    assert result.more == ("Synapse svarte HTTP 403 M_FORBIDDEN: Unknown room (Synapse answered)",)


def test_antispam_module_that_cannot_reach_us_or_has_the_wrong_secret() -> None:
    unreachable = _antispam(
        403, {"errcode": "M_UNKNOWN", "error": "Failed to connect to antispam server"}
    )
    assert unreachable.detail == texts.DOCTOR_ANTISPAM_NO_ANSWER.format(
        url="http://as/_samsnakk/antispam"
    )
    wrong_secret = _antispam(403, {"errcode": "M_FORBIDDEN", "error": "Bad token"})
    assert wrong_secret.detail == texts.DOCTOR_ANTISPAM_BAD_AUTH


def test_the_module_messages_we_recognise_are_those_of_the_installed_module() -> None:
    source = inspect.getsource(synapse_http_antispam)
    assert "Failed to connect to antispam server" in source
    assert "Unexpected response from antispam server" in source


# --- 4. Push ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "status"),
    [
        ({"push": {"include_content": False}}, Status.OK),
        ({}, Status.FAIL),  # Synapse's default includes content
        ({"push": {"include_content": True}}, Status.FAIL),
        ({"push": None}, Status.FAIL),
        ({"push": {"enabled": False}}, Status.OK),
        ({"push": {"include_content": True}, "email": {"redact_content": True}}, Status.OK),
        ({"push": {"include_content": False}, "email": {"redact_content": False}}, Status.FAIL),
    ],
)
def test_push_include_content_as_synapse_reads_it(config: dict[str, Any], status: Status) -> None:
    assert verdicts.push(config, ["homeserver.yaml"]).status is status


def test_synapse_config_files_merge_top_level_keys_later_winning(tmp_path: Path) -> None:
    (tmp_path / "homeserver.yaml").write_text("push:\n  include_content: true\nserver_name: x\n")
    conf_d = tmp_path / "conf.d"
    conf_d.mkdir()
    (conf_d / "10-push.yaml").write_text("push:\n  include_content: false\n")
    (conf_d / "notes.txt").write_text("push: {include_content: true}\n")
    merged = read_synapse_config([tmp_path / "homeserver.yaml", conf_d])
    assert merged == {"push": {"include_content": False}, "server_name": "x"}


# --- 5. Cross-signing --------------------------------------------------------------------------


def _query(keys: CrossSigningKeys, device: dict[str, Any]) -> dict[str, Any]:
    return {
        "master_keys": {BOT: keys.key_object("master", BOT)},
        "self_signing_keys": {BOT: keys.key_object("self_signing", BOT)},
        "device_keys": {BOT: {device["device_id"]: device}},
    }


def _device(device_id: str = DEVICE) -> dict[str, Any]:
    return {
        "user_id": BOT,
        "device_id": device_id,
        "algorithms": ["m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"],
        "keys": {f"curve25519:{device_id}": "c" * 43, f"ed25519:{device_id}": "e" * 43},
    }


def test_cross_signed_device_passes() -> None:
    keys = CrossSigningKeys.generate()
    device = keys.self_signing.sign(_device(), BOT)
    result = verdicts.cross_signing(_query(keys, device), BOT, DEVICE)
    assert result.status is Status.OK and DEVICE in result.detail
    assert verdicts.cross_signing(_query(keys, device), BOT, None).status is Status.OK


def test_signatures_made_by_signedjson_verify_too() -> None:
    """An implementation independent of ours signs; our check must accept it."""
    key = generate_signing_key("tmp")
    public = encode_verify_key_base64(key.verify_key)
    key.version = public
    signed = sign_json(_device(), BOT, key)
    assert verdicts.signed_by(signed, BOT, f"ed25519:{public}", public)
    signed["algorithms"] = [*signed["algorithms"], "x.tampered"]
    assert not verdicts.signed_by(signed, BOT, f"ed25519:{public}", public)


def test_unsigned_tampered_or_missing_device_fails() -> None:
    keys = CrossSigningKeys.generate()
    unsigned = verdicts.cross_signing(_query(keys, _device()), BOT, DEVICE)
    assert unsigned.detail == texts.DOCTOR_XSIGN_DEVICE_UNSIGNED.format(device=DEVICE)
    tampered = dict(keys.self_signing.sign(_device(), BOT), algorithms=["x.tampered"])
    assert verdicts.cross_signing(_query(keys, tampered), BOT, DEVICE).status is Status.FAIL
    signed = keys.self_signing.sign(_device("OTHER"), BOT)
    missing = verdicts.cross_signing(_query(keys, signed), BOT, DEVICE)
    assert missing.detail == texts.DOCTOR_XSIGN_NO_DEVICE.format(device=DEVICE)


def test_self_signing_key_not_signed_by_the_master_key_fails() -> None:
    keys, other = CrossSigningKeys.generate(), CrossSigningKeys.generate()
    query = _query(keys, keys.self_signing.sign(_device(), BOT))
    query["master_keys"][BOT] = other.key_object("master", BOT)
    result = verdicts.cross_signing(query, BOT, DEVICE)
    assert result.detail == texts.DOCTOR_XSIGN_SELF_SIGNING_UNSIGNED
    del query["master_keys"][BOT]
    no_master = verdicts.cross_signing(query, BOT, DEVICE)
    assert no_master.detail == texts.DOCTOR_XSIGN_NO_MASTER.format(user=BOT)


# --- 6, 7. Database and policies --------------------------------------------------------------


async def test_migrations_at_head_behind_and_missing(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    result = await check_migrations(f"sqlite+aiosqlite:///{missing}")
    assert result.detail == texts.DOCTOR_DB_MISSING.format(path=missing)
    assert not missing.exists()  # the doctor never creates a database

    url = f"sqlite+aiosqlite:///{tmp_path / 'samsnakk.db'}"
    db = Database(url)
    try:
        await db.upgrade()
    finally:
        await db.close()
    assert (await check_migrations(url)).status is Status.OK
    head = Database.head_revision()
    behind = verdicts.migrations("0001", head, known=True)
    assert behind.detail == texts.DOCTOR_DB_BEHIND.format(current="0001", head=head)
    assert verdicts.migrations(None, head, known=False).detail == texts.DOCTOR_DB_EMPTY


def test_policies_valid_and_invalid(tmp_path: Path) -> None:
    assert check_policies(Path("policies")).status is Status.OK
    (tmp_path / "default.yaml").write_text("approval:\n  request_ttl: -1\n  bogus: 1\n")
    (tmp_path / "organisations.yaml").write_text("organisations: []\n")
    result = check_policies(tmp_path)
    assert result.status is Status.FAIL
    assert result.detail == texts.DOCTOR_POLICIES_BAD.format(directory=tmp_path)
    assert any("bogus" in line for line in result.more)


# --- 8. Clock ---------------------------------------------------------------------------------


def test_clock_within_30_s_passes_and_beyond_fails() -> None:
    server = 1_800_000_000
    date = formatdate(server, usegmt=True)
    assert verdicts.clock(date, server + 0.5).detail == "+0 s fra Synapse (from Synapse)"
    assert verdicts.clock(date, server + 29.5).status is Status.OK
    late = verdicts.clock(date, server - 39.5)  # Synapse's clock 40 s ahead of ours
    assert late.detail == texts.DOCTOR_CLOCK_OFF.format(offset=-40, limit=30)
    assert verdicts.clock(None, server).detail == texts.DOCTOR_CLOCK_NO_DATE
    assert verdicts.clock("not a date", server).detail == texts.DOCTOR_CLOCK_NO_DATE
