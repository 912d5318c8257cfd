"""b24kit: a typed Bitrix24 REST client on a Rust core.

>>> import b24kit
>>> client = b24kit.Client.from_webhook("https://your-domain.bitrix24.com/rest/1/your_webhook_key/")
>>> client.imopenlines_session_mode_silent(2043, activate=True).result  # doctest: +SKIP
True

``Client`` waits for answers (with the GIL released); ``AsyncClient`` returns awaitables. Method
names mirror Bitrix24's: ``imopenlines.session.mode.silent`` is ``imopenlines_session_mode_silent``.
Any other method is ``client.call("crm.contact.get", {"ID": 5})``; ``client.list(...)`` walks a
list method to its end and ``client.batch({...})`` sends calls of any methods together.
``read_event(body, application_token)`` reads what a portal POSTs to an event handler.
Errors are classes in :mod:`b24kit.errors`, all derived from :class:`B24kitError`.
"""

from __future__ import annotations

from . import _client, _native, errors
from ._listing import AsyncListWalk, ListWalk, Progress
from ._client import *  # noqa: F401,F403  (the clients and result types, listed in _client.__all__)
from ._native import (
    DEFAULT_OAUTH_SERVER,
    EventAuth,
    EventDelivery,
    OperatingBudget,
    OtherEvent,
    RateLimit,
    Retry,
    SharedLimits,
    Stats,
    Tokens,
    __version__,
    read_event,
)
from ._native_generated import Response, Time
from .errors import *  # noqa: F401,F403  (the exception classes, listed in errors.__all__)

_native.set_error_factory(errors._make)

__all__ = [
    "AsyncListWalk",
    "DEFAULT_OAUTH_SERVER",
    "EventAuth",
    "EventDelivery",
    "ListWalk",
    "OperatingBudget",
    "OtherEvent",
    "Progress",
    "RateLimit",
    "Response",
    "Retry",
    "SharedLimits",
    "Stats",
    "Time",
    "Tokens",
    "__version__",
    "errors",
    "read_event",
]
__all__ += _client.__all__
__all__ += errors.__all__
