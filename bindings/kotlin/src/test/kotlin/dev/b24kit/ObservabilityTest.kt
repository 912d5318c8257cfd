package dev.b24kit

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.util.Collections

/** What a client tells about itself from Kotlin: every event to the app's listener, and counters. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservabilityTest {
    private val emulator = Emulator()

    @AfterAll
    fun stopEmulator() = emulator.close()

    @BeforeEach
    fun reset() = emulator.reset()

    private class Recorder : EventListener {
        val events: MutableList<Pair<ClientEvent, String>> = Collections.synchronizedList(mutableListOf())
        override fun onEvent(event: ClientEvent, message: String) {
            events.add(event to message)
        }
    }

    @Test
    fun `a retried call tells each attempt and why it retried`(): Unit = runBlocking {
        val recorder = Recorder()
        val options = ClientOptions(rateLimit = RateLimit.Off, retry = RetryOptions(initialBackoffMs = 20u, maxBackoffMs = 20u))
        Client.fromWebhook(emulator.webhookUrl, options, listener = recorder).use { client ->
            emulator.fault("""{"kind": "error", "status": 503, "code": "QUERY_LIMIT_EXCEEDED", "description": "Too many requests", "count": 1}""")
            assertTrue(client.imopenlinesSessionModeSilent(2043).result)
            val events = recorder.events.map { it.first }
            assertEquals(5, events.size, events.toString())
            assertTrue(events[0] is ClientEvent.RequestSent)
            assertEquals(503.toUShort(), (events[1] as ClientEvent.Answered).status)
            val retry = events[2] as ClientEvent.RetryScheduled
            assertEquals("imopenlines.session.mode.silent", retry.method)
            assertEquals("QUERY_LIMIT_EXCEEDED", retry.reason)
            assertTrue(retry.waitMs <= 20uL)
            assertTrue(recorder.events[2].second.contains("retrying in"), recorder.events[2].second)
            val stats = client.stats()
            assertEquals(2uL, stats.requests)
            assertEquals(1uL, stats.retries)
            assertEquals(stats, client.withRetry(RetryOptions(maxAttempts = 1u)).stats(), "clones share the counters")
        }
    }

    @Test
    fun `a listener that throws does not break the call`(): Unit = runBlocking {
        val throwing = object : EventListener {
            override fun onEvent(event: ClientEvent, message: String) {
                throw IllegalStateException("listener bug")
            }
        }
        Client.fromWebhook(emulator.webhookUrl, ClientOptions(rateLimit = RateLimit.Off), listener = throwing).use { client ->
            assertTrue(client.imopenlinesSessionModeSilent(2043).result)
            assertTrue(client.imopenlinesSessionModeSilent(2043).result)
            assertEquals(2uL, client.stats().answers)
        }
    }

    @Test
    fun `waits for the bucket are told and counted`(): Unit = runBlocking {
        val recorder = Recorder()
        val options = ClientOptions(rateLimit = RateLimit.Custom(burst = 2.0, drainPerSecond = 10.0))
        Client.fromWebhook(emulator.webhookUrl, options, listener = recorder).use { client ->
            repeat(2) { client.imopenlinesSessionModeSilent(2043) }
            assertEquals(1, recorder.events.count { it.first is ClientEvent.WaitingForBucket })
            assertEquals(1uL, client.stats().bucketWaits)
            assertTrue(client.stats().waitedMs <= 100uL)
        }
    }
}
