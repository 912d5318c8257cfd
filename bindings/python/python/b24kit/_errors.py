"""The exception classes every b24kit error derives from, and the factory that makes the right
one from what the native module reports. The classes of each documented code are generated, in
:mod:`b24kit.errors`, which re-exports these.
"""

from __future__ import annotations

# `typing` is imported for type checkers only: it would double the time `import b24kit` takes.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Mapping, Optional, Tuple, Type


class B24kitError(Exception):
    """Base class of every error b24kit raises.

    Attributes:
        code: The Bitrix24 ``error`` code (the documented spelling), when the portal sent one.
        description: The portal's ``error_description`` (localized; match on ``code``, not on this).
        http_status: The HTTP status of the answer, when one arrived.
        retryable: Whether repeating the same call later may succeed.
        may_have_reached_server: ``False`` only when the request certainly never left this machine.
        method: For method errors, the dotted name of the method.
        category: For system errors, the category (``rate_limit``, ``auth`` …).
        kind: For transport and protocol errors, what went wrong (``timeout``, ``not_json`` …).
        parameter: For invalid arguments, the parameter's name.
    """

    def __init__(
        self,
        message: str,
        *,
        code: Optional[str] = None,
        description: Optional[str] = None,
        http_status: Optional[int] = None,
        retryable: bool = False,
        may_have_reached_server: bool = True,
        method: Optional[str] = None,
        category: Optional[str] = None,
        kind: Optional[str] = None,
        parameter: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.description = description
        self.http_status = http_status
        self.retryable = retryable
        self.may_have_reached_server = may_have_reached_server
        self.method = method
        self.category = category
        self.kind = kind
        self.parameter = parameter

    def _fields(self) -> Dict[str, Any]:
        return {
            "code": self.code,
            "description": self.description,
            "http_status": self.http_status,
            "retryable": self.retryable,
            "may_have_reached_server": self.may_have_reached_server,
            "method": self.method,
            "category": self.category,
            "kind": self.kind,
            "parameter": self.parameter,
        }

    def __reduce__(self) -> Tuple[Any, ...]:
        # Keeps the fields across pickling (multiprocessing, concurrent.futures).
        return (_rebuild, (type(self), self.message, self._fields()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self._fields().items() if v is not None and k != "retryable")
        return f"{type(self).__name__}({self.message!r}, {shown}{', ' if shown else ''}retryable={self.retryable!r})"


def _rebuild(cls: Type[B24kitError], message: str, fields: Dict[str, Any]) -> B24kitError:
    return cls(message, **fields)


class MethodError(B24kitError):
    """The portal refused the call with an error documented for the called method."""


class BitrixSystemError(B24kitError):
    """The portal refused the call with an error that any method can return."""


class UnknownCodeError(B24kitError):
    """The portal answered with a Bitrix24 error code the docs do not list (kept in ``code``)."""


class HttpError(B24kitError):
    """A non-success HTTP status without a Bitrix24 error body (a proxy's page, a bare 502)."""


class PortalMovedError(B24kitError):
    """The portal has been renamed: its old address answered with a redirect to the new one. The
    redirect is not followed (the credentials would go with it); ``location`` is the new address —
    put it in the webhook URL or OAuth endpoint."""

    @property
    def location(self) -> str:
        """The new address, ``https://<new portal>/``."""
        return self.description or ""


class TransportError(B24kitError):
    """No answer arrived; ``kind`` says why and ``may_have_reached_server`` whether it was sent."""


class ConnectError(TransportError, ConnectionError):
    """No connection could be opened; the request was not sent."""


class TlsError(TransportError):
    """The TLS handshake failed (for example an untrusted certificate)."""


class RequestTimeoutError(TransportError, TimeoutError):
    """The call's time limit passed before the whole answer arrived."""


class ConnectionLostError(TransportError, ConnectionError):
    """The connection closed or broke before the whole answer arrived."""


class ProtocolError(B24kitError):
    """An answer arrived but is not a Bitrix24 answer of the expected shape; see ``kind``."""


class InvalidArgumentError(B24kitError, ValueError):
    """A parameter was rejected before anything was sent; ``parameter`` names it."""


class ConfigError(B24kitError, ValueError):
    """The client settings were rejected; nothing was sent."""


class TokenRefreshError(B24kitError):
    """The OAuth server refused to renew the access token (``code`` is its error, e.g.
    ``invalid_grant``: the refresh token is no longer valid and the user must authorize again)."""


class SkippedError(B24kitError):
    """A batch call that never ran: an earlier call failed and the batch was sent with
    ``halt=True``."""


class EventError(B24kitError, ValueError):
    """A body POSTed to an event handler is not a delivery this application can trust; ``kind``
    says why (``malformed``, ``missing_key``, ``token_mismatch``, ``bad_data``). Never shows a
    token or a value of the body's ``auth``."""


class EventFormError(EventError):
    """The body is not a form as a portal writes one, or lacks a key every delivery has
    (``parameter`` names it, e.g. ``auth[application_token]``)."""


class EventTokenError(EventError):
    """The delivery's application token is not this application's: it did not come from a portal
    that installed the application. Answer the request with an error and ignore it."""


class EventDataError(EventError):
    """The event's ``data`` does not have its documented shape; ``code`` is the event's code."""


_TRANSPORT_ERRORS: Mapping[str, Type[TransportError]] = {
    "connect": ConnectError,
    "tls": TlsError,
    "timeout": RequestTimeoutError,
    "connection_lost": ConnectionLostError,
}

_EVENT_ERRORS: Mapping[str, Type[EventError]] = {
    "malformed": EventFormError,
    "missing_key": EventFormError,
    "token_mismatch": EventTokenError,
    "bad_data": EventDataError,
}

_OTHER_ERRORS: Mapping[str, Type[B24kitError]] = {
    "unknown_code": UnknownCodeError,
    "http": HttpError,
    "portal_moved": PortalMovedError,
    "protocol": ProtocolError,
    "invalid_argument": InvalidArgumentError,
    "invalid_config": ConfigError,
    "token_refresh": TokenRefreshError,
    "skipped": SkippedError,
}


class ErrorFactory:
    """Builds the exception for an error the native module reports: its variant (the core's
    ``kind_name``), message and fields, with the class of its documented code where it has one."""

    def __init__(
        self,
        method_errors: Mapping[str, Type[MethodError]],
        system_errors: Mapping[str, Type[BitrixSystemError]],
    ) -> None:
        self._method_errors = method_errors
        self._system_errors = system_errors

    def __call__(self, variant: str, message: str, /, **fields: Any) -> B24kitError:
        code = fields.get("code")
        cls: Type[B24kitError]
        if variant == "method":
            cls = self._method_errors.get(code or "", MethodError)
        elif variant == "system":
            cls = self._system_errors.get(code or "", BitrixSystemError)
        elif variant == "transport":
            cls = _TRANSPORT_ERRORS.get(fields.get("kind") or "", TransportError)
        elif variant == "event":
            cls = _EVENT_ERRORS.get(fields.get("kind") or "", EventError)
        else:
            cls = _OTHER_ERRORS.get(variant, B24kitError)
        return cls(message, **fields)
