package dev.b24kit

import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/**
 * The time model from Kotlin: `timeoutMs` bounds each attempt, `deadlineMs` the whole call (waits
 * for the rate limiter included), per client and per call; a cancelled coroutine gives its
 * limiter slot back. Waits are a second or more so the bounds hold with both cores busy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TimeModelTest {
    private val emulator = Emulator()

    /** One request at once, then one a second: a second call waits about a second. */
    private val onePerSecond = ClientOptions(
        rateLimit = RateLimit.Custom(burst = 2.0, drainPerSecond = 1.0),
        retry = RetryOptions(maxAttempts = 1u),
    )

    @AfterAll
    fun stopEmulator() = emulator.close()

    @BeforeEach
    fun reset() = emulator.reset()

    private fun elapsedMs(started: Long) = (System.nanoTime() - started) / 1e6

    @Test
    fun `a call that would wait past its deadline fails at once and gives its slot back`(): Unit = runBlocking {
        Client.fromWebhook(emulator.webhookUrl, onePerSecond).use { client ->
            client.imopenlinesSessionModeSilent(2043)
            val started = System.nanoTime()
            val e = assertThrows<B24kitException.RequestTimeout> {
                runBlocking { client.withDeadlineMs(300u).imopenlinesSessionModeSilent(2043) }
            }
            assertFalse(e.info.mayHaveReachedServer)
            assertTrue(e.info.reason.contains("rate limiter"), e.info.reason)
            assertTrue(elapsedMs(started) < 900, "refused without waiting")
            assertEquals(1, emulator.stat("rest_requests"))
            client.imopenlinesSessionModeSilent(2043)
            assertTrue(elapsedMs(started) < 1_700, "the refused call's slot was reused")
        }
    }

    @Test
    fun `a per-call timeout bounds one attempt and bad bounds are config errors`(): Unit = runBlocking {
        val patient = ClientOptions(timeoutMs = 30_000u, rateLimit = RateLimit.Off, retry = RetryOptions(maxAttempts = 1u))
        Client.fromWebhook(emulator.webhookUrl, patient).use { client ->
            emulator.fault("""{"kind": "delay", "ms": 5000}""")
            val started = System.nanoTime()
            val e = assertThrows<B24kitException.RequestTimeout> {
                runBlocking { client.withTimeoutMs(300u).imopenlinesSessionModeSilent(2043) }
            }
            assertTrue(e.info.mayHaveReachedServer)
            assertTrue(elapsedMs(started) < 3_000)
            assertThrows<B24kitException.Config> { client.withDeadlineMs(0u) }
            assertThrows<B24kitException.Config> { client.withTimeoutMs(0u) }
        }
        assertThrows<B24kitException.Config> { Client.fromWebhook(emulator.webhookUrl, ClientOptions(deadlineMs = 0u)) }
    }

    @Test
    fun `a cancelled coroutine stops waiting and gives its slot back`(): Unit = runBlocking {
        Client.fromWebhook(emulator.webhookUrl, onePerSecond).use { client ->
            client.imopenlinesSessionModeSilent(2043)
            val started = System.nanoTime()
            val waiting = async(Dispatchers.Default) { client.imopenlinesSessionModeSilent(2043) }
            delay(200)
            waiting.cancel()
            assertThrows<CancellationException> { runBlocking { waiting.await() } }
            assertTrue(elapsedMs(started) < 900, "cancelled at once")
            // No pause here: the slot is back before the coroutine completes cancelled.
            client.imopenlinesSessionModeSilent(2043)
            assertTrue(elapsedMs(started) < 1_700, "the cancelled call's slot was reused")
            assertEquals(2, emulator.stat("rest_requests"), "the cancelled call sent nothing")
        }
    }
}
