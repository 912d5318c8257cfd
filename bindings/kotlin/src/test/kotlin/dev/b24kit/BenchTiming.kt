package dev.b24kit

import kotlin.coroutines.CoroutineContext
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope

/** Seconds of calls before the figures: half one at a time, half 64 at a time. */
private const val WARM_SECONDS = 4L

/**
 * Warms the JVM as a long-running app is: the JIT compiles the call path (Kotlin, JNA, the
 * coroutine machinery) during the first seconds of calls, and a server app's first seconds are
 * not what it runs at. [WARM_SECONDS] of calls of [call] on [context], one and 64 at a time.
 */
internal suspend fun warmUp(context: CoroutineContext, call: suspend () -> Unit) = coroutineScope {
    for (inFlight in listOf(1, 64)) {
        val until = System.nanoTime() + WARM_SECONDS * 500_000_000L
        (0 until inFlight).map { async(context) { while (System.nanoTime() < until) call() } }.awaitAll()
    }
}

/**
 * The timing the Kotlin bench programs share: `calls` calls of [call], `inFlight` at a time on
 * [context], printed as the JSON line bench/table.py reads for `client`.
 */
internal suspend fun printTimedCalls(client: String, calls: Int, inFlight: Int, context: CoroutineContext, call: suspend () -> Unit) {
    val latencies = LongArray(calls)
    val started = System.nanoTime()
    coroutineScope {
        (0 until inFlight).map { worker ->
            async(context) {
                for (i in worker until calls step inFlight) {
                    val t = System.nanoTime()
                    call()
                    latencies[i] = System.nanoTime() - t
                }
            }
        }.awaitAll()
    }
    val seconds = (System.nanoTime() - started) / 1e9
    latencies.sort()
    println(
        """{"client": "$client", "in_flight": $inFlight, "calls": $calls, "calls_per_second": ${calls / seconds}, """ +
            """"median_us": ${latencies[calls / 2] / 1e3}, "p99_us": ${latencies[minOf(calls - 1, calls * 99 / 100)] / 1e3}}""",
    )
}
