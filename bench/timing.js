'use strict';
// The timing the Node bench scripts share: awaited calls, some in flight at once, and each figure
// as the JSON line bench/table.py reads.

const now = () => Number(process.hrtime.bigint()) / 1e9;

/** Makes `total` awaited calls of `call`, `inFlight` at a time: [latencies (s), elapsed (s)]. */
async function timeCalls(call, total, inFlight) {
  const latencies = [];
  const started = now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let i = 0; i < total / inFlight; i++) {
        const t = now();
        await call();
        latencies.push(now() - t);
      }
    }),
  );
  return [latencies, now() - started];
}

/** Calls made before any figure: a long-running app's calls run optimised code, and so must a bench's. */
const WARM_UP_CALLS = 2000;

/** Warms V8 as a long-running app is: WARM_UP_CALLS calls of `call`, `inFlight` at a time. */
async function warmUp(call, inFlight) {
  for (let i = 0; i < WARM_UP_CALLS; i += inFlight) await Promise.all(Array.from({ length: inFlight }, call));
}

/** One figure: calls per second, median and p99 latency (sorts `latencies`). */
function summary(client, latencies, seconds, inFlight) {
  latencies.sort((a, b) => a - b);
  return JSON.stringify({
    client,
    calls: latencies.length,
    in_flight: inFlight,
    calls_per_second: latencies.length / seconds,
    median_us: latencies[Math.floor(latencies.length / 2)] * 1e6,
    p99_us: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] * 1e6,
  });
}

module.exports = { now, timeCalls, summary, warmUp };
