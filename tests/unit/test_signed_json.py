"""Known answers for the canonical JSON that the audit chain and the bot's signatures cover.

The values were computed with the hand-written encoder that ``canonicaljson`` replaced (D101), so
a hash already in someone's audit log still verifies.
"""

from __future__ import annotations

from samsnakk_bot.matrix.signatures import b64, signable, signed_by, unb64
from samsnakk_bot.store.audit import GENESIS_HASH, _entry_hash, chain_key_from

KEY = bytes(range(32))


def test_an_audit_hash_is_the_one_the_released_encoder_gave() -> None:
    key = chain_key_from(KEY)
    assert key.hex() == "350ba9393be043dc89e4fe6d82c2735983eaabc2849d118930eeb68c1865f4ea"
    digest = _entry_hash(
        key,
        GENESIS_HASH,
        ts_ms=1764633600000,
        room_id="!rom:samsnakk.test",
        actor="@trond:samsnakk.test",
        action="participant_approved",
        subject="@frida:samsnakk.test",
        details={"request": 3, "sånn": "æøå ✓", "f": 1.5, "ok": True, "none": None},
    )
    assert digest == "73e1401e4da73ff0d7cacb3c6c430886b792e06e13885750c77ab4dd8459a4c9"


def test_signable_bytes_are_sorted_compact_utf8_without_signatures_or_unsigned() -> None:
    obj = {
        "b": 1,
        "a": ["ø", 1.5, None, True],
        "\u2028": "\U0001f600",
        "signatures": {"@x:y": {}},
        "unsigned": {"age": 1},
    }
    expected = '{"a":["ø",1.5,null,true],"b":1,"\u2028":"\U0001f600"}'.encode()
    assert signable(obj) == expected


def test_a_signature_checks_only_for_its_key_and_unchanged_content() -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    private = Ed25519PrivateKey.from_private_bytes(KEY)
    public = b64(private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    obj = {"user_id": "@samsnakk:samsnakk.test", "keys": {"k": "v"}}
    signed = {
        **obj,
        "signatures": {obj["user_id"]: {"ed25519:K": b64(private.sign(signable(obj)))}},
    }
    assert signed_by(signed, "@samsnakk:samsnakk.test", "ed25519:K", public)
    assert not signed_by({**signed, "keys": {}}, "@samsnakk:samsnakk.test", "ed25519:K", public)
    assert not signed_by(signed, "@other:samsnakk.test", "ed25519:K", public)
    assert not signed_by(signed, "@samsnakk:samsnakk.test", "ed25519:K", public[:-2] + "!!")
    assert unb64(public) == private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
