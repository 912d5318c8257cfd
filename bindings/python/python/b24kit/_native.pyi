"""Type stubs of b24kit's native module (private; use the classes exported by ``b24kit``).

Its method-specific part — ``Time``, the result classes, ``Response`` and the calls — is the
submodule ``b24kit._native_generated``, stubbed apart.
"""

from typing import Any, Awaitable, Callable, Iterable, List, Literal, Mapping, Optional, Tuple, TypedDict, Union, final

from ._native_generated import PortalEvent, Response

__version__: str
DEFAULT_TIMEOUT: float
DEFAULT_DEADLINE: float
DEFAULT_CONNECT_TIMEOUT: float
DEFAULT_MAX_RESPONSE_BYTES: int
DEFAULT_OAUTH_SERVER: str
DEFAULT_RATE_LIMIT: Optional[RateLimit]
DEFAULT_RETRY: Retry
DEFAULT_OPERATING_BUDGET: OperatingBudget

@final
class RateLimit:
    """The portal's request-intensity limit a client paces itself by (a leaky bucket)."""

    STANDARD: RateLimit
    ENTERPRISE: RateLimit
    def __init__(self, burst: float, drain_per_second: float) -> None: ...
    @property
    def burst(self) -> float: ...
    @property
    def drain_per_second(self) -> float: ...
    def minimum_duration(self, requests: int) -> float:
        """The least time, in seconds, that ``requests`` calls take under this limit."""

@final
class Retry:
    """How failed calls are tried again; what is left out keeps the default."""

    def __init__(
        self,
        *,
        max_attempts: Optional[int] = None,
        initial_backoff: Optional[float] = None,
        max_backoff: Optional[float] = None,
    ) -> None: ...
    @staticmethod
    def never() -> Retry: ...
    @property
    def max_attempts(self) -> int: ...
    @property
    def initial_backoff(self) -> float: ...
    @property
    def max_backoff(self) -> float: ...

@final
class Stats:
    """Counts of what a client and its clones have done so far."""

    @property
    def requests(self) -> int: ...
    @property
    def answers(self) -> int: ...
    @property
    def retries(self) -> int: ...
    @property
    def bucket_waits(self) -> int: ...
    @property
    def budget_waits(self) -> int: ...
    @property
    def waited(self) -> float:
        """Seconds spent waiting for the rate limiter, the budget and backoffs."""
    @property
    def token_renewals(self) -> int: ...
    @property
    def pages(self) -> int: ...

@final
class OperatingBudget:
    """The per-method execution-time budget a client stays under; what is left out keeps the
    default."""

    def __init__(self, *, limit: Optional[float] = None, headroom: Optional[float] = None) -> None: ...
    @property
    def limit(self) -> float: ...
    @property
    def headroom(self) -> float: ...

@final
class SharedLimits:
    """Limits shared with every other process on the same portal and credential, in Redis;
    ``repr()`` and ``url`` never show the URL's password."""

    def __init__(
        self,
        url: str,
        *,
        prefix: Optional[str] = None,
        if_unreachable: Optional[Literal["fail", "use_local_limits"]] = None,
        root_certificate_pem: Union[str, bytes, None] = None,
    ) -> None: ...
    @property
    def url(self) -> str: ...
    @property
    def prefix(self) -> str: ...
    @property
    def if_unreachable(self) -> Literal["fail", "use_local_limits"]: ...

@final
class Tokens:
    """A renewed token pair; ``repr()`` shows neither token."""

    @property
    def access_token(self) -> str: ...
    @property
    def refresh_token(self) -> str: ...
    @property
    def expires(self) -> Optional[int]: ...
    @property
    def expires_in(self) -> Optional[int]: ...
    @property
    def client_endpoint(self) -> Optional[str]: ...
    @property
    def member_id(self) -> Optional[str]: ...

@final
class OtherEvent:
    """An event the specs do not type: its code and its ``data`` as the form gave it."""

    @property
    def code(self) -> str:
        """The event's code as sent, in capitals, e.g. ``ONCRMDEALADD``."""
    @property
    def data(self) -> Any:
        """The delivery's ``data`` (a new dict on each read; every value is text)."""

@final
class EventAuth:
    """Who sent a delivery; ``repr()`` shows neither token."""

    @property
    def domain(self) -> str:
        """The portal's address, e.g. ``example.bitrix24.com``."""
    @property
    def member_id(self) -> str:
        """The portal's stable identifier."""
    @property
    def scope(self) -> Optional[str]: ...
    @property
    def status(self) -> Optional[str]:
        """The application's status: ``L`` local, ``F`` free, ``D`` demo, ``T`` trial, ``P`` paid."""
    @property
    def client_endpoint(self) -> Optional[str]:
        """The portal's REST base, ``https://<portal>/rest/``."""
    @property
    def server_endpoint(self) -> Optional[str]:
        """The OAuth server that renews the tokens."""
    @property
    def access_token(self) -> Optional[str]:
        """The user's access token; ``None`` when no user caused the event."""
    @property
    def refresh_token(self) -> Optional[str]: ...
    @property
    def expires_in(self) -> Optional[int]: ...

@final
class EventDelivery:
    """One POST of a portal to an event handler."""

    @property
    def event(self) -> PortalEvent:
        """The event: its class (``OnSessionStart`` …) with the typed ``data``, or ``OtherEvent``."""
    @property
    def event_id(self) -> Optional[int]:
        """The event's identifier in the portal's queue (``eventId``)."""
    @property
    def sent_at(self) -> Optional[int]:
        """Unix time at which the queue sent it (``ts``)."""
    @property
    def auth(self) -> EventAuth: ...

def read_event(body: Union[bytes, str], application_token: str, /) -> EventDelivery:
    """Reads the body a portal POSTs to an event handler (``application/x-www-form-urlencoded``).

    The body's ``auth[application_token]`` must equal ``application_token`` (the one the portal
    gave at installation; compared in constant time) before the event is read. Raises
    ``EventTokenError`` for a forged or foreign delivery, ``EventFormError`` for a body that is
    not a delivery, ``EventDataError`` for data not as documented."""

@final
class NativeClient:
    @property
    def label(self) -> str: ...
    def close(self) -> None: ...
    def with_retry(self, retry: Retry, /) -> NativeClient: ...
    def with_time_limits(self, timeout: Optional[float], deadline: Optional[float], /) -> NativeClient: ...
    def stats(self) -> Stats: ...
    def call_method(self, method: str, params: Mapping[str, Any], idempotent: Optional[bool], /) -> Response[Any]: ...
    def call_method_async(
        self, method: str, params: Mapping[str, Any], idempotent: Optional[bool], /
    ) -> Awaitable[Response[Any]]: ...
    def batch_calls(
        self, calls: Iterable[Tuple[str, str, Mapping[str, Any]]], halt: bool, /
    ) -> List[Union[Response[Any], BaseException]]: ...
    def batch_calls_async(
        self, calls: Iterable[Tuple[str, str, Mapping[str, Any]]], halt: bool, /
    ) -> Awaitable[List[Union[Response[Any], BaseException]]]: ...
    def list(
        self,
        method: str,
        params: Mapping[str, Any],
        by_id: bool,
        id_field: Optional[str],
        items_key: Optional[str],
        /,
    ) -> NativePager: ...

@final
class NativePager:
    def next_page(self) -> Optional[List[Any]]: ...
    def next_page_async(self) -> Awaitable[Optional[List[Any]]]: ...
    @property
    def progress(self) -> Tuple[int, Optional[int], int]: ...

class Options(TypedDict):
    timeout: float
    deadline: float
    connect_timeout: float
    max_response_bytes: int
    user_agent: Optional[str]
    root_certificate_pem: Union[str, bytes, None]
    rate_limit: Optional[RateLimit]
    retry: Retry
    operating_budget: Optional[OperatingBudget]
    shared: Union[SharedLimits, str, None]

class Refresh(TypedDict):
    client_id: str
    client_secret: str
    refresh_token: str
    oauth_server: str
    on_tokens_refreshed: Optional[Callable[[Tokens], object]]

def client_from_webhook(url: str, options: Options, /) -> NativeClient: ...
def client_from_oauth(
    endpoint: str, access_token: str, options: Options, refresh: Optional[Refresh], /
) -> NativeClient: ...
def set_error_factory(factory: Callable[..., BaseException], /) -> None: ...
def _panic_for_tests(client: NativeClient, asynchronous: bool, /) -> object:
    """Test hook, not API: a call that panics inside the core."""
def run_emulator(argv: List[str], /) -> int:
    """The emulator's command line (``argv[0]`` is the program's name); Ctrl-C stops it."""
