"""Policies load at start-up; a bad file stops start-up with a message naming the file and key."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from samsnakk_bot.policies import PolicyError, load_policies

SHIPPED = Path(__file__).resolve().parents[2] / "policies"


def write_policies(
    directory: Path,
    policy: dict[str, Any] | None = None,
    organisations: list[dict[str, Any]] | None = None,
) -> Path:
    """A minimal valid policy directory; the arguments replace parts of it."""
    default = {"consent": {"version": "1", "text": "Samtykker du? «!samtykke ja»"}}
    default.update(policy or {})
    orgs = organisations or [
        {"id": "helse-bergen", "name": "Helse Bergen", "kind": "helseforetak", "roles": ["lege"]},
        {
            "id": "oyane-dps",
            "name": "Øyane DPS",
            "kind": "dps",
            "parent": "helse-bergen",
            "roles": ["psykolog"],
        },
    ]
    (directory / "default.yaml").write_text(yaml.safe_dump(default), encoding="utf-8")
    (directory / "organisations.yaml").write_text(
        yaml.safe_dump({"organisations": orgs}, allow_unicode=True), encoding="utf-8"
    )
    return directory


def load_error(directory: Path) -> str:
    with pytest.raises(PolicyError) as err:
        load_policies(directory)
    return str(err.value)


def test_shipped_policies_load() -> None:
    policies = load_policies(SHIPPED)
    assert policies.policy.approval.request_expiry == timedelta(days=7)
    assert policies.policy.approval.reminder_after == timedelta(days=2)
    assert policies.policy.onboarding.code_ttl == timedelta(hours=72)
    assert policies.policy.onboarding.attempt_window == timedelta(hours=1)
    assert policies.policy.room.room_name("0427") == "Samsnakk · 0427"
    dps = policies.organisations.by_name("øyane dps")
    assert dps is not None and dps.parent == "helse-bergen"
    assert policies.organisations.by_id("nav-askoy") is not None
    assert policies.organisations.by_id("nav-bergen") is None


def test_shipped_consent_text_tells_the_bruker_how_to_answer_and_withdraw() -> None:
    consent = load_policies(SHIPPED).policy.consent
    assert consent.version == "3"
    assert "lagrer ikke det dere skriver" not in consent.text
    for command in ("«!samtykke ja»", "«!samtykke nei»", "«!samtykke trekk»", "«!logg»"):
        assert command in consent.text
    assert len(consent.text) <= 1200
    assert "#" not in consent.text and "|" not in consent.text


def test_integer_seconds_are_durations(tmp_path: Path) -> None:
    write_policies(tmp_path, {"approval": {"request_expiry": 5, "reminder_after": 2}})
    approval = load_policies(tmp_path).policy.approval
    assert approval.request_expiry == timedelta(seconds=5)
    assert approval.reminder_after == timedelta(seconds=2)


def test_organisations_yaml_is_preferred_over_the_example(tmp_path: Path) -> None:
    shutil.copy(SHIPPED / "default.yaml", tmp_path / "default.yaml")
    shutil.copy(SHIPPED / "organisations.example.yaml", tmp_path / "organisations.example.yaml")
    assert load_policies(tmp_path).organisations.by_id("kleppesto-legekontor") is not None
    (tmp_path / "organisations.yaml").write_text(
        "organisations:\n  - {id: solo, name: Solo, kind: annet, roles: [lege]}\n",
        encoding="utf-8",
    )
    organisations = load_policies(tmp_path).organisations
    assert [o.id for o in organisations.organisations] == ["solo"]


def test_unknown_key_names_file_key_and_valid_keys(tmp_path: Path) -> None:
    write_policies(tmp_path, {"approval": {"remind_after": "P1D"}})
    message = load_error(tmp_path)
    assert str(tmp_path / "default.yaml") in message
    assert (
        "approval.remind_after: unknown key; valid keys here: request_expiry, reminder_after"
        in (message)
    )


def test_reminder_not_before_expiry_is_refused(tmp_path: Path) -> None:
    write_policies(tmp_path, {"approval": {"request_expiry": "P2D", "reminder_after": "P2D"}})
    message = load_error(tmp_path)
    assert str(tmp_path / "default.yaml") in message
    assert "approval.reminder_after: must be shorter than request_expiry" in message


def test_parent_must_be_a_known_organisation(tmp_path: Path) -> None:
    dps = {"id": "oyane-dps", "name": "Øyane DPS", "kind": "dps", "roles": ["psykolog"]}
    write_policies(tmp_path, organisations=[dps | {"parent": "helse-vest"}])
    message = load_error(tmp_path)
    assert str(tmp_path / "organisations.yaml") in message
    assert (
        "organisations.0.parent: 'helse-vest' is not an organisation id; known ids: oyane-dps"
        in (message)
    )


def test_duplicate_organisation_id_is_refused(tmp_path: Path) -> None:
    org = {"id": "nav-askoy", "kind": "nav", "roles": ["veileder"]}
    write_policies(
        tmp_path, organisations=[org | {"name": "NAV Askøy"}, org | {"name": "NAV Askøy 2"}]
    )
    message = load_error(tmp_path)
    assert str(tmp_path / "organisations.yaml") in message
    assert "organisations.1.id: 'nav-askoy' is used by more than one organisation" in message


def test_admin_must_be_a_matrix_id(tmp_path: Path) -> None:
    write_policies(
        tmp_path,
        organisations=[
            {
                "id": "askoy-kommune",
                "name": "Askøy kommune",
                "kind": "kommune",
                "roles": ["psykolog"],
                "admins": ["@admin.askoy:samsnakk.localhost", "admin.askoy"],
            }
        ],
    )
    message = load_error(tmp_path)
    assert str(tmp_path / "organisations.yaml") in message
    assert "organisations.0.admins.1: 'admin.askoy' is not a Matrix ID" in message


def test_digits_in_room_name_prefix_are_refused(tmp_path: Path) -> None:
    write_policies(tmp_path, {"room": {"name_prefix": "Samsnakk 2"}})
    message = load_error(tmp_path)
    assert str(tmp_path / "default.yaml") in message
    assert "room.name_prefix: must not contain digits" in message


def test_missing_default_yaml_says_what_was_expected(tmp_path: Path) -> None:
    message = load_error(tmp_path)
    assert f"Policy file not found: {tmp_path / 'default.yaml'}" in message
    assert "organisations.yaml" in message


def test_shipped_retention_is_six_months_with_warnings_at_30_and_7_days() -> None:
    retention = load_policies(SHIPPED).policy.retention
    assert retention.inactivity == timedelta(days=183)
    assert (retention.first_warning, retention.second_warning) == (
        timedelta(days=30),
        timedelta(days=7),
    )


@pytest.mark.parametrize(
    ("retention", "says"),
    [
        ({"first_warning": "P5D", "second_warning": "P7D"}, "second_warning < first_warning"),
        ({"inactivity": "P20D"}, "first_warning < inactivity"),
        ({"check_every": "P8D"}, "check_every must be positive and at most second_warning"),
        ({"audit_log": "P30D"}, "audit_log must be at least P365D"),
    ],
)
def test_retention_periods_that_make_no_sense_are_refused(
    tmp_path: Path, retention: dict[str, str], says: str
) -> None:
    write_policies(tmp_path, {"retention": retention})
    assert says in load_error(tmp_path)


def test_close_mode_delete_is_accepted_and_unknown_modes_are_not(tmp_path: Path) -> None:
    write_policies(tmp_path, {"room": {"close_mode": "delete"}})
    assert load_policies(tmp_path).policy.room.close_mode == "delete"
    write_policies(tmp_path, {"room": {"close_mode": "shred"}})
    assert "room.close_mode" in load_error(tmp_path)


def test_the_helsefellesskap_id_is_reserved_and_its_viewers_are_matrix_ids(
    tmp_path: Path,
) -> None:
    taken = [{"id": "helsefellesskap", "name": "HF", "kind": "annet", "roles": ["leder"]}]
    write_policies(tmp_path, organisations=taken)
    assert "reserved for the helsefellesskap" in load_error(tmp_path)

    write_policies(tmp_path)
    orgs_file = tmp_path / "organisations.yaml"
    orgs = yaml.safe_load(orgs_file.read_text())
    orgs["helsefellesskap"] = {"name": "Helsefellesskapet", "report_viewers": ["analyse"]}
    orgs_file.write_text(yaml.safe_dump(orgs, allow_unicode=True))
    assert "is not a Matrix ID" in load_error(tmp_path)


def test_shipped_example_has_a_helsefellesskap_with_a_report_viewer() -> None:
    hf = load_policies(SHIPPED).organisations.helsefellesskap
    assert hf is not None and hf.report_viewers == ("@analyse.helsefellesskap:samsnakk.localhost",)


def test_federation_allow_list_is_our_server_and_the_organisations_own(tmp_path: Path) -> None:
    orgs = [
        {"id": "dps", "name": "DPS", "kind": "dps", "roles": ["lege"], "homeserver": "dps.no"},
        {"id": "k", "name": "Kommune", "kind": "kommune", "roles": ["lege"]},
        {"id": "nav", "name": "NAV", "kind": "nav", "roles": ["v"], "homeserver": "127.0.0.2:8448"},
    ]
    policies = load_policies(write_policies(tmp_path, organisations=orgs))
    assert policies.federation_allow_list("kommune.no") == [
        "127.0.0.2:8448",
        "dps.no",
        "kommune.no",
    ]

    orgs[0]["homeserver"] = "https://dps.no"
    write_policies(tmp_path, organisations=orgs)
    assert "is not a Matrix server name" in load_error(tmp_path)
