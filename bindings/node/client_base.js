'use strict';
// What every client has besides its generated methods: construction, closing, a safe
// `util.inspect`, the `Response` of a call, and the argument checks the generated methods use
// (types only: ranges and rules are the core's).

const { inspect } = require('node:util');
const native = require('./native.js');
const { InvalidArgumentError, raise } = require('./errors_base.js');
const { checkKeys, checkOptions, checkRetry, describe, eventListener } = require('./settings.js');
const { Tokens } = require('./tokens.js');
const { check, isPlainObject, paramsJson } = require('./json.js');
const { ListWalk, PAGER } = require('./listing.js');
const { abortError, abortable } = require('./abort.js');

const NATIVE = Symbol('b24kit.native');
const SETTLED = Symbol('b24kit.settled');
const CALL = Symbol('b24kit.call');
const WALK = Symbol('b24kit.walk');
const PRIVATE = Symbol('b24kit.private');
const CALL_OPTIONS = ['signal', 'timeoutMs', 'deadlineMs'];

/**
 * A successful call: the typed `result`, the answer's `time` and, for list methods, `total`
 * (how many items the list has, when the portal counted) and `next` (the next page's start).
 */
class Response {
  constructor(result, time, total = null, next = null) {
    this.result = result;
    this.time = time;
    this.total = total;
    this.next = next;
    Object.freeze(this);
  }
}

/**
 * Checks the options every call takes — `signal`, `timeoutMs`, `deadlineMs` — beside the `extra`
 * keys of this kind of call (checked by the caller).
 */
function checkCallOptions(options, what = 'call option', extra = []) {
  if (options === undefined) return;
  checkKeys(options, what, [...CALL_OPTIONS, ...extra]);
  const { signal, timeoutMs, deadlineMs } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError(`signal must be an AbortSignal, not ${describe(signal)}`);
  if (timeoutMs !== undefined && typeof timeoutMs !== 'number') throw new TypeError(`timeoutMs must be a number, not ${describe(timeoutMs)}`);
  if (deadlineMs !== undefined && typeof deadlineMs !== 'number') throw new TypeError(`deadlineMs must be a number, not ${describe(deadlineMs)}`);
}

/** The native client of a call with these options: bounded by its time limits, if it has any. */
function limited(nativeClient, options) {
  if (options === undefined || (options.timeoutMs === undefined && options.deadlineMs === undefined)) return nativeClient;
  return created(nativeClient.withTimeLimits(options.timeoutMs, options.deadlineMs));
}

/** Checks the options of a call by name; returns `idempotent` or null for the default. */
function checkIdempotent(options) {
  if (options === undefined) return null;
  checkCallOptions(options, 'call option', ['idempotent']);
  if (options.idempotent === undefined) return null;
  if (typeof options.idempotent !== 'boolean') throw new TypeError(`idempotent must be a boolean, not ${describe(options.idempotent)}`);
  return options.idempotent;
}

/** The `[name, method, params]` of a mixed batch, from a plain object or a Map of name → [method, params]. */
function namedCalls(calls) {
  let entries;
  if (calls instanceof Map) entries = [...calls];
  else if (calls !== null && typeof calls === 'object' && !Array.isArray(calls) && isPlainObject(calls)) entries = Object.entries(calls);
  else throw new TypeError(`batch takes an object (or Map) of name → [method, params], not ${describe(calls)}`);
  return entries.map(([name, call]) => {
    if (typeof name !== 'string') throw new TypeError(`batch call names are strings, not ${describe(name)}`);
    if (!Array.isArray(call) || call.length < 1 || call.length > 2 || typeof call[0] !== 'string') {
      throw new TypeError(`calls.${name} must be [method, params], not ${describe(call)}`);
    }
    const params = call[1] ?? {};
    if (typeof params !== 'object' || Array.isArray(params) || !isPlainObject(params)) {
      throw new TypeError(`calls.${name}'s parameters must be a plain object, not ${describe(params)}`);
    }
    check(params, `calls.${name}`);
    return [name, call[0], params];
  });
}

function checkListOptions(options) {
  if (options === undefined) return { byId: false, idField: null, itemsKey: null };
  checkCallOptions(options, 'list option', ['byId', 'idField', 'itemsKey']);
  const { byId = false, idField = null, itemsKey = null } = options;
  if (typeof byId !== 'boolean') throw new TypeError(`byId must be a boolean, not ${describe(byId)}`);
  if (idField !== null && typeof idField !== 'string') throw new TypeError(`idField must be a string, not ${describe(idField)}`);
  if (itemsKey !== null && typeof itemsKey !== 'string') throw new TypeError(`itemsKey must be a string, not ${describe(itemsKey)}`);
  return { byId, idField, itemsKey };
}

/**
 * The addon's refusal of an argument it cannot read as its type (an object parameter with a
 * setting of the wrong type) as JavaScript's `TypeError`; any other error as it is.
 */
function argumentError(error) {
  if (error instanceof Error && error.code === 'InvalidArg' && !(error instanceof TypeError)) {
    return new TypeError(error.message);
  }
  return error;
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

/**
 * A JSON parameter (an object or array whose shape another page describes), checked as the
 * parameters of a call by name are — a value JSON cannot hold is a `TypeError` naming where it
 * is (`attach.BLOCKS[0]`) — and handed over as JSON text. `fallback` as for `integerArg`.
 */
function jsonArg(params, name, fallback) {
  const given = params[name];
  if (given === undefined || (given === null && fallback === null)) {
    if (fallback === undefined) throw new TypeError(`${name} is required`);
    return null;
  }
  check(given, name);
  return JSON.stringify(given);
}

/** Checks a batch's calls and options; returns `halt`. */
function checkBatch(calls, options, method) {
  if (!Array.isArray(calls)) throw new TypeError(`${method} takes an array of parameter objects, not ${describe(calls)}`);
  if (options === undefined) return false;
  checkCallOptions(options, `${method} option`, ['halt']);
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
    const forNative = checkOptions(options, false);
    return new this(created(native.createWebhookClient(url, forNative, eventListener(options))), PRIVATE);
  }

  /** A client for an OAuth application: the portal's REST base and an access token. */
  static fromOAuth(endpoint, accessToken, options) {
    if (typeof endpoint !== 'string') throw new TypeError(`endpoint must be a string, not ${describe(endpoint)}`);
    if (typeof accessToken !== 'string') throw new TypeError('accessToken must be a string');
    const forNative = checkOptions(options, true);
    const callback = options && options.refresh ? options.refresh.onTokensRefreshed : undefined;
    return new this(created(native.createOauthClient(endpoint, accessToken, forNative, eventListener(options))), PRIVATE, callback);
  }

  /** This client with another retry policy, sharing connections, rate limiter and token. */
  withRetry(retry) {
    return new this.constructor(created(this[NATIVE]().withRetry(checkRetry(retry))), PRIVATE, this._onTokensRefreshed);
  }

  /**
   * Starts a call on the native client its options ask for — bounded by `timeoutMs` and
   * `deadlineMs`, cancelled by `signal` — and returns its promise.
   */
  [CALL](options, start) {
    if (options === undefined) return this[SETTLED](start(this[NATIVE]()));
    const { signal } = options;
    if (signal !== undefined && signal.aborted) return Promise.reject(abortError(signal));
    const nativeClient = limited(this[NATIVE](), options);
    if (signal === undefined) return this[SETTLED](start(nativeClient));
    const cancel = new native.NativeCancel();
    return abortable(this[SETTLED](start(nativeClient.withCancel(cancel))), signal, cancel);
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

  /**
   * Calls any Bitrix24 method by name, with the same limits, retries and errors as the typed
   * calls: `await client.call('crm.contact.get', { ID: 5 })`. `result` is the answer's JSON.
   * `{ idempotent: true }` lets a failure that may have reached the portal be retried (the
   * default for a method without a spec is not to); `signal`, `timeoutMs` and `deadlineMs`
   * abort or bound this call.
   */
  call(method, params, options) {
    try {
      if (typeof method !== 'string') throw new TypeError(`method must be a string, not ${describe(method)}`);
      const idempotent = checkIdempotent(options);
      const json = paramsJson(params);
      return this[CALL](options, (nativeClient) => nativeClient.callMethod(method, json, idempotent));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Calls of any methods through Bitrix24's `batch`, by name:
   * `await client.batch({ contact: ['crm.contact.get', { ID: 5 }], ... })`. A parameter may refer
   * to an earlier call as `$result[name]…`; such calls always share a request. Resolves with one
   * entry per name — its `Response` or the error it failed with (not thrown) — as an object, or
   * a Map when `calls` is one. With `{ halt: true }` the calls after the first failure are
   * `SkippedError`s.
   */
  batch(calls, options) {
    try {
      const named = namedCalls(calls);
      const halt = checkBatch([], options, 'batch');
      const json = JSON.stringify(named);
      const settled = this[CALL](options, (nativeClient) => nativeClient.batchCalls(json, halt));
      return settled.then((outcomes) => {
        if (calls instanceof Map) return new Map(named.map(([name], i) => [name, outcomes[i]]));
        return Object.fromEntries(named.map(([name], i) => [name, outcomes[i]]));
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Every item of a list method, for `for await`, fetched a page of 50 at a time as the loop
   * goes. `{ byId: true }` walks by ID as the docs advise for large lists (ordered by ID,
   * filtered on `>ID` of the last page, never counted); otherwise the first page says how many
   * there are and the rest come 50 pages per `batch` request. `idField` (default `ID`) and
   * `itemsKey` (where the items are when `result` is an object) fit other list methods.
   * `timeoutMs` and `deadlineMs` bound each request; `signal` aborts the walk.
   */
  list(method, params, options) {
    if (typeof method !== 'string') throw new TypeError(`method must be a string, not ${describe(method)}`);
    const { byId, idField, itemsKey } = checkListOptions(options);
    const json = paramsJson(params);
    return this[WALK](options, (nativeClient) => nativeClient.list(method, json, byId, idField, itemsKey));
  }

  /** A walk whose native pager `open` makes from the native client that `options` bound. */
  [WALK](options, open) {
    const signal = options === undefined ? undefined : options.signal;
    let nativeClient = limited(this[NATIVE](), options);
    const cancel = signal === undefined ? null : new native.NativeCancel();
    if (cancel !== null) nativeClient = nativeClient.withCancel(cancel);
    return new ListWalk(open(nativeClient), PAGER, signal, cancel);
  }

  /**
   * What this client and its clones have done so far, for metrics: `requests`, `answers`,
   * `retries`, `bucketWaits`, `budgetWaits`, `waitedMs`, `tokenRenewals`, `pages`.
   */
  get stats() {
    const stats = this._native ? this._native.stats : { requests: 0, answers: 0, retries: 0, bucketWaits: 0, budgetWaits: 0, waitedMs: 0, tokenRenewals: 0, pages: 0 };
    return Object.freeze(stats);
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
  CALL,
  WALK,
  argumentError,
  ClientBase,
  NATIVE,
  Response,
  SETTLED,
  checkBatch,
  checkCallOptions,
  checkParams,
  flagArg,
  integerArg,
  jsonArg,
  stringArg,
};
