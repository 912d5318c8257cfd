'use strict';
// The emulator runs without limits, so b24jssdk's client-side RestrictionManager must not pace us
// either. Its defaults (core/http/limiters/params-factory) are a token bucket of 50 calls
// refilled at 2/s, an adaptive delayer and an operating-time limiter; they are passed per client
// as `restrictionParams` and replace the defaults one group at a time, so every group is given:
// - rateLimit: a bucket that never empties (burstLimit Infinity; the drain rate stays finite
//   because the refill is computed as elapsed * drainRate, and 0 * Infinity would be NaN);
// - operatingLimit: no per-method operating-time budget to exhaust (limitMs Infinity);
// - adaptiveConfig: off, so no delay is ever derived from the reported operating time;
// - maxRetries 1 (one attempt): a retried call would hide a failure and count as one fast call.
module.exports = {
  rateLimit: { burstLimit: Infinity, drainRate: 1e9, adaptiveEnabled: false },
  operatingLimit: { windowMs: 600_000, limitMs: Infinity, heavyPercent: 100 },
  adaptiveConfig: { enabled: false, thresholdPercent: 100, coefficient: 0, maxDelay: 0 },
  maxRetries: 1,
  retryDelay: 0,
  retryOnNetworkError: false,
};
