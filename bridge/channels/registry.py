"""The one mapping of varsel channels: config section → what it sends on, its model, its factory.

A channel module declares ``CHANNEL = ChannelSpec(...)``; every module of this package that
does is registered when the mapping is first read, and a module elsewhere (a test's fake) is
registered the same way with :func:`register`. The config holds each section as a plain
mapping under ``varsler:``; the section's own model validates it here, so ``config.py`` never
imports a channel (D120).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from bridge.channels.base import Channel, ChannelContext
from samsnakk_bot.config import ConfigError, VarselConfig
from samsnakk_bot.domain.varsler import APP, CHANNELS

C = TypeVar("C", bound=BaseModel)


class NoSettings(BaseModel):
    """The config of a channel that needs none (the app)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class ChannelSpec(Generic[C]):
    # The varsel channel it sends (one of domain/varsler.CHANNELS).
    name: str
    # Its section under ``varsler:``; None: always on, with no settings.
    config_key: str | None
    config_model: type[C]
    build: Callable[[C, ChannelContext], Channel]


_SPECS: dict[str, ChannelSpec[Any]] = {}
_DISCOVERED = False


def register(spec: ChannelSpec[Any]) -> None:
    """Add a channel to the mapping; its name must be a varsel channel, its section free."""
    if spec.name not in CHANNELS:
        raise ValueError(f"{spec.name!r} is not a varsel channel ({', '.join(CHANNELS)})")
    key = _key(spec)
    known = _SPECS.get(key)
    if known is not None and known is not spec:
        raise ValueError(f"two channels claim the config section varsler.{key}")
    _SPECS[key] = spec


def _key(spec: ChannelSpec[Any]) -> str:
    return spec.config_key if spec.config_key is not None else f"<{spec.name}>"


def channel_specs() -> Mapping[str, ChannelSpec[Any]]:
    """Every registered channel by config section (``<app>`` for the always-on app)."""
    global _DISCOVERED
    if not _DISCOVERED:
        package = importlib.import_module("bridge.channels")
        for info in pkgutil.iter_modules(package.__path__, "bridge.channels."):
            spec = getattr(importlib.import_module(info.name), "CHANNEL", None)
            if isinstance(spec, ChannelSpec):
                register(spec)
        _DISCOVERED = True
    return _SPECS


def channel_settings(varsler: VarselConfig, source: str = "config") -> dict[str, BaseModel]:
    """Each configured section validated by its channel's model; ConfigError names bad keys."""
    specs = channel_specs()
    settings: dict[str, BaseModel] = {}
    problems: list[str] = []
    senders: dict[str, str] = {}
    for key, raw in varsler.channel_sections().items():
        spec = specs.get(key)
        if spec is None or spec.config_key is None:
            sections = ", ".join(sorted(k for k, s in specs.items() if s.config_key))
            problems.append(
                f"  - varsler.{key}: unknown key; check the spelling against "
                f"deploy/samsnakk.yaml.sample (channel sections: {sections})"
            )
            continue
        if spec.name in senders:
            problems.append(
                f"  - varsler.{key}: varsler.{senders[spec.name]} already sends {spec.name}; "
                "keep one of them"
            )
            continue
        senders[spec.name] = key
        try:
            settings[key] = (
                raw if isinstance(raw, spec.config_model) else spec.config_model.model_validate(raw)
            )
        except ValidationError as err:
            for e in err.errors():
                where = ".".join(str(p) for p in ("varsler", key, *e["loc"]))
                problems.append(f"  - {where}: {e['msg'].removeprefix('Value error, ')}")
    if problems:
        raise ConfigError("\n".join([f"Invalid configuration in {source}:", *problems]))
    return settings


def build_channels(varsler: VarselConfig, ctx: ChannelContext) -> dict[str, Channel]:
    """The channels this installation sends on, by varsel channel name; the app always."""
    channels: dict[str, Channel] = {}
    for spec in channel_specs().values():
        if spec.config_key is None:
            channels[spec.name] = spec.build(spec.config_model(), ctx)
    for key, settings in channel_settings(varsler).items():
        spec = channel_specs()[key]
        channels[spec.name] = spec.build(settings, ctx)
    if APP not in channels:
        raise ConfigError("no channel sends varsler in the app (bridge/channels/matrix_dm.py)")
    return channels
