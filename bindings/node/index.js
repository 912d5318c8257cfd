'use strict';
/**
 * b24kit: a typed Bitrix24 REST client on a Rust core.
 *
 *   const { Client } = require('b24kit');
 *   const client = Client.fromWebhook('https://your-domain.bitrix24.com/rest/1/your_webhook_key/');
 *   const { result, time } = await client.imopenlinesSessionModeSilent({ chatId: 2043, activate: true });
 *
 * `readEvent(body, applicationToken)` reads what a portal POSTs to an event handler.
 */

const native = require('./native.js');
const errors = require('./errors.js');
const { Client, Time, makeJsonResponse, makeResponse } = require('./client.js');
const { Response } = require('./client_base.js');
const { ListWalk } = require('./listing.js');
const { DEFAULT_OAUTH_SERVER, RateLimit } = require('./settings.js');
const { Tokens } = require('./tokens.js');
const { EventAuth, readEvent } = require('./incoming.js');
// Not a B24kitError (nor in `errors`): the caller aborted, as with Node's own AbortError.
const { AbortError } = require('./errors_base.js');

const packageVersion = require('./package.json').version;
if (native.version() !== packageVersion) {
  throw new Error(`b24kit's addon is version ${native.version()} but the package is ${packageVersion}; rebuild it`);
}

native.init(makeResponse, makeJsonResponse, errors.makeError);

const { makeError, ...errorClasses } = errors;

module.exports = {
  AbortError,
  Client,
  DEFAULT_OAUTH_SERVER,
  EventAuth,
  ListWalk,
  RateLimit,
  Response,
  Time,
  Tokens,
  errors: Object.freeze({ ...errorClasses }),
  readEvent,
  version: packageVersion,
  ...errorClasses,
};
