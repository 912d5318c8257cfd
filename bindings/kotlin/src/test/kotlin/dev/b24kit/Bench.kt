package dev.b24kit

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking

/**
 * Kotlin figures for bench/run.sh (not a test): `<calls>` suspend calls of
 * `imopenlines.session.mode.silent`, sequential and with 64 in flight (or the comma-separated
 * counts of an optional third argument, for profiling one of them), against `<webhook URL>`; one JSON line
 * per figure; B24KIT_BENCH_CA names the emulator's certificate for a TLS run. Run with `mvn exec:java -Dexec.mainClass=dev.b24kit.BenchKt -Dexec.classpathScope=test
 * -Dexec.args="<url> <calls>" -Djna.library.path=<dir of libb24kit_uniffi.so>`.
 */
fun main(args: Array<String>): Unit = runBlocking {
    val (url, calls) = args[0] to args[1].toInt()
    val measured = args.getOrNull(2)?.split(",")?.map(String::toInt) ?: listOf(1, 64)
    // TLS runs trust the emulator's certificate (B24KIT_BENCH_CA).
    val ca = System.getenv("B24KIT_BENCH_CA")?.let { java.io.File(it).readText() }
    Client.fromWebhook(url, ClientOptions(rateLimit = RateLimit.Off, rootCertificatePem = ca)).use { client ->
        warmUp(Dispatchers.Default) { client.imopenlinesSessionModeSilent(2043, activate = true) }
        for (inFlight in measured) {
            printTimedCalls("kotlin", calls, inFlight, Dispatchers.Default) {
                check(client.imopenlinesSessionModeSilent(2043, activate = true).result)
            }
        }
    }
    // Linux reports the process's high-water mark of resident memory here.
    val peak = java.io.File("/proc/self/status").readLines().firstOrNull { it.startsWith("VmHWM:") }
    peak?.let { println("""{"client": "kotlin-rss", "peak_rss_kb": ${it.filter(Char::isDigit)}}""") }
}
