'use strict';
// `readEvent`: what a portal POSTs to an event handler, checked and read by the core.

const { inspect } = require('node:util');
const native = require('./native.js');
const { raise } = require('./errors_base.js');

/** Who sent a delivery; `util.inspect` and `toString` show neither token. */
class EventAuth {
  constructor(native) {
    this.domain = native.domain;
    this.memberId = native.memberId;
    this.scope = native.scope ?? null;
    this.status = native.status ?? null;
    this.clientEndpoint = native.clientEndpoint ?? null;
    this.serverEndpoint = native.serverEndpoint ?? null;
    this.accessToken = native.accessToken ?? null;
    this.refreshToken = native.refreshToken ?? null;
    this.expiresIn = native.expiresIn ?? null;
    Object.freeze(this);
  }

  toString() {
    const hidden = (token) => (token === null ? 'null' : '***');
    return `EventAuth(domain: ${this.domain}, memberId: ${this.memberId}, accessToken: ${hidden(this.accessToken)}, refreshToken: ${hidden(this.refreshToken)})`;
  }

  [inspect.custom]() {
    return this.toString();
  }

  toJSON() {
    return { ...this, accessToken: this.accessToken && '***', refreshToken: this.refreshToken && '***' };
  }
}

/**
 * Reads the body a portal POSTs to an event handler (`application/x-www-form-urlencoded`, as a
 * Buffer, Uint8Array or string). The body's `auth[application_token]` must equal
 * `applicationToken` (compared in constant time) before the event is read.
 */
function readEvent(body, applicationToken) {
  let bytes;
  if (typeof body === 'string') bytes = Buffer.from(body, 'utf8');
  else if (body instanceof Uint8Array) bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  else throw new TypeError('readEvent: body must be a Buffer, a Uint8Array or a string');
  if (typeof applicationToken !== 'string') throw new TypeError('readEvent: applicationToken must be a string');
  const outcome = native.readEvent(bytes, applicationToken);
  if (outcome.error) raise(outcome.error);
  const { event, eventId, sentAt, auth } = outcome.delivery;
  // The addon sets the field named after the event (`onSessionStart`), or `other`.
  const field = event.name === 'Other' ? 'other' : event.name[0].toLowerCase() + event.name.slice(1);
  return Object.freeze({
    event: Object.freeze({ type: event.name, code: event.code, data: event[field] }),
    eventId: eventId ?? null,
    sentAt: sentAt ?? null,
    auth: new EventAuth(auth),
  });
}

module.exports = { EventAuth, readEvent };
