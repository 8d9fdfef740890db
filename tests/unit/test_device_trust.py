"""Which devices count as cross-signed, and how a pinned identity is judged.

Keys are made and signed with signedjson (Synapse's own library), so the reader is checked
against an implementation that is not ours.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from signedjson.key import generate_signing_key, get_verify_key
from signedjson.sign import sign_json
from signedjson.types import SigningKey
from unpaddedbase64 import encode_base64

from samsnakk_bot.domain.trust import (
    IdentityState,
    Pin,
    acts_for_owner,
    judge_identity,
    may_read_own_dm,
)
from samsnakk_bot.matrix.device_keys import read_identity

USER = "@trond:samsnakk.localhost"


def _public(key: SigningKey) -> str:
    return encode_base64(get_verify_key(key).encode())


def _sign(obj: dict[str, Any], key: SigningKey) -> dict[str, Any]:
    key.version = _public(key)
    return sign_json(copy.deepcopy(obj), USER, key)


def _device(device_id: str) -> tuple[dict[str, Any], SigningKey]:
    key = generate_signing_key(device_id)
    obj = {
        "user_id": USER,
        "device_id": device_id,
        "algorithms": ["m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"],
        "keys": {f"ed25519:{device_id}": _public(key), f"curve25519:{device_id}": "Y3VydmU"},
    }
    return sign_json(obj, USER, key), key


def _query(sign_device: bool = True) -> tuple[dict[str, Any], SigningKey, SigningKey]:
    master, ssk = generate_signing_key("m"), generate_signing_key("s")
    master_obj = {
        "user_id": USER,
        "usage": ["master"],
        "keys": {f"ed25519:{_public(master)}": _public(master)},
    }
    ssk_obj = _sign(
        {
            "user_id": USER,
            "usage": ["self_signing"],
            "keys": {f"ed25519:{_public(ssk)}": _public(ssk)},
        },
        master,
    )
    signed, _ = _device("SIGNED")
    unsigned, _ = _device("UNSIGNED")
    devices = {"SIGNED": _sign(signed, ssk) if sign_device else signed, "UNSIGNED": unsigned}
    query = {
        "device_keys": {USER: devices},
        "master_keys": {USER: master_obj},
        "self_signing_keys": {USER: ssk_obj},
    }
    return query, master, ssk


def test_only_the_device_signed_by_the_self_signing_key_counts() -> None:
    query, master, _ = _query()
    identity = read_identity(query, USER)
    assert identity.master_key == _public(master)
    assert set(identity.signed_devices) == {"SIGNED"}


def test_a_tampered_device_no_longer_counts() -> None:
    query, _, _ = _query()
    query["device_keys"][USER]["SIGNED"]["keys"]["curve25519:SIGNED"] = "b3RoZXI"
    assert read_identity(query, USER).signed_devices == {}


def test_a_self_signing_key_not_signed_by_the_master_key_signs_nothing() -> None:
    query, _, _ = _query()
    query["self_signing_keys"][USER]["signatures"] = {}
    identity = read_identity(query, USER)
    assert identity.master_key is not None and identity.signed_devices == {}


def test_a_key_made_for_another_user_or_use_is_ignored() -> None:
    query, _, _ = _query()
    query["master_keys"][USER]["usage"] = ["self_signing"]
    assert read_identity(query, USER).master_key is None
    query, _, _ = _query()
    query["self_signing_keys"][USER]["user_id"] = "@mallory:samsnakk.localhost"
    assert read_identity(query, USER).signed_devices == {}


def test_no_cross_signing_means_no_identity() -> None:
    query, _, _ = _query()
    del query["master_keys"]
    identity = read_identity(query, USER)
    assert identity.master_key is None and identity.signed_devices == {}


def test_a_device_without_the_ssk_signature_is_not_trusted() -> None:
    query, _, _ = _query(sign_device=False)
    assert read_identity(query, USER).signed_devices == {}


@pytest.mark.parametrize(
    ("pin", "seen", "state"),
    [
        (None, "A", IdentityState.FIRST_SEEN),
        (Pin("A"), "A", IdentityState.TRUSTED),
        (Pin("A"), "B", IdentityState.CHANGED),
        (Pin("A", pending_key="B"), "B", IdentityState.UNCONFIRMED),
        (Pin("A", pending_key="B"), "C", IdentityState.CHANGED),
        (Pin("A", pending_key="B"), "A", IdentityState.TRUSTED),
        (Pin("A"), None, IdentityState.NO_IDENTITY),
        (None, None, IdentityState.NO_IDENTITY),
    ],
)
def test_identity_judgement(pin: Pin | None, seen: str | None, state: IdentityState) -> None:
    assert judge_identity(pin, seen) is state


def test_only_a_pinned_identity_acts_but_a_changed_one_reads_its_dm() -> None:
    assert acts_for_owner(IdentityState.TRUSTED) and acts_for_owner(IdentityState.FIRST_SEEN)
    for state in (IdentityState.CHANGED, IdentityState.UNCONFIRMED, IdentityState.NO_IDENTITY):
        assert not acts_for_owner(state)
    assert may_read_own_dm(IdentityState.UNCONFIRMED)
    assert not may_read_own_dm(IdentityState.NO_IDENTITY)
