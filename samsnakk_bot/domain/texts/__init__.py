"""Every text a person reads from Samsnakk, one module per feature (D130).

User texts are bokmål message ids, translated through the gettext catalogs in
``samsnakk_bot/locale`` by :mod:`samsnakk_bot.domain.i18n` into the language being spoken.
Operator texts (``samsnakk doctor``) live apart in :mod:`.operator` and are not translated.

``texts.NAME`` keeps working for every name: functions translate their own templates, and a
constant read through this package (strings, and mappings or tuples of strings) is translated when
it is read, so it follows the language of the moment rather than the one at import time.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

from samsnakk_bot.domain.i18n import _
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.domain.texts import (
    _markup,
    access,
    admin,
    approvals,
    audit_keys,
    audit_log,
    broker,
    brukerrom_commands,
    brukerrom_create,
    consent,
    conversation,
    guard,
    idporten,
    intro,
    katalog,
    language,
    meetings,
    membership,
    onboarding,
    people,
    retention,
    trust,
    usage_report,
    varsler,
    welcome,
)
from samsnakk_bot.domain.texts.operator import doctor

if TYPE_CHECKING:
    from samsnakk_bot.domain.texts._markup import *  # noqa: F403
    from samsnakk_bot.domain.texts.access import *  # noqa: F403
    from samsnakk_bot.domain.texts.admin import *  # noqa: F403
    from samsnakk_bot.domain.texts.approvals import *  # noqa: F403
    from samsnakk_bot.domain.texts.audit_keys import *  # noqa: F403
    from samsnakk_bot.domain.texts.audit_log import *  # noqa: F403
    from samsnakk_bot.domain.texts.broker import *  # noqa: F403
    from samsnakk_bot.domain.texts.brukerrom_commands import *  # noqa: F403
    from samsnakk_bot.domain.texts.brukerrom_create import *  # noqa: F403
    from samsnakk_bot.domain.texts.consent import *  # noqa: F403
    from samsnakk_bot.domain.texts.conversation import *  # noqa: F403
    from samsnakk_bot.domain.texts.guard import *  # noqa: F403
    from samsnakk_bot.domain.texts.idporten import *  # noqa: F403
    from samsnakk_bot.domain.texts.intro import *  # noqa: F403
    from samsnakk_bot.domain.texts.katalog import *  # noqa: F403
    from samsnakk_bot.domain.texts.language import *  # noqa: F403
    from samsnakk_bot.domain.texts.meetings import *  # noqa: F403
    from samsnakk_bot.domain.texts.membership import *  # noqa: F403
    from samsnakk_bot.domain.texts.onboarding import *  # noqa: F403
    from samsnakk_bot.domain.texts.operator.doctor import *  # noqa: F403
    from samsnakk_bot.domain.texts.people import *  # noqa: F403
    from samsnakk_bot.domain.texts.retention import *  # noqa: F403
    from samsnakk_bot.domain.texts.trust import *  # noqa: F403
    from samsnakk_bot.domain.texts.usage_report import *  # noqa: F403
    from samsnakk_bot.domain.texts.varsler import *  # noqa: F403
    from samsnakk_bot.domain.texts.welcome import *  # noqa: F403

_MODULES: tuple[ModuleType, ...] = (
    _markup,
    doctor,
    access,
    admin,
    approvals,
    audit_keys,
    audit_log,
    broker,
    brukerrom_commands,
    brukerrom_create,
    consent,
    conversation,
    guard,
    idporten,
    intro,
    katalog,
    language,
    meetings,
    membership,
    onboarding,
    people,
    retention,
    trust,
    usage_report,
    varsler,
    welcome,
)
_TRANSLATED = frozenset(m.__name__ for m in _MODULES if m is not doctor)


def _translated(value: object) -> object:
    if isinstance(value, str):
        return _(value)
    if isinstance(value, tuple) and all(isinstance(item, str) for item in value):
        return tuple(_(item) for item in value)
    if isinstance(value, Reply):
        return Reply(_(value.body), _(value.html) if value.html else None, value.mentions)
    if isinstance(value, Mapping):
        return {key: _translated(item) for key, item in value.items()}
    return value


def __getattr__(name: str) -> Any:
    for module in _MODULES:
        if name in vars(module) and not name.startswith("__"):
            value = vars(module)[name]
            return _translated(value) if module.__name__ in _TRANSLATED else value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({name for module in _MODULES for name in vars(module)})
