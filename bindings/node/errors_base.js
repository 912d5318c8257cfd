'use strict';
/**
 * The error classes every b24kit error derives from, and the factory that makes the right one
 * from a record the addon reports. The classes of each documented code are generated, in
 * `errors.js`, which registers the factory here (`setFactory`) and re-exports these.
 */

const BRAND = Symbol.for('b24kit.error');
const FIELDS = ['code', 'description', 'httpStatus', 'retryable', 'mayHaveReachedServer', 'method', 'category', 'kind', 'parameter'];

function assignFields(target, fields) {
  for (const key of FIELDS) {
    const value = fields[key];
    target[key] = value === undefined ? (key === 'retryable' ? false : key === 'mayHaveReachedServer' ? true : null) : value;
  }
  Object.defineProperty(target, BRAND, { value: true });
}

/** Base class of every error b24kit raises. */
class B24kitError extends Error {
  constructor(message, fields = {}) {
    super(message);
    this.name = new.target.name;
    assignFields(this, fields);
  }

  /** `InvalidArgumentError` and `ConfigError` extend built-in errors yet are b24kit errors too. */
  static [Symbol.hasInstance](value) {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    return this === B24kitError && value !== null && typeof value === 'object' && value[BRAND] === true;
  }
}

/** The portal refused the call with an error documented for the called method. */
class MethodError extends B24kitError {}

/** The portal refused the call with an error that any method can return. */
class BitrixSystemError extends B24kitError {}

/** A Bitrix24 error code the docs do not list (kept in `code`). */
class UnknownCodeError extends B24kitError {}

/** A non-success HTTP status without a Bitrix24 error body. */
class HttpError extends B24kitError {}

/**
 * The portal has been renamed: its old address answered with a redirect to the new one. The
 * redirect is not followed (the credentials would go with it); `location` is the new address —
 * put it in the webhook URL or OAuth endpoint.
 */
class PortalMovedError extends B24kitError {
  /** The new address, `https://<new portal>/`. */
  get location() {
    return this.description ?? '';
  }
}

/** No answer arrived; `kind` says why and `mayHaveReachedServer` whether it was sent. */
class TransportError extends B24kitError {}

/** No connection could be opened; the request was not sent. */
class ConnectError extends TransportError {}

/** The TLS handshake failed (for example an untrusted certificate). */
class TlsError extends TransportError {}

/** The call's time limit passed before the whole answer arrived. */
class RequestTimeoutError extends TransportError {}

/** The connection closed or broke before the whole answer arrived. */
class ConnectionLostError extends TransportError {}

/** An answer arrived but is not a Bitrix24 answer of the expected shape; see `kind`. */
class ProtocolError extends B24kitError {}

/** A parameter was rejected before anything was sent; `parameter` names it. */
class InvalidArgumentError extends RangeError {
  constructor(message, fields = {}) {
    super(message);
    this.name = 'InvalidArgumentError';
    assignFields(this, fields);
  }
}

/** The client settings were rejected; nothing was sent. */
class ConfigError extends TypeError {
  constructor(message, fields = {}) {
    super(message);
    this.name = 'ConfigError';
    assignFields(this, fields);
  }
}

/** The OAuth server refused to renew the access token; `code` is its error (`invalid_grant`: authorize again). */
class TokenRefreshError extends B24kitError {}

/** A batch call that never ran: an earlier call failed and the batch was sent with `halt`. */
class SkippedError extends B24kitError {}

/**
 * A body POSTed to an event handler is not a delivery this application can trust; `kind` says
 * why (`malformed`, `missing_key`, `token_mismatch`, `bad_data`). Never shows a token.
 */
class EventError extends B24kitError {}

/** The body is not a form as a portal writes one, or lacks a key every delivery has (`parameter`). */
class EventFormError extends EventError {}

/** The application token is not this application's: the delivery did not come from a portal that installed it. */
class EventTokenError extends EventError {}

/** The event's `data` does not have its documented shape; `code` is the event's code. */
class EventDataError extends EventError {}

const EVENT_ERRORS = { malformed: EventFormError, missing_key: EventFormError, token_mismatch: EventTokenError, bad_data: EventDataError };

const TRANSPORT_ERRORS = { connect: ConnectError, tls: TlsError, timeout: RequestTimeoutError, connection_lost: ConnectionLostError };

const OTHER_ERRORS = {
  unknown_code: UnknownCodeError,
  http: HttpError,
  portal_moved: PortalMovedError,
  protocol: ProtocolError,
  invalid_argument: InvalidArgumentError,
  invalid_config: ConfigError,
  token_refresh: TokenRefreshError,
  skipped: SkippedError,
};

/**
 * The factory of typed errors, given the classes of the documented codes: it builds the error
 * for a record the addon reports (the core's `kind_name` in `variant`).
 */
function errorFactory(methodErrors, systemErrors) {
  return function makeError(record) {
    let Class;
    if (record.variant === 'method') Class = methodErrors[record.code] || MethodError;
    else if (record.variant === 'system') Class = systemErrors[record.code] || BitrixSystemError;
    else if (record.variant === 'transport') Class = TRANSPORT_ERRORS[record.kind] || TransportError;
    else if (record.variant === 'event') Class = EVENT_ERRORS[record.kind] || EventError;
    else Class = OTHER_ERRORS[record.variant] || B24kitError;
    return new Class(record.message, record);
  };
}

let factory = null;

/** Registers the factory of `errors.js`; done once, when it loads. */
function setFactory(makeError) {
  factory = makeError;
}

/** Throws the typed error of a record the addon reported. */
function raise(record) {
  throw factory ? factory(record) : new B24kitError(record.message, record);
}

/**
 * A call given an `AbortSignal` that aborted: rejected at once, its request (waiting or in
 * flight) dropped and its rate-limiter slot given back. As Node's own `AbortError`: `name`
 * `AbortError`, `code` `ABORT_ERR`, and the signal's `reason` as `cause`.
 */
class AbortError extends Error {
  constructor(message = 'The operation was aborted', options = undefined) {
    super(message, options);
    this.name = 'AbortError';
    this.code = 'ABORT_ERR';
  }
}

module.exports = {
  AbortError,
  B24kitError,
  MethodError,
  BitrixSystemError,
  UnknownCodeError,
  HttpError,
  PortalMovedError,
  TransportError,
  ConnectError,
  TlsError,
  RequestTimeoutError,
  ConnectionLostError,
  ProtocolError,
  InvalidArgumentError,
  ConfigError,
  TokenRefreshError,
  SkippedError,
  EventError,
  EventFormError,
  EventTokenError,
  EventDataError,
  errorFactory,
  raise,
  setFactory,
};
