"""The corpus of commands as people type them on a phone: every entry must be understood.

Each entry of command_corpus.yaml is a message, the command it means and the arguments its
handler should get. The test prints the share understood and lists every miss (issue 15).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from samsnakk_bot.domain.commands import default_registry, parse_command

CORPUS = Path(__file__).with_name("command_corpus.yaml")


def _corpus() -> list[dict[str, str]]:
    entries = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    assert isinstance(entries, list)
    return entries


def _understood(text: str) -> tuple[str, str] | None:
    parsed = parse_command(text)
    if parsed is None:
        return None
    found = default_registry().match(parsed)
    return (found.spec.name, found.raw_args) if found else None


def test_corpus_is_big_and_covers_every_command_in_both_standards() -> None:
    entries = _corpus()
    assert len(entries) >= 150
    names = {spec.name for spec in default_registry()}
    for lang in ("nb", "nn"):
        covered = {e["command"] for e in entries if e["lang"] == lang}
        assert covered == names, f"{lang}: no entries for {sorted(names - covered)}"


def test_every_phone_typed_command_is_understood() -> None:
    entries = _corpus()
    misses = []
    for entry in entries:
        got = _understood(entry["text"])
        if got != (entry["command"], entry["args"]):
            misses.append(
                f"{entry['text']!r} ({entry['lang']}): want {entry['command']!r} "
                f"{entry['args']!r}, got {got!r}"
            )
    share = 100 * (len(entries) - len(misses)) / len(entries)
    print(
        f"\ncommand corpus: {len(entries) - len(misses)}/{len(entries)} understood ({share:.1f} %)"
    )
    for miss in misses:
        print("  miss:", miss)
    assert not misses, "\n".join(misses)
