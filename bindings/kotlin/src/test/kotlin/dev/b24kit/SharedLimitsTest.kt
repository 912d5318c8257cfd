package dev.b24kit

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.net.ServerSocket
import java.net.Socket
import java.nio.file.Files
import java.util.Collections

/** A real Redis server (Debian's redis-server, which tests/run.sh installs) on a free loopback port. */
class RedisServer : AutoCloseable {
    private val dir = Files.createTempDirectory("b24kit-redis")
    val port: Int = ServerSocket(0).use { it.localPort }
    private val process: Process = ProcessBuilder(
        "redis-server", "--port", "$port", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
    ).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
    val url = "redis://127.0.0.1:$port/0"

    init {
        val started = System.nanoTime()
        while (!answers()) {
            check(System.nanoTime() - started < 20_000_000_000L) { "redis-server did not answer on port $port within 20 s" }
            Thread.sleep(20)
        }
    }

    private fun answers(): Boolean = try {
        Socket("127.0.0.1", port).use { socket ->
            socket.soTimeout = 1000
            socket.getOutputStream().write("PING\r\n".toByteArray())
            String(socket.getInputStream().readNBytes(7)) == "+PONG\r\n"
        }
    } catch (e: java.io.IOException) {
        false
    }

    override fun close() {
        process.destroyForcibly().waitFor()
        dir.toFile().deleteRecursively()
    }
}

/** Limits shared between clients through a real Redis server, from Kotlin. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedLimitsTest {
    private val emulator = Emulator()
    private val redis = RedisServer()

    @AfterAll
    fun stop() {
        emulator.close()
        redis.close()
    }

    @BeforeEach
    fun reset() = emulator.reset()

    private suspend fun runApart(shared: SharedLimitsOptions?): Int {
        val options = ClientOptions(
            rateLimit = RateLimit.Custom(burst = 10.0, drainPerSecond = 50.0),
            retry = RetryOptions(maxAttempts = 10u, initialBackoffMs = 20u, maxBackoffMs = 200u),
            shared = shared,
        )
        val clients = (1..4).map { Client.fromWebhook(emulator.webhookUrl, options) }
        try {
            return kotlinx.coroutines.coroutineScope {
                (0 until 300).map { i ->
                    async(Dispatchers.Default) { runCatching { clients[i % 4].imopenlinesSessionModeSilent(2043) } }
                }.awaitAll().count { it.isFailure }
            }
        } finally {
            clients.forEach { it.close() }
        }
    }

    @Test
    fun `clients sharing a store stay under the portal limit together`(): Unit = runBlocking {
        emulator.control("PUT", "limits", """{"burst": 10, "drain_per_second": 50}""")
        runApart(null)
        val refusedApart = emulator.stat("rate_limited")
        emulator.reset()
        emulator.control("PUT", "limits", """{"burst": 10, "drain_per_second": 50}""")
        val failed = runApart(SharedLimitsOptions(url = redis.url, prefix = "kotlin-test:"))
        println("Kotlin: 4 clients, 300 calls: apart $refusedApart refusals; shared ${emulator.stat("rate_limited")}")
        assertEquals(0, failed)
        assertTrue(refusedApart > 0, "four clients pacing themselves apart should overrun the limit")
        assertEquals(0L, emulator.stat("rate_limited"))
        assertEquals(300L, emulator.stat("rest_requests"))
    }

    @Test
    fun `an unreachable store fails the client or falls back with an event`(): Unit = runBlocking {
        val port = ServerSocket(0).use { it.localPort }
        val url = "redis://:hunter2secret@127.0.0.1:$port/0"
        val refused = assertThrows<B24kitException.Config> {
            Client.fromWebhook(emulator.webhookUrl, ClientOptions(shared = SharedLimitsOptions(url = url)))
        }
        assertTrue(refused.message.contains("did not answer"), refused.message)
        assertFalse(refused.message.contains("hunter2secret"))
        val events = Collections.synchronizedList(mutableListOf<ClientEvent>())
        val listener = object : EventListener {
            override fun onEvent(event: ClientEvent, message: String) {
                events.add(event)
            }
        }
        val fallback = ClientOptions(shared = SharedLimitsOptions(url = url, ifUnreachable = IfUnreachable.USE_LOCAL_LIMITS))
        Client.fromWebhook(emulator.webhookUrl, fallback, listener = listener).use { client ->
            assertTrue(client.imopenlinesSessionModeSilent(2043).result)
        }
        val lost = events.filterIsInstance<ClientEvent.SharedLimitsLost>()
        assertEquals(1, lost.size, events.toString())
        assertEquals("redis://127.0.0.1:$port/0", lost[0].store)
        assertFalse(lost[0].reason.contains("hunter2secret"))
    }
}
