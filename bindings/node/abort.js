'use strict';
// A call's `AbortSignal`: when the signal aborts, the native side is told to drop the call (its
// waiting or in-flight request, its rate-limiter slot), and the promise rejects with `AbortError`
// as soon as the native promise has settled — one wake-up of the I/O thread, well under a
// millisecond — because the call has been dropped by then: a call made right after the rejection
// finds the slot given back instead of queueing behind the cancelled one.

const { AbortError } = require('./errors_base.js');

function abortError(signal) {
  return new AbortError('The operation was aborted', { cause: signal.reason });
}

/** `promise`, or an `AbortError` once `signal` aborts and `cancel` has dropped the call. */
function abortable(promise, signal, cancel) {
  return new Promise((resolve, reject) => {
    let aborted = false;
    const onAbort = () => {
      aborted = true;
      cancel.cancel();
    };
    // A native promise that settles after an abort carries nothing the caller asked for.
    promise.then(
      (value) => (aborted ? reject(abortError(signal)) : resolve(value)),
      (error) => (aborted ? reject(abortError(signal)) : reject(error)),
    ).finally(() => signal.removeEventListener('abort', onAbort));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

module.exports = { abortError, abortable };
