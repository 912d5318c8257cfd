'use strict';
// A call's `AbortSignal`: the promise rejects with `AbortError` the moment the signal aborts,
// and the native side is told to drop the call (its waiting or in-flight request, its
// rate-limiter slot). The native promise settles later, unseen.

const { AbortError } = require('./errors_base.js');

function abortError(signal) {
  return new AbortError('The operation was aborted', { cause: signal.reason });
}

/** `promise`, or an `AbortError` as soon as `signal` aborts (then `cancel` drops the call). */
function abortable(promise, signal, cancel) {
  if (signal.aborted) {
    cancel.cancel();
    return Promise.reject(abortError(signal));
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      cancel.cancel();
      reject(abortError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

module.exports = { abortError, abortable };
