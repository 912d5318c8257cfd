'use strict';
// What every client has besides its generated methods: construction, closing, a safe
// `util.inspect`, and the argument checks the generated methods use.

const { inspect } = require('node:util');
const native = require('./native.js');
const { makeError } = require('./errors.js');

const NATIVE = Symbol('b24kit.native');
const SETTLED = Symbol('b24kit.settled');
const PRIVATE = Symbol('b24kit.private');
const OPTIONS = ['timeoutMs', 'connectTimeoutMs', 'maxResponseBytes', 'userAgent', 'rootCertificatePem', 'rateLimit', 'retry'];
const RETRY_OPTIONS = ['maxAttempts', 'initialBackoffMs', 'maxBackoffMs', 'deadlineMs'];
const REFRESH_OPTIONS = ['clientId', 'clientSecret', 'refreshToken', 'oauthServer', 'onTokensRefreshed'];

/** The documented OAuth server's token URL. */
const DEFAULT_OAUTH_SERVER = native.defaultOauthServer();

/**
 * The portal's request-intensity limit that a client paces itself by: a leaky bucket of `burst`
 * requests draining `drainPerSecond`. The values are checked when a client is made with it.
 */
class RateLimit {
  constructor(burst, drainPerSecond) {
    if (typeof burst !== 'number' || typeof drainPerSecond !== 'number') {
      throw new TypeError('RateLimit takes two numbers: burst and drainPerSecond');
    }
    this.burst = burst;
    this.drainPerSecond = drainPerSecond;
    Object.freeze(this);
  }

  /** The least time, in milliseconds, that `requests` calls take under this limit. */
  minimumDurationMs(requests) {
    const usableBurst = Math.max(this.burst - 1, 1);
    return (Math.max(requests - usableBurst, 0) / this.drainPerSecond) * 1000;
  }
}
RateLimit.STANDARD = new RateLimit(50, 2);
RateLimit.ENTERPRISE = new RateLimit(250, 5);
Object.freeze(RateLimit);

/** A renewed token pair, as `onTokensRefreshed` receives it; `util.inspect` shows neither token. */
class Tokens {
  constructor(native) {
    this.accessToken = native.accessToken;
    this.refreshToken = native.refreshToken;
    this.expires = native.expires ?? null;
    this.expiresIn = native.expiresIn ?? null;
    this.clientEndpoint = native.clientEndpoint ?? null;
    this.memberId = native.memberId ?? null;
    Object.freeze(this);
  }

  toString() {
    return `Tokens(accessToken: ***, refreshToken: ***, expires: ${this.expires})`;
  }

  [inspect.custom]() {
    return this.toString();
  }
}

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value)})`;
  return typeof value === 'number' ? String(value) : `a ${typeof value}`;
}

/** Throws `TypeError` unless `params` is a plain object with only the method's keys. */
function checkParams(params, method, allowed) {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new TypeError(`${method} takes an object of parameters, e.g. { ${allowed[0]}: … }, not ${describe(params)}`);
  }
  for (const key of Object.keys(params)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`${method} has no parameter "${key}"; its parameters are ${allowed.join(', ')}`);
    }
  }
}

/**
 * An integer parameter: `TypeError` for anything but an integer number, `RangeError` beyond 2^53.
 * `fallback` is used when the parameter is left out: `undefined` makes it required, `null` lets
 * it be absent (then it is not sent).
 */
function integerArg(params, name, fallback) {
  const value = params[name] === undefined || params[name] === null ? fallback : params[name];
  if (value === undefined) throw new TypeError(`${name} is required`);
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${name} must be an integer, not ${describe(value)}`);
  }
  if (!Number.isSafeInteger(value)) {
    throw makeError({
      variant: 'invalid_argument',
      message: `${name} must be a safe integer (at most 2^53 - 1 in magnitude), got ${value}`,
      parameter: name,
      mayHaveReachedServer: false,
    });
  }
  return value;
}

/** A text parameter, required (`fallback` undefined) or optional (`fallback` null). */
function stringArg(params, name, fallback) {
  const value = params[name] === undefined || params[name] === null ? fallback : params[name];
  if (value === undefined) throw new TypeError(`${name} is required`);
  if (value === null) return null;
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string, not ${describe(value)}`);
  return value;
}

/** A boolean parameter: `TypeError` for anything but `true` or `false`. */
function flagArg(params, name, fallback) {
  const value = params[name] === undefined ? fallback : params[name];
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean, not ${describe(value)}`);
  return value;
}

function checkKeys(object, what, allowed) {
  if (object === null || typeof object !== 'object' || Array.isArray(object)) throw new TypeError(`${what} must be an object, not ${describe(object)}`);
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) throw new TypeError(`unknown ${what} "${key}"; they are ${allowed.join(', ')}`);
  }
}

/** Retry settings as the addon takes them. */
function checkRetry(retry) {
  checkKeys(retry, 'retry option', RETRY_OPTIONS);
  for (const key of RETRY_OPTIONS) {
    if (retry[key] !== undefined && typeof retry[key] !== 'number') throw new TypeError(`retry.${key} must be a number, not ${describe(retry[key])}`);
  }
  if (retry.maxAttempts !== undefined && (!Number.isInteger(retry.maxAttempts) || retry.maxAttempts < 1 || retry.maxAttempts > 0xffffffff)) {
    throw makeError({ variant: 'invalid_config', message: `invalid client settings: retry.maxAttempts must be a whole number of at least 1, not ${retry.maxAttempts}`, mayHaveReachedServer: false });
  }
  return { ...retry };
}

/** Options as the addon takes them; `refresh` only for OAuth clients. */
function checkOptions(options, allowRefresh) {
  if (options === undefined) return {};
  checkKeys(options, 'option', allowRefresh ? [...OPTIONS, 'refresh'] : OPTIONS);
  for (const key of ['timeoutMs', 'connectTimeoutMs', 'maxResponseBytes']) {
    if (options[key] !== undefined && typeof options[key] !== 'number') throw new TypeError(`${key} must be a number, not ${describe(options[key])}`);
  }
  for (const key of ['userAgent', 'rootCertificatePem']) {
    if (options[key] !== undefined && typeof options[key] !== 'string') throw new TypeError(`${key} must be a string, not ${describe(options[key])}`);
  }
  const forNative = { ...options, rateLimit: undefined, retry: undefined, refresh: undefined };
  if (options.rateLimit === null) {
    forNative.rateLimitOff = true;
  } else if (options.rateLimit !== undefined) {
    if (!(options.rateLimit instanceof RateLimit)) throw new TypeError(`rateLimit must be a RateLimit or null, not ${describe(options.rateLimit)}`);
    forNative.rateLimitBurst = options.rateLimit.burst;
    forNative.rateLimitDrainPerSecond = options.rateLimit.drainPerSecond;
  }
  if (options.retry !== undefined) forNative.retry = checkRetry(options.retry);
  if (options.refresh !== undefined) {
    const refresh = options.refresh;
    checkKeys(refresh, 'refresh option', REFRESH_OPTIONS);
    for (const key of ['clientId', 'clientSecret', 'refreshToken']) {
      if (typeof refresh[key] !== 'string') throw new TypeError(`refresh.${key} must be a string, not ${describe(refresh[key])}`);
    }
    if (refresh.oauthServer !== undefined && typeof refresh.oauthServer !== 'string') throw new TypeError('refresh.oauthServer must be a string');
    if (refresh.onTokensRefreshed !== undefined && typeof refresh.onTokensRefreshed !== 'function') throw new TypeError('refresh.onTokensRefreshed must be a function');
    forNative.refresh = {
      clientId: refresh.clientId,
      clientSecret: refresh.clientSecret,
      refreshToken: refresh.refreshToken,
      oauthServer: refresh.oauthServer,
    };
  }
  return forNative;
}

/** Checks a batch's calls and options; returns `halt`. */
function checkBatch(calls, options, method) {
  if (!Array.isArray(calls)) throw new TypeError(`${method} takes an array of parameter objects, not ${describe(calls)}`);
  if (options === undefined) return false;
  checkKeys(options, `${method} option`, ['halt']);
  if (options.halt !== undefined && typeof options.halt !== 'boolean') throw new TypeError(`halt must be a boolean, not ${describe(options.halt)}`);
  return options.halt === true;
}

function created(outcome) {
  if (outcome instanceof native.NativeClient) return outcome;
  throw makeError(outcome);
}

class ClientBase {
  constructor(nativeClient, token, onTokensRefreshed) {
    if (token !== PRIVATE) throw new TypeError('create clients with Client.fromWebhook(url) or Client.fromOAuth(endpoint, token)');
    Object.defineProperty(this, '_native', { value: nativeClient, writable: true });
    Object.defineProperty(this, '_onTokensRefreshed', { value: onTokensRefreshed });
  }

  /** A client for an inbound webhook, `https://<portal>/rest/<user id>/<key>/`. */
  static fromWebhook(url, options) {
    if (typeof url !== 'string') throw new TypeError(`url must be a string, not ${describe(url)}`);
    return new this(created(native.createWebhookClient(url, checkOptions(options, false))), PRIVATE);
  }

  /** A client for an OAuth application: the portal's REST base and an access token. */
  static fromOAuth(endpoint, accessToken, options) {
    if (typeof endpoint !== 'string') throw new TypeError(`endpoint must be a string, not ${describe(endpoint)}`);
    if (typeof accessToken !== 'string') throw new TypeError('accessToken must be a string');
    const forNative = checkOptions(options, true);
    const callback = options && options.refresh ? options.refresh.onTokensRefreshed : undefined;
    return new this(created(native.createOauthClient(endpoint, accessToken, forNative)), PRIVATE, callback);
  }

  /** This client with another retry policy, sharing connections, rate limiter and token. */
  withRetry(retry) {
    return new this.constructor(created(this[NATIVE]().withRetry(checkRetry(retry))), PRIVATE, this._onTokensRefreshed);
  }

  /**
   * The promise of a call; with a token callback, the callback first sees any pair that was
   * renewed meanwhile (so it runs on this thread, once per renewal).
   */
  [SETTLED](promise) {
    if (!this._onTokensRefreshed) return promise;
    const deliver = () => {
      for (const tokens of this._native ? this._native.takeRenewedTokens() : []) {
        try {
          this._onTokensRefreshed(new Tokens(tokens));
        } catch (error) {
          process.emitWarning(`b24kit: onTokensRefreshed threw: ${error && error.message}`, 'B24kitWarning');
        }
      }
    };
    return promise.finally(deliver);
  }

  /** Closes the kept-alive connections; later calls reject. */
  close() {
    if (this._native) this._native.close();
    this._native = null;
  }

  [NATIVE]() {
    if (!this._native) throw new Error('the client has been closed');
    return this._native;
  }

  toString() {
    return `b24kit.${this.constructor.name}(${this._native ? this._native.label : 'closed'})`;
  }

  [inspect.custom]() {
    return this.toString();
  }
}

module.exports = {
  ClientBase,
  DEFAULT_OAUTH_SERVER,
  NATIVE,
  RateLimit,
  SETTLED,
  Tokens,
  checkBatch,
  checkParams,
  flagArg,
  integerArg,
  stringArg,
};
