"""The pure admin rules (domain/admins.py) that the refusal answer rests on."""

from __future__ import annotations

from samsnakk_bot.domain.admins import is_admin_anywhere, is_admin_command, org_admins


def test_admin_anywhere_is_an_admin_of_any_organisation_or_a_report_viewer() -> None:
    askoy = org_admins(["@a:hs"], ["Askøy kommune", "askoy"], [("@b:hs", "askoy")])
    viewers = frozenset({"@hf:hs"})
    assert is_admin_anywhere("@b:hs", [askoy, viewers])
    assert is_admin_anywhere("@hf:hs", [askoy, viewers])
    assert not is_admin_anywhere("@c:hs", [askoy, viewers])


def test_only_the_admin_word_makes_an_admin_command() -> None:
    assert is_admin_command("admin rapport")
    assert not is_admin_command("administrer")
    assert not is_admin_command("rom ny")
