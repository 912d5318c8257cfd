package dev.b24kit

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking

/**
 * Kotlin figures for bench/run.sh (not a test): `<calls>` suspend calls of
 * `imopenlines.session.mode.silent`, sequential and with 64 in flight (or the comma-separated
 * counts of an optional third argument, for profiling one of them), against `<webhook URL>`; one JSON line
 * per figure; B24KIT_BENCH_CA names the emulator's certificate for a TLS run. Run with `mvn exec:java -Dexec.mainClass=dev.b24kit.BenchKt -Dexec.classpathScope=test
 * -Dexec.args="<url> <calls>" -Djna.library.path=<dir of libb24kit_uniffi.so>`.
 */
/** Seconds of calls before the figures: half one at a time, half 64 at a time. */
private const val WARM_SECONDS = 4L

fun main(args: Array<String>): Unit = runBlocking {
    val (url, calls) = args[0] to args[1].toInt()
    val measured = args.getOrNull(2)?.split(",")?.map(String::toInt) ?: listOf(1, 64)
    // TLS runs trust the emulator's certificate (B24KIT_BENCH_CA).
    val ca = System.getenv("B24KIT_BENCH_CA")?.let { java.io.File(it).readText() }
    Client.fromWebhook(url, ClientOptions(rateLimit = RateLimit.Off, rootCertificatePem = ca)).use { client ->
        // Warmed as a long-running app is: the JIT compiles the call path (Kotlin, JNA, the
        // coroutine machinery) during the first seconds of calls; a server app's first seconds are
        // not what it runs at. WARM_SECONDS of calls, one and 64 at a time, come first.
        for (inFlight in listOf(1, 64)) {
            val until = System.nanoTime() + WARM_SECONDS * 500_000_000L
            (0 until inFlight).map {
                async(Dispatchers.Default) {
                    while (System.nanoTime() < until) client.imopenlinesSessionModeSilent(2043, activate = true)
                }
            }.awaitAll()
        }
        for (inFlight in measured) {
            val latencies = LongArray(calls)
            val started = System.nanoTime()
            (0 until inFlight).map { worker ->
                async(Dispatchers.Default) {
                    for (i in worker until calls step inFlight) {
                        val t = System.nanoTime()
                        check(client.imopenlinesSessionModeSilent(2043, activate = true).result)
                        latencies[i] = System.nanoTime() - t
                    }
                }
            }.awaitAll()
            val seconds = (System.nanoTime() - started) / 1e9
            latencies.sort()
            println(
                """{"client": "kotlin", "in_flight": $inFlight, "calls": $calls, "calls_per_second": ${calls / seconds}, """ +
                    """"median_us": ${latencies[calls / 2] / 1e3}, "p99_us": ${latencies[minOf(calls - 1, calls * 99 / 100)] / 1e3}}""",
            )
        }
    }
    // Linux reports the process's high-water mark of resident memory here.
    val peak = java.io.File("/proc/self/status").readLines().firstOrNull { it.startsWith("VmHWM:") }
    peak?.let { println("""{"client": "kotlin-rss", "peak_rss_kb": ${it.filter(Char::isDigit)}}""") }
}
