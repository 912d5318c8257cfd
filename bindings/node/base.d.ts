/**
 * The typings of b24kit's hand-written half: client options, `RateLimit`, `Tokens` and the error
 * classes every error derives from. `index.d.ts` (generated from the specs) re-exports them
 * beside the clients, results and the error classes of each documented code.
 */

import type { Response } from './index';

/** Settings of a client; every field is optional. */
export interface ClientOptions {
  /** How long one attempt may take, in milliseconds (default 65 000: the portal's 60 s limit plus the network). */
  timeoutMs?: number;
  /**
   * How long a whole call may take, in milliseconds (default 600 000): its waits for the rate
   * limiter and the execution-time budget, every attempt, the backoffs between them and a token
   * renewal. A call that would pass it rejects with `RequestTimeoutError` instead of waiting;
   * a list walk bounds each request by it.
   */
  deadlineMs?: number;
  /** How long opening a connection may take, in milliseconds (default 10 000). */
  connectTimeoutMs?: number;
  /** The largest answer accepted, in bytes (default 8 MiB). */
  maxResponseBytes?: number;
  /** Replaces `b24kit-node/<version>`; name your integration. */
  userAgent?: string;
  /** One more trusted root certificate (PEM), e.g. for an on-premise portal. */
  rootCertificatePem?: string;
  /**
   * The portal's request-intensity limit to pace calls by, so that they wait for a slot instead
   * of failing with `QUERY_LIMIT_EXCEEDED`: `RateLimit.STANDARD` (default), `RateLimit.ENTERPRISE`,
   * `new RateLimit(burst, drainPerSecond)`, or `null` for no pacing. Shared by every call of the client.
   */
  rateLimit?: RateLimit | null;
  /** How failed calls are tried again (`{ maxAttempts: 1 }` for not at all). */
  retry?: RetryOptions;
  /**
   * The per-method execution-time budget to stay under, so that calls wait for the portal to
   * release some instead of failing with `OPERATION_TIME_LIMIT`; `null` ignores it.
   */
  operatingBudget?: OperatingBudgetOptions | null;
  /**
   * Pace calls together with every other process (cluster workers, replicas) that calls the same
   * portal with the same credential, and share their execution-time budgets and, for OAuth
   * clients that renew, the renewal of the token pair: a Redis URL (`redis://127.0.0.1:6379/0`,
   * `rediss://` for TLS) or {@link SharedLimitsOptions}. While the store cannot be reached, calls
   * go on under this process's own limits, told as a `shared_limits_lost` event. The URL's
   * password is never shown.
   */
  shared?: string | SharedLimitsOptions;
  /**
   * Told every event of the client and its clones, on the JavaScript thread, in order with the
   * calls' promises: requests and answers, retries with their reason and wait, waits for the
   * rate limiter and the budget, token renewals, batch splits, list pages. Never a URL, key or
   * token. A listener that throws is reported as a process warning.
   */
  onEvent?: (event: ClientEvent) => void;
}

/** Limits shared between processes through a Redis server. */
export interface SharedLimitsOptions {
  /** The Redis URL, `redis://[:password@]host:port/db` or `rediss://…` for TLS. */
  url: string;
  /** What every key starts with (default `b24kit:`), to keep deployments apart in one database. */
  prefix?: string;
  /**
   * When the store does not answer as the client is made: `fail` (default: the constructor
   * throws `ConfigError`) or `use_local_limits` (the client paces itself alone until it answers).
   */
  ifUnreachable?: 'fail' | 'use_local_limits';
  /** For a `rediss://` store the system does not trust: its CA (PEM), trusted instead of the system's. */
  rootCertificatePem?: string;
}

/** One event of a client; `kind` says which, and which of the other fields it has. */
export interface ClientEvent {
  readonly kind:
    | 'request_sent'
    | 'answered'
    | 'retry_scheduled'
    | 'waiting_for_bucket'
    | 'waiting_for_budget'
    | 'token_renewed'
    | 'batch_split'
    | 'page'
    | 'shared_limits_lost'
    | 'shared_limits_back';
  /** The event in words, e.g. `crm.deal.get: attempt 1 failed (QUERY_LIMIT_EXCEEDED); retrying in 480.3ms`. */
  readonly message: string;
  /** The method (`batch` for a batch request). */
  readonly method?: string;
  /** The attempt, from 1. */
  readonly attempt?: number;
  /** The answer's HTTP status. */
  readonly status?: number;
  /** Milliseconds from sending to the answer. */
  readonly elapsedMs?: number;
  /** Milliseconds the call will wait (backoff, bucket or budget). */
  readonly waitMs?: number;
  /** Why an attempt failed: its code or kind (`QUERY_LIMIT_EXCEEDED`, `timeout`, …); why the shared store could not be used. */
  readonly reason?: string;
  /** The methods whose budget is waited for. */
  readonly methods?: string[];
  /** Calls in a split batch, and the requests they took. */
  readonly calls?: number;
  readonly requests?: number;
  /** Items in a list page, and the list's total once known. */
  readonly items?: number;
  readonly total?: number;
  /** The shared store, without its password (`redis://host:port/db`). */
  readonly store?: string;
}

/** Counts of what a client and its clones have done, for metrics. */
export interface ClientStats {
  /** Requests sent (a batch is one), retries included. */
  readonly requests: number;
  readonly answers: number;
  readonly retries: number;
  /** Calls that waited for the rate limiter, and for the execution-time budget. */
  readonly bucketWaits: number;
  readonly budgetWaits: number;
  /** Milliseconds spent in those waits and in backoffs. */
  readonly waitedMs: number;
  readonly tokenRenewals: number;
  /** Pages handed out by list walks. */
  readonly pages: number;
}

/** The execution-time budget; absent fields keep the defaults. */
export interface OperatingBudgetOptions {
  /** Milliseconds a method may run in the portal's 10-minute window (default 480 000, the cloud limit). */
  limitMs?: number;
  /** How much of the limit stays unused (default 10 000). */
  headroomMs?: number;
}

/** How failed calls are tried again; absent fields keep the defaults. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 4). */
  maxAttempts?: number;
  /** The wait before the first retry (default 500), doubling for each further one. */
  initialBackoffMs?: number;
  /** The longest wait between attempts (default 10 000); every wait stays within the call's `deadlineMs`. */
  maxBackoffMs?: number;
}

/** Settings of an OAuth client: those of every client plus token renewal. */
export interface OAuthClientOptions extends ClientOptions {
  /**
   * Renews an expired access token once (however many calls meet the expiry together) and
   * repeats the call. The client secret goes only to the OAuth server.
   */
  refresh?: {
    clientId: string;
    clientSecret: string;
    refreshToken: string;
    /** The OAuth server's token URL (default `DEFAULT_OAUTH_SERVER`). */
    oauthServer?: string;
    /** Called with each renewed pair, on the JavaScript thread, before the call that renewed it settles: store `refreshToken`. */
    onTokensRefreshed?: (tokens: Tokens) => void;
  };
}

/** The portal's request-intensity limit: a leaky bucket of `burst` requests draining `drainPerSecond`. */
export declare class RateLimit {
  constructor(burst: number, drainPerSecond: number);
  /** Every plan but Enterprise: burst 50, 2 per second. */
  static readonly STANDARD: RateLimit;
  /** Enterprise: burst 250, 5 per second. */
  static readonly ENTERPRISE: RateLimit;
  readonly burst: number;
  readonly drainPerSecond: number;
  /** The least time, in milliseconds, that `requests` calls take under this limit. */
  minimumDurationMs(requests: number): number;
}

/** A renewed token pair; `util.inspect` and `toString()` show neither token. */
export declare class Tokens {
  private constructor();
  readonly accessToken: string;
  readonly refreshToken: string;
  /** Unix time at which the access token expires, when the server said. */
  readonly expires: number | null;
  readonly expiresIn: number | null;
  readonly clientEndpoint: string | null;
  readonly memberId: string | null;
}

/** The documented OAuth server's token URL. */
export declare const DEFAULT_OAUTH_SERVER: string;

/** The package version. */
export declare const version: string;

/** Fields every b24kit error carries; `null` where they do not apply. */
export interface B24kitErrorFields {
  /** The Bitrix24 `error` code (the documented spelling), when the portal sent one. */
  readonly code: string | null;
  /** The portal's `error_description` (localized; match on `code`). */
  readonly description: string | null;
  /** The HTTP status of the answer, when one arrived. */
  readonly httpStatus: number | null;
  /** Whether repeating the same call later may succeed. */
  readonly retryable: boolean;
  /** `false` only when the request certainly never left this machine. */
  readonly mayHaveReachedServer: boolean;
  /** For method errors: the dotted method name. */
  readonly method: string | null;
  /** For system errors: the category (`rate_limit`, `auth`, …). */
  readonly category: string | null;
  /** For transport and protocol errors: what went wrong (`timeout`, `not_json`, …). */
  readonly kind: string | null;
  /** For invalid arguments: the parameter's name. */
  readonly parameter: string | null;
}

/** Base class of every error b24kit raises. */
export declare class B24kitError extends Error {}
export interface B24kitError extends B24kitErrorFields {}
/** The portal refused the call with an error documented for the called method. */
export declare class MethodError extends B24kitError {}
/** The portal refused the call with an error that any method can return. */
export declare class BitrixSystemError extends B24kitError {}
/** A Bitrix24 error code the docs do not list (kept in `code`). */
export declare class UnknownCodeError extends B24kitError {}
/** A non-success HTTP status without a Bitrix24 error body. */
export declare class HttpError extends B24kitError {}
/**
 * The portal has been renamed: its old address answered with a redirect to the new one, which is
 * not followed (the credentials would go with it). Put `location` in the webhook URL or endpoint.
 */
export declare class PortalMovedError extends B24kitError {
  /** The new address, `https://<new portal>/`. */
  readonly location: string;
}
/** No answer arrived; `kind` says why and `mayHaveReachedServer` whether it was sent. */
export declare class TransportError extends B24kitError {}
/** No connection could be opened; the request was not sent. */
export declare class ConnectError extends TransportError {}
/** The TLS handshake failed (for example an untrusted certificate). */
export declare class TlsError extends TransportError {}
/** The call's time limit passed before the whole answer arrived. */
export declare class RequestTimeoutError extends TransportError {}
/** The connection closed or broke before the whole answer arrived. */
export declare class ConnectionLostError extends TransportError {}
/** An answer arrived but is not a Bitrix24 answer of the expected shape; see `kind`. */
export declare class ProtocolError extends B24kitError {}
/** A parameter was rejected before anything was sent (also `instanceof B24kitError`). */
export declare class InvalidArgumentError extends RangeError {}
// The class gets every field of `B24kitErrorFields` by declaration merging.
export interface InvalidArgumentError extends B24kitErrorFields {}
/** The client settings were rejected; nothing was sent (also `instanceof B24kitError`). */
export declare class ConfigError extends TypeError {}
export interface ConfigError extends B24kitErrorFields {}

/** The OAuth server refused to renew the access token; `code` is its error (`invalid_grant`: authorize again). */
export declare class TokenRefreshError extends B24kitError {}
/** A batch call that never ran: an earlier call failed and the batch was sent with `halt`. */
export declare class SkippedError extends B24kitError {}
/**
 * A body POSTed to an event handler is not a delivery this application can trust; `kind` says
 * why (`malformed`, `missing_key`, `token_mismatch`, `bad_data`). Never shows a token.
 */
export declare class EventError extends B24kitError {}
/** The body is not a form as a portal writes one, or lacks a key every delivery has (`parameter`). */
export declare class EventFormError extends EventError {}
/** The application token is not this application's: the delivery did not come from a portal that installed it. */
export declare class EventTokenError extends EventError {}
/** The event's `data` does not have its documented shape; `code` is the event's code. */
export declare class EventDataError extends EventError {}

/** Who sent an event delivery; `util.inspect`, `toString()` and `JSON.stringify` show neither token. */
export declare class EventAuth {
  private constructor();
  /** The portal's address, e.g. `example.bitrix24.com`. */
  readonly domain: string;
  /** The portal's stable identifier. */
  readonly memberId: string;
  readonly scope: string | null;
  /** The application's status: `L` local, `F` free, `D` demo, `T` trial, `P` paid. */
  readonly status: string | null;
  /** The portal's REST base, `https://<portal>/rest/`. */
  readonly clientEndpoint: string | null;
  /** The OAuth server that renews the tokens. */
  readonly serverEndpoint: string | null;
  /** The user's access token; `null` when no user caused the event. */
  readonly accessToken: string | null;
  readonly refreshToken: string | null;
  readonly expiresIn: number | null;
}
/**
 * A call whose `AbortSignal` aborted: rejected at once, its request dropped and its rate-limiter
 * slot given back. `cause` is the signal's `reason`.
 */
export declare class AbortError extends Error {
  readonly name: 'AbortError';
  readonly code: 'ABORT_ERR';
}

/** Options of one call; each bounds only this call. */
export interface CallOptions {
  /** Aborting it rejects the call at once with an `AbortError` and drops its request. */
  signal?: AbortSignal;
  /** How long one attempt of this call may take, in milliseconds (the client's `timeoutMs` otherwise). */
  timeoutMs?: number;
  /** How long this whole call may take, in milliseconds (the client's `deadlineMs` otherwise). */
  deadlineMs?: number;
}

/** Options of a batch of calls. */
export interface BatchOptions extends CallOptions {
  /** Skip the calls after the first failure (`SkippedError`s). */
  halt?: boolean;
}

/** A JSON value as a call by name answers it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * A parameter value of a call by name: JSON, plus `Date` (sent as ISO text) and `undefined`
 * (the property is left out).
 */
export type JsonParam = string | number | boolean | null | Date | undefined | JsonParam[] | { [key: string]: JsonParam };

/** The parameters of a call by name: `filter`, `select`, `order`, `fields`, … as the method takes them. */
export type JsonParams = { [key: string]: JsonParam };

/** How far a list walk has got. */
export interface Progress {
  /** Items handed out so far. */
  readonly items: number;
  /** How many items the list has, once the portal said (counted walks only). */
  readonly total: number | null;
  /** HTTP requests made so far. */
  readonly requests: number;
}

/** The items of a list method for `for await`, fetched a page at a time as the loop asks. */
export declare class ListWalk<T = { [key: string]: JsonValue }> implements AsyncIterableIterator<T> {
  private constructor();
  /** How far the walk has got; readable while a page is fetched. */
  readonly progress: Progress;
  [Symbol.asyncIterator](): ListWalk<T>;
  /** The next item; a page that fails rejects, and the next call asks for that page again. */
  next(): Promise<IteratorResult<T, undefined>>;
  /** Ends a loop early: nothing more is sent, and the walk can go on later. */
  return(): Promise<IteratorResult<T, undefined>>;
  /** The rest of the walk a page (an array of up to 50 items) at a time. */
  pages(): AsyncGenerator<T[], void, undefined>;
}

/** How `list` walks a list method. */
export interface ListOptions {
  /**
   * Walk by ID, as the docs advise for large lists: ordered by ID, each page filtered on `>ID`
   * of the last, never counted. Otherwise the first page says how many items there are and the
   * rest come 50 pages per `batch` request. Default `false`.
   */
  byId?: boolean;
  /** The identifier to walk by (default `ID`; `id` for `crm.item.list`). */
  idField?: string;
  /** Where the items are when `result` is an object (`items` for `crm.item.list`). */
  itemsKey?: string;
  /** Aborting it rejects the walk's pending and later `next()` with an `AbortError`. */
  signal?: AbortSignal;
  /** How long one attempt of each request may take, in milliseconds. */
  timeoutMs?: number;
  /** How long each request may take, waits and retries included, in milliseconds. */
  deadlineMs?: number;
}

/** The calls of any Bitrix24 method by name that every client has. */
export interface AnyMethodCalls {
  /**
   * Calls any method by name, with the same limits, retries and errors as the typed calls.
   * `T` is what you know `result` to be (default: any JSON). `idempotent: true` lets a failure
   * that may have reached the portal be retried; a method without a spec is not, by default.
   * Rejects with `TypeError` (naming the path) for a value JSON cannot hold and with
   * `InvalidArgumentError` for a name that is not a method's, before anything is sent.
   */
  call<T = JsonValue>(method: string, params?: JsonParams | null, options?: CallOptions & { idempotent?: boolean }): Promise<Response<T>>;
  /**
   * Calls of any methods through `batch`, by name: `{ contact: ['crm.contact.get', { ID: 5 }] }`.
   * `$result[name]…` refers to an earlier call's result. One `Response` or error per name.
   */
  batch(calls: { [name: string]: [string, JsonParams?] }, options?: BatchOptions): Promise<{ [name: string]: Response<JsonValue> | B24kitError }>;
  batch(calls: Map<string, [string, JsonParams?]>, options?: BatchOptions): Promise<Map<string, Response<JsonValue> | B24kitError>>;
  /** Every item of a list method, for `for await`, a page of 50 at a time as the loop goes. */
  list<T = { [key: string]: JsonValue }>(method: string, params?: JsonParams | null, options?: ListOptions): ListWalk<T>;
}
