'use strict';
// What every client has besides its generated methods: construction, closing, a safe
// `util.inspect`, and the argument checks the generated methods use.

const { inspect } = require('node:util');
const native = require('./native.js');
const { makeError } = require('./errors.js');

const NATIVE = Symbol('b24kit.native');
const PRIVATE = Symbol('b24kit.private');
const OPTIONS = ['timeoutMs', 'connectTimeoutMs', 'maxResponseBytes', 'userAgent', 'rootCertificatePem'];

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

function checkOptions(options) {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') throw new TypeError(`options must be an object, not ${describe(options)}`);
  for (const key of Object.keys(options)) {
    if (!OPTIONS.includes(key)) throw new TypeError(`unknown option "${key}"; options are ${OPTIONS.join(', ')}`);
  }
  for (const key of ['timeoutMs', 'connectTimeoutMs', 'maxResponseBytes']) {
    if (options[key] !== undefined && typeof options[key] !== 'number') throw new TypeError(`${key} must be a number, not ${describe(options[key])}`);
  }
  for (const key of ['userAgent', 'rootCertificatePem']) {
    if (options[key] !== undefined && typeof options[key] !== 'string') throw new TypeError(`${key} must be a string, not ${describe(options[key])}`);
  }
  return options;
}

function created(outcome) {
  if (outcome instanceof native.NativeClient) return outcome;
  throw makeError(outcome);
}

class ClientBase {
  constructor(nativeClient, token) {
    if (token !== PRIVATE) throw new TypeError('create clients with Client.fromWebhook(url) or Client.fromOAuth(endpoint, token)');
    Object.defineProperty(this, '_native', { value: nativeClient, writable: true });
  }

  /** A client for an inbound webhook, `https://<portal>/rest/<user id>/<key>/`. */
  static fromWebhook(url, options) {
    if (typeof url !== 'string') throw new TypeError(`url must be a string, not ${describe(url)}`);
    return new this(created(native.createWebhookClient(url, checkOptions(options))), PRIVATE);
  }

  /** A client for an OAuth application: the portal's REST base and an access token. */
  static fromOAuth(endpoint, accessToken, options) {
    if (typeof endpoint !== 'string') throw new TypeError(`endpoint must be a string, not ${describe(endpoint)}`);
    if (typeof accessToken !== 'string') throw new TypeError('accessToken must be a string');
    return new this(created(native.createOauthClient(endpoint, accessToken, checkOptions(options))), PRIVATE);
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

module.exports = { ClientBase, NATIVE, checkParams, integerArg, flagArg, stringArg };
