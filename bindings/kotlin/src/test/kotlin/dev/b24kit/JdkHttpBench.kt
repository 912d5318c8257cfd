package dev.b24kit

import java.io.IOException
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.security.KeyStore
import java.security.cert.CertificateFactory
import java.util.concurrent.atomic.AtomicInteger
import javax.net.ssl.SSLContext
import javax.net.ssl.TrustManagerFactory
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking

/**
 * The ceiling of any JVM client, for bench/run.sh (not a test): the JDK's own `java.net.http`
 * client with no library around it POSTs the same call as the other rows
 * (`imopenlines.session.mode.silent`, `CHAT_ID=2043`, `ACTIVATE=Y`, as JSON) to `<webhook URL>`,
 * `<calls>` times sequentially and with 64 in flight, after the same warm-up ([warmUp]) as
 * Bench.kt gives b24kit. One JSON line per figure; B24KIT_BENCH_CA names the emulator's
 * certificate for a TLS run.
 */
object JdkHttpBench {
    @JvmStatic
    fun main(args: Array<String>): Unit = runBlocking {
        val (url, calls) = args[0] to args[1].toInt()
        val builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).proxy(HttpClient.Builder.NO_PROXY)
        System.getenv("B24KIT_BENCH_CA")?.let { builder.sslContext(trusting(it)) }
        val client = builder.build()
        val request = HttpRequest.newBuilder(URI.create(url + "imopenlines.session.mode.silent"))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("""{"CHAT_ID":2043,"ACTIVATE":"Y"}"""))
            .build()
        // Blocking sends on the IO dispatcher's 64 threads: `sendAsync` ran at 45 % of their rate
        // sequentially here, and at 13 % with 64 in flight.
        // JDK 17's pool can let an idle connection's clean-up catch the answer of the next exchange
        // on it and close the connection (JDK-8338569, fixed in later JDKs): that exchange fails
        // with "header parser received no bytes". Its call is sent again, as an app on JDK 17
        // must, and the resends are reported; with a core busy one ended the whole bench.
        val resent = AtomicInteger()
        fun call() {
            val body = try {
                client.send(request, HttpResponse.BodyHandlers.ofString()).body()
            } catch (e: IOException) {
                if (e.message?.contains("header parser received no bytes") != true) throw e
                resent.incrementAndGet()
                client.send(request, HttpResponse.BodyHandlers.ofString()).body()
            }
            check(body.contains("\"result\":true")) { "unexpected answer: $body" }
        }
        warmUp(Dispatchers.IO) { call() }
        for (inFlight in listOf(1, 64)) printTimedCalls("jdk-http", calls, inFlight, Dispatchers.IO) { call() }
        if (resent.get() > 0) System.err.println("jdk-http: ${resent.get()} calls sent again after JDK-8338569")
    }

    private fun trusting(pemFile: String): SSLContext {
        val certificate = java.io.File(pemFile).inputStream().use { CertificateFactory.getInstance("X.509").generateCertificate(it) }
        val store = KeyStore.getInstance(KeyStore.getDefaultType()).apply {
            load(null, null)
            setCertificateEntry("emulator", certificate)
        }
        val trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm()).apply { init(store) }
        return SSLContext.getInstance("TLS").apply { init(null, trust.trustManagers, null) }
    }
}
