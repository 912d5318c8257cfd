"""Construction, naming and closing of clients; the generated ``_client`` module adds the calls."""

from __future__ import annotations

from . import _native
from ._listing import AsyncListWalk, ListWalk

# `typing` is imported for type checkers only: it would double the time `import b24kit` takes.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import TracebackType
    from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Type, TypeVar, Union

    from ._native_generated import Response
    from .errors import B24kitError

    _C = TypeVar("_C", bound="_ClientBase")
    Params = Optional[Mapping[str, Any]]


class _ClientBase:
    __slots__ = ("_native",)

    def __init__(self, native: _native.NativeClient) -> None:
        """Private: use ``from_webhook`` or ``from_oauth``."""
        self._native = native

    @classmethod
    def from_webhook(
        cls: Type[_C],
        url: str,
        *,
        timeout: float = _native.DEFAULT_TIMEOUT,
        deadline: float = _native.DEFAULT_DEADLINE,
        connect_timeout: float = _native.DEFAULT_CONNECT_TIMEOUT,
        max_response_bytes: int = _native.DEFAULT_MAX_RESPONSE_BYTES,
        user_agent: Optional[str] = None,
        root_certificate_pem: Union[str, bytes, None] = None,
        rate_limit: Optional[_native.RateLimit] = _native.DEFAULT_RATE_LIMIT,
        retry: _native.Retry = _native.DEFAULT_RETRY,
        operating_budget: Optional[_native.OperatingBudget] = _native.DEFAULT_OPERATING_BUDGET,
        shared: Union[_native.SharedLimits, str, None] = None,
    ) -> _C:
        """A client for an inbound webhook, ``https://<portal>/rest/<user id>/<key>/``.

        Args:
            url: The webhook URL. Plain ``http://`` is refused except to this machine.
            timeout: Seconds one attempt may take, from sending to the last byte of the answer
                (default 65: the portal's 60 s limit plus the network).
            deadline: Seconds the whole call may take (default 600): its waits for the rate
                limiter and the execution-time budget, every attempt, the backoffs between them
                and a token renewal. A call that would pass it raises ``TransportError``
                (``kind == "timeout"``) instead of waiting; a list walk bounds each request.
            connect_timeout: Seconds opening a connection may take.
            max_response_bytes: The largest answer accepted.
            user_agent: Replaces ``b24kit-python/<version>``; name your integration.
            root_certificate_pem: One more trusted root certificate (PEM), e.g. for an
                on-premise portal with its own CA.
            rate_limit: The portal's request-intensity limit to pace calls by, so that they wait
                for a slot instead of failing with ``QUERY_LIMIT_EXCEEDED``:
                ``RateLimit.STANDARD`` (default), ``RateLimit.ENTERPRISE``, a custom
                ``RateLimit(burst, drain_per_second)``, or ``None`` for no pacing. Every thread
                and task using this client shares it.
            retry: How failed calls are tried again (``Retry.never()`` for not at all).
            operating_budget: The per-method execution-time budget to stay under, so that calls
                wait for the portal to release some instead of failing with
                ``OPERATION_TIME_LIMIT``: ``OperatingBudget(limit=…, headroom=…)``, or ``None``
                to ignore it.
            shared: Pace calls together with every other process (workers, replicas) that
                calls the same portal with the same credential, and share their execution-time
                budgets and, for OAuth clients that renew, the renewal of the token pair: a
                ``SharedLimits`` or just its Redis URL, ``"redis://127.0.0.1:6379/0"``. While
                the store cannot be reached, calls go on under this process's own limits (a
                warning in the ``b24kit`` log).

        Raises:
            b24kit.errors.ConfigError: the URL or a setting is invalid (the message never
                repeats the key), or the shared store did not answer (unless
                ``SharedLimits(..., if_unreachable="use_local_limits")``).
        """
        options: _native.Options = {
            "timeout": timeout,
            "deadline": deadline,
            "connect_timeout": connect_timeout,
            "max_response_bytes": max_response_bytes,
            "user_agent": user_agent,
            "root_certificate_pem": root_certificate_pem,
            "rate_limit": rate_limit,
            "retry": retry,
            "operating_budget": operating_budget,
            "shared": shared,
        }
        return cls(_native.client_from_webhook(url, options))

    @classmethod
    def from_oauth(
        cls: Type[_C],
        endpoint: str,
        access_token: str,
        *,
        timeout: float = _native.DEFAULT_TIMEOUT,
        deadline: float = _native.DEFAULT_DEADLINE,
        connect_timeout: float = _native.DEFAULT_CONNECT_TIMEOUT,
        max_response_bytes: int = _native.DEFAULT_MAX_RESPONSE_BYTES,
        user_agent: Optional[str] = None,
        root_certificate_pem: Union[str, bytes, None] = None,
        rate_limit: Optional[_native.RateLimit] = _native.DEFAULT_RATE_LIMIT,
        retry: _native.Retry = _native.DEFAULT_RETRY,
        operating_budget: Optional[_native.OperatingBudget] = _native.DEFAULT_OPERATING_BUDGET,
        shared: Union[_native.SharedLimits, str, None] = None,
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
        refresh_token: Optional[str] = None,
        oauth_server: str = _native.DEFAULT_OAUTH_SERVER,
        on_tokens_refreshed: Optional[Callable[[_native.Tokens], object]] = None,
    ) -> _C:
        """A client for an OAuth application.

        Args:
            endpoint: The portal's REST base, ``https://<portal>/rest/`` (the ``client_endpoint``
                of the token answer), or just ``https://<portal>``.
            access_token: The access token; it is sent as ``auth`` in the body.
            client_id, client_secret, refresh_token: Give all three and an expired access token
                is renewed at ``oauth_server`` once (however many calls hit the expiry together)
                and the call repeated. The client secret goes only to the OAuth server.
            oauth_server: The OAuth server's token URL (``https://oauth.bitrix24.tech/oauth/token/``
                for portals in the Russian region).
            on_tokens_refreshed: Called with the new :class:`Tokens` after each renewal, from
                b24kit's I/O thread: store ``refresh_token`` there. Do not call the client from it.

        The other arguments are those of :meth:`from_webhook`.
        """
        refresh: Optional[_native.Refresh] = None
        if client_id is not None and client_secret is not None and refresh_token is not None:
            refresh = {
                "client_id": client_id,
                "client_secret": client_secret,
                "refresh_token": refresh_token,
                "oauth_server": oauth_server,
                "on_tokens_refreshed": on_tokens_refreshed,
            }
        elif (client_id, client_secret, refresh_token, on_tokens_refreshed) != (None, None, None, None):
            # Python's own rule for arguments that only make sense together, like a wrong keyword.
            raise TypeError("client_id, client_secret and refresh_token go together (and on_tokens_refreshed needs them)")
        options: _native.Options = {
            "timeout": timeout,
            "deadline": deadline,
            "connect_timeout": connect_timeout,
            "max_response_bytes": max_response_bytes,
            "user_agent": user_agent,
            "root_certificate_pem": root_certificate_pem,
            "rate_limit": rate_limit,
            "retry": retry,
            "operating_budget": operating_budget,
            "shared": shared,
        }
        return cls(_native.client_from_oauth(endpoint, access_token, options, refresh))

    def with_retry(self: _C, retry: _native.Retry) -> _C:
        """This client with another retry policy, for the calls made through the returned one.

        It shares connections, rate limiter and token with this one::

            patient = client.with_retry(b24kit.Retry(max_attempts=8, max_backoff=30))
        """
        return type(self)(self._native.with_retry(retry))

    def with_timeout(self: _C, timeout: float) -> _C:
        """This client with another bound on each attempt, in seconds, for the calls made
        through the returned one (which shares connections, rate limiter and token)::

            client.with_timeout(5).call("crm.deal.get", {"ID": 7})

        Raises:
            b24kit.errors.ConfigError: ``timeout`` is not a positive, finite number.
        """
        return type(self)(self._native.with_time_limits(timeout, None))

    def with_deadline(self: _C, deadline: float) -> _C:
        """This client with another bound on the whole call, in seconds (waits, attempts and
        backoffs included), for the calls made through the returned one::

            client.with_deadline(2).imopenlines_session_mode_silent(chat_id=2043, activate=True)

        Raises:
            b24kit.errors.ConfigError: ``deadline`` is not a positive, finite number.
        """
        return type(self)(self._native.with_time_limits(None, deadline))

    @property
    def stats(self) -> _native.Stats:
        """What this client and its clones have done so far, for metrics: ``requests``,
        ``answers``, ``retries``, ``bucket_waits``, ``budget_waits``, ``waited`` (seconds),
        ``token_renewals`` and ``pages``. What it does as it goes is logged to the ``b24kit``
        logger: waits, retries and renewals at ``INFO``, each request and answer at ``DEBUG``."""
        return self._native.stats()

    def __repr__(self) -> str:
        return f"<b24kit.{type(self).__name__} {self._native.label}>"

    def _pager(
        self,
        method: str,
        params: Params,
        by_id: bool,
        id_field: Optional[str],
        items_key: Optional[str],
    ) -> _native.NativePager:
        return self._native.list(method, params or {}, by_id, id_field, items_key)


def _named_calls(calls: Mapping[str, Tuple[str, Params]]) -> list:
    if not hasattr(calls, "items"):
        raise TypeError(f"calls must be a mapping of name to (method, params), not {type(calls).__name__}")
    named = []
    for name, call in calls.items():
        if not isinstance(call, tuple) or len(call) != 2:
            raise TypeError(f"calls[{name!r}] must be a (method, params) tuple")
        method, params = call
        named.append((name, method, {} if params is None else params))
    return named


def _by_name(calls: list, outcomes: list) -> Dict[str, Union[Response[Any], B24kitError]]:
    return {name: outcome for (name, _, _), outcome in zip(calls, outcomes)}


class SyncClientBase(_ClientBase):
    __slots__ = ()

    def call(self, method: str, params: Params = None, *, idempotent: Optional[bool] = None) -> Response[Any]:
        """Calls any Bitrix24 method by name, with the same limits, retries and errors as the
        typed calls; ``result`` is the answer's JSON as dicts, lists, strings and numbers::

            contact = client.call("crm.contact.get", {"id": 5}).result

        Args:
            method: The method's name, e.g. ``crm.contact.get``.
            params: Its parameters as JSON-like values (dicts, lists, str, int, float, bool,
                ``None``), sent as JSON.
            idempotent: Whether the call may be repeated after a failure that may have reached
                the portal (a timeout, a 5xx). By default: as b24kit's spec says for a method it
                covers; any other method is not repeated then.

        Raises:
            TypeError: ``params`` holds a value JSON cannot carry (nothing is sent).
            b24kit.errors.InvalidArgumentError: ``method`` is not a method name (nothing is sent).
            b24kit.errors.MethodError: an error b24kit's spec lists for a method it covers.
            b24kit.errors.BitrixSystemError: an error any method can return.
            b24kit.errors.UnknownCodeError: any other error code the portal answered with.
            b24kit.errors.B24kitError: any other failure (HTTP, transport, protocol).
        """
        return self._native.call_method(method, {} if params is None else params, idempotent)

    def batch(
        self, calls: Mapping[str, Tuple[str, Params]], *, halt: bool = False
    ) -> Dict[str, Union[Response[Any], B24kitError]]:
        """Calls of any methods through Bitrix24's ``batch``, by name::

            out = client.batch({
                "contact": ("crm.contact.get", {"id": 5}),
                "deals": ("crm.deal.list", {"filter": {"CONTACT_ID": "$result[contact][ID]"}}),
            })

        A parameter may refer to an earlier call's result as ``$result[name]...``; such calls
        always go in the same request. Up to 50 calls go in one request; more are split.

        Returns:
            One entry per name, in order: its :class:`Response`, or the :class:`B24kitError` it
            failed with (not raised). With ``halt=True`` the portal stops at the first failure
            and the calls after it are :class:`~b24kit.errors.SkippedError`.

        Raises:
            TypeError: ``calls`` is not a mapping of name to ``(method, params)``.
            b24kit.errors.InvalidArgumentError: a name or a ``$result`` reference cannot be
                sent as asked (nothing is sent).
        """
        named = _named_calls(calls)
        return _by_name(named, self._native.batch_calls(named, halt))

    def list(
        self,
        method: str,
        params: Params = None,
        *,
        by_id: bool = False,
        id_field: Optional[str] = None,
        items_key: Optional[str] = None,
    ) -> ListWalk[Any]:
        """Every item of a list method, fetched a page of 50 at a time as the loop goes::

            for contact in client.list("crm.contact.list", {"select": ["ID", "NAME"]}):
                ...

        Args:
            method: A list method, e.g. ``crm.contact.list``.
            params: Its ``filter``, ``select``, ``order``, … (not ``start``).
            by_id: Walk by ID, as the docs advise for large lists: ordered by the ID, each
                page filtered on ``>ID`` of the last one, never counted. Otherwise the first
                page says how many there are and the rest come 50 pages per ``batch`` request.
            id_field: The identifier to walk by (default ``ID``; ``id`` for ``crm.item.list``).
            items_key: Where the items are when ``result`` is an object (``items`` for
                ``crm.item.list``); by default the result itself or its only list.

        The returned :class:`ListWalk` also has ``progress`` and ``pages()``.
        """
        return ListWalk(self._pager(method, params, by_id, id_field, items_key))

    def close(self) -> None:
        """Closes the kept-alive connections; later calls raise ``RuntimeError``."""
        self._native.close()

    def __enter__(self: _C) -> _C:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self._native.close()


class AsyncClientBase(_ClientBase):
    __slots__ = ()

    async def call(self, method: str, params: Params = None, *, idempotent: Optional[bool] = None) -> Response[Any]:
        """Calls any Bitrix24 method by name; see :meth:`Client.call`."""
        return await self._native.call_method_async(method, {} if params is None else params, idempotent)

    async def batch(
        self, calls: Mapping[str, Tuple[str, Params]], *, halt: bool = False
    ) -> Dict[str, Union[Response[Any], B24kitError]]:
        """Calls of any methods through Bitrix24's ``batch``, by name; see :meth:`Client.batch`."""
        named = _named_calls(calls)
        return _by_name(named, await self._native.batch_calls_async(named, halt))

    def list(
        self,
        method: str,
        params: Params = None,
        *,
        by_id: bool = False,
        id_field: Optional[str] = None,
        items_key: Optional[str] = None,
    ) -> AsyncListWalk[Any]:
        """Every item of a list method, for ``async for``; see :meth:`Client.list`."""
        return AsyncListWalk(self._pager(method, params, by_id, id_field, items_key))

    async def aclose(self) -> None:
        """Closes the kept-alive connections; later calls raise ``RuntimeError``."""
        self._native.close()

    async def __aenter__(self: _C) -> _C:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self._native.close()
