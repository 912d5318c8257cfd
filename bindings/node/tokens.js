'use strict';
// The token pair `onTokensRefreshed` receives.

const { inspect } = require('node:util');

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

module.exports = { Tokens };
