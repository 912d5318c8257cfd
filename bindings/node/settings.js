'use strict';
// Client options from JavaScript to the addon: their names and types are checked here (a typo
// or a wrong type is a TypeError, as JavaScript callers expect); their values — ranges,
// defaults, arithmetic — are the core's.

const native = require('./native.js');
const { raise } = require('./errors_base.js');

const OPTIONS = ['timeoutMs', 'deadlineMs', 'connectTimeoutMs', 'maxResponseBytes', 'userAgent', 'rootCertificatePem', 'rateLimit', 'retry', 'operatingBudget', 'shared', 'onEvent'];
const RETRY_OPTIONS = ['maxAttempts', 'initialBackoffMs', 'maxBackoffMs'];
const BUDGET_OPTIONS = ['limitMs', 'headroomMs'];
const SHARED_OPTIONS = ['url', 'prefix', 'ifUnreachable', 'rootCertificatePem'];
const REFRESH_OPTIONS = ['clientId', 'clientSecret', 'refreshToken', 'oauthServer', 'onTokensRefreshed'];

/** The documented OAuth server's token URL. */
const DEFAULT_OAUTH_SERVER = native.defaultOauthServer();

/**
 * The portal's request-intensity limit that a client paces itself by: a leaky bucket of `burst`
 * requests draining `drainPerSecond`. Throws `ConfigError` for values the core refuses.
 */
class RateLimit {
  constructor(burst, drainPerSecond) {
    if (typeof burst !== 'number' || typeof drainPerSecond !== 'number') {
      throw new TypeError('RateLimit takes two numbers: burst and drainPerSecond');
    }
    const problem = native.checkRateLimit(burst, drainPerSecond);
    if (problem) raise(problem);
    this.burst = burst;
    this.drainPerSecond = drainPerSecond;
    Object.freeze(this);
  }

  /** The least time, in milliseconds, that `requests` calls take under this limit. */
  minimumDurationMs(requests) {
    if (typeof requests !== 'number') throw new TypeError(`requests must be a number, not ${describe(requests)}`);
    return native.rateLimitMinimumDurationMs(this.burst, this.drainPerSecond, requests);
  }
}
RateLimit.STANDARD = new RateLimit(50, 2);
RateLimit.ENTERPRISE = new RateLimit(250, 5);
Object.freeze(RateLimit);

/** A value as a message names it. */
function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value)})`;
  return typeof value === 'number' ? String(value) : `a ${typeof value}`;
}

function checkKeys(object, what, allowed) {
  if (object === null || typeof object !== 'object' || Array.isArray(object)) throw new TypeError(`${what} must be an object, not ${describe(object)}`);
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) throw new TypeError(`unknown ${what} "${key}"; they are ${allowed.join(', ')}`);
  }
}

function checkNumbers(object, what, keys) {
  for (const key of keys) {
    if (object[key] !== undefined && typeof object[key] !== 'number') throw new TypeError(`${what}.${key} must be a number, not ${describe(object[key])}`);
  }
}

/** Retry settings as the addon takes them. */
function checkRetry(retry) {
  checkKeys(retry, 'retry option', RETRY_OPTIONS);
  checkNumbers(retry, 'retry', RETRY_OPTIONS);
  return { ...retry };
}

/** Shared limits as the addon takes them: a Redis URL alone, or with its options. */
function checkShared(shared) {
  if (typeof shared === 'string') return { url: shared };
  checkKeys(shared, 'shared option', SHARED_OPTIONS);
  for (const key of SHARED_OPTIONS) {
    if (shared[key] !== undefined && typeof shared[key] !== 'string') throw new TypeError(`shared.${key} must be a string, not ${describe(shared[key])}`);
  }
  if (shared.url === undefined) throw new TypeError('shared.url is required: the Redis URL, e.g. redis://127.0.0.1:6379/0');
  return { ...shared };
}

/** Options as the addon takes them; `refresh` only for OAuth clients. */
function checkOptions(options, allowRefresh) {
  if (options === undefined) return {};
  checkKeys(options, 'option', allowRefresh ? [...OPTIONS, 'refresh'] : OPTIONS);
  for (const key of ['timeoutMs', 'deadlineMs', 'connectTimeoutMs', 'maxResponseBytes']) {
    if (options[key] !== undefined && typeof options[key] !== 'number') throw new TypeError(`${key} must be a number, not ${describe(options[key])}`);
  }
  for (const key of ['userAgent', 'rootCertificatePem']) {
    if (options[key] !== undefined && typeof options[key] !== 'string') throw new TypeError(`${key} must be a string, not ${describe(options[key])}`);
  }
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') throw new TypeError(`onEvent must be a function, not ${describe(options.onEvent)}`);
  const forNative = { ...options, rateLimit: undefined, retry: undefined, operatingBudget: undefined, shared: undefined, refresh: undefined, onEvent: undefined };
  if (options.rateLimit === null) {
    forNative.rateLimitOff = true;
  } else if (options.rateLimit !== undefined) {
    if (!(options.rateLimit instanceof RateLimit)) throw new TypeError(`rateLimit must be a RateLimit or null, not ${describe(options.rateLimit)}`);
    forNative.rateLimitBurst = options.rateLimit.burst;
    forNative.rateLimitDrainPerSecond = options.rateLimit.drainPerSecond;
  }
  if (options.retry !== undefined) forNative.retry = checkRetry(options.retry);
  if (options.operatingBudget === null) {
    forNative.operatingBudgetOff = true;
  } else if (options.operatingBudget !== undefined) {
    checkKeys(options.operatingBudget, 'operatingBudget option', BUDGET_OPTIONS);
    checkNumbers(options.operatingBudget, 'operatingBudget', BUDGET_OPTIONS);
    forNative.operatingBudget = { ...options.operatingBudget };
  }
  if (options.shared !== undefined) forNative.shared = checkShared(options.shared);
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

/**
 * The listener the addon calls for each event, or undefined: the caller's `onEvent` given a
 * frozen event, a throw reported as a warning rather than lost in the addon.
 */
function eventListener(options) {
  const onEvent = options === undefined ? undefined : options.onEvent;
  if (onEvent === undefined) return undefined;
  return (event) => {
    try {
      onEvent(Object.freeze(event));
    } catch (error) {
      process.emitWarning(`b24kit: onEvent threw: ${error && error.message}`, 'B24kitWarning');
    }
  };
}

module.exports = { DEFAULT_OAUTH_SERVER, RateLimit, checkKeys, checkOptions, checkRetry, describe, eventListener };
