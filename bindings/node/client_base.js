'use strict';
// What every client has besides its generated methods: construction, closing, a safe
// `util.inspect`, the `Response` of a call, and the argument checks the generated methods use
// (types only: ranges and rules are the core's).

const { inspect } = require('node:util');
const native = require('./native.js');
const { InvalidArgumentError, raise } = require('./errors_base.js');
const { checkKeys, checkOptions, checkRetry, describe } = require('./settings.js');
const { Tokens } = require('./tokens.js');

const NATIVE = Symbol('b24kit.native');
const SETTLED = Symbol('b24kit.settled');
const PRIVATE = Symbol('b24kit.private');

/** A successful call: the typed `result` and the answer's `time`. */
class Response {
  constructor(result, time) {
    this.result = result;
    this.time = time;
    Object.freeze(this);
  }
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
 * An integer parameter: `TypeError` for anything but an integer number; an integer JavaScript
 * cannot hold exactly (beyond 2^53) is an `InvalidArgumentError`. `fallback` is used when the
 * parameter is left out: `undefined` makes it required, `null` lets it be absent (then it is
 * not sent).
 */
function integerArg(params, name, fallback) {
  const value = params[name] === undefined || params[name] === null ? fallback : params[name];
  if (value === undefined) throw new TypeError(`${name} is required`);
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${name} must be an integer, not ${describe(value)}`);
  }
  if (!Number.isSafeInteger(value)) {
    throw new InvalidArgumentError(`${name} must be a safe integer (at most 2^53 - 1 in magnitude), got ${value}`, {
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
  return raise(outcome);
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
  NATIVE,
  Response,
  SETTLED,
  checkBatch,
  checkParams,
  flagArg,
  integerArg,
  stringArg,
};
