package dev.b24kit

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/** Staying inside the portal's limits from Kotlin, against the emulator with its limits scaled down. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LimitsTest {
    private val emulator = Emulator()
    private val noPacing = ClientOptions(rateLimit = RateLimit.Off)

    @AfterAll
    fun stopEmulator() = emulator.close()

    @BeforeEach
    fun reset() = emulator.reset()

    @Test
    fun `300 coroutines meet no limit error and take the bucket minimum`(): Unit = runBlocking {
        emulator.control("PUT", "limits", """{"burst": 10, "drain_per_second": 50}""")
        // Default retries: a refusal caused by scheduling jitter (coroutines resumed late, then
        // together) is retried rather than thrown; the portal's count shows how many there were.
        val options = ClientOptions(rateLimit = RateLimit.Custom(burst = 10.0, drainPerSecond = 50.0))
        Client.fromWebhook(emulator.webhookUrl, options).use { client ->
            val started = System.nanoTime()
            val answers = (1..300).map { async(Dispatchers.Default) { client.imopenlinesSessionModeSilent(2043) } }.awaitAll()
            val elapsed = (System.nanoTime() - started) / 1e9
            val minimum = (300 - 9) / 50.0
            val refused = emulator.stat("rate_limited")
            println("Kotlin: 300 calls in %.3f s, bucket minimum %.3f s (%.1f calls/s of a theoretical %.1f); refused at the portal: %d".format(elapsed, minimum, 300 / elapsed, 300 / minimum, refused))
            assertTrue(answers.all { it.result })
            assertEquals(300 + refused, emulator.stat("rest_requests"))
            assertTrue(elapsed >= minimum - 0.001 && elapsed <= minimum * 1.1, "$elapsed s against $minimum s")
        }
    }

    @Test
    fun `retryable faults are retried and other errors are not`(): Unit = runBlocking {
        val retry = RetryOptions(maxAttempts = 5u, initialBackoffMs = 5u, maxBackoffMs = 20u)
        Client.fromWebhook(emulator.webhookUrl, noPacing.copy(retry = retry)).use { client ->
            for (fault in listOf(
                """{"kind": "error", "status": 503, "code": "QUERY_LIMIT_EXCEEDED", "description": "Too many requests", "count": 2}""",
                """{"kind": "error", "status": 500, "code": "INTERNAL_SERVER_ERROR", "description": "Internal", "count": 2}""",
                """{"kind": "drop", "count": 2}""",
            )) {
                emulator.reset()
                emulator.fault(fault)
                assertTrue(client.imopenlinesSessionModeSilent(2043, activate = true).result)
                assertEquals(3, emulator.stat("rest_requests"), fault)
            }
            emulator.reset()
            assertThrows<B24kitException.ChatType> { runBlocking { client.imopenlinesSessionModeSilent(2044) } }
            assertEquals(1, emulator.stat("rest_requests"))
            emulator.reset()
            emulator.fault("""{"kind": "empty", "status": 500, "count": 1}""")
            val once = client.withRetry(RetryOptions(maxAttempts = 1u))
            assertThrows<B24kitException.Http> { runBlocking { once.imopenlinesSessionModeSilent(2043) } }
            assertEquals(1, emulator.stat("rest_requests"))
            assertThrows<B24kitException.Config> { client.withRetry(RetryOptions(maxAttempts = 0u)) }
        }
    }

    @Test
    fun `the deadline bounds the retries`(): Unit = runBlocking {
        val retry = RetryOptions(maxAttempts = 100u, initialBackoffMs = 50u, maxBackoffMs = 50u)
        Client.fromWebhook(emulator.webhookUrl, noPacing.copy(retry = retry, deadlineMs = 1_000u)).use { client ->
            emulator.fault("""{"kind": "empty", "status": 503, "count": 1000}""")
            val started = System.nanoTime()
            // Wherever the deadline falls, the call fails with what the portal said.
            assertThrows<B24kitException.Http> { runBlocking { client.imopenlinesSessionModeSilent(2043) } }
            // 100 attempts 25–50 ms apart would take 2.5 s at least.
            assertTrue((System.nanoTime() - started) / 1e6 < 2_400)
            assertTrue(emulator.stat("rest_requests") in 2..45)
        }
    }

    @Test
    fun `an expired token is renewed once for 50 concurrent coroutines`(): Unit = runBlocking {
        val renewed = mutableListOf<Tokens>()
        val listener = object : TokenListener {
            override fun onTokensRefreshed(tokens: Tokens) {
                synchronized(renewed) { renewed.add(tokens) }
            }
        }
        val refresh = TokenRefresh(emulator.clientId, emulator.clientSecret, emulator.refreshToken, emulator.oauthServer, listener)
        Client.fromOauth(emulator.oauthEndpoint, emulator.accessToken, noPacing, refresh).use { client ->
            assertTrue(client.imopenlinesSessionModeSilent(2043).result)
            emulator.control("POST", "tokens/expire")
            val answers = (1..50).map { async(Dispatchers.Default) { client.imopenlinesSessionModeSilent(2043) } }.awaitAll()
            assertTrue(answers.all { it.result })
        }
        assertEquals(1, emulator.stat("token_refreshes"))
        assertEquals(1, renewed.size)
        assertNotEquals(emulator.accessToken, renewed[0].accessToken())
        assertNotEquals(emulator.refreshToken, renewed[0].refreshToken())
        assertEquals(3600L, renewed[0].expiresIn())
        assertTrue(renewed[0].memberId() != null, "the pair carries the portal's member id")
    }

    @Test
    fun `the execution-time budget is settable`(): Unit = runBlocking {
        // The portal allows 0.5 s of execution per 2 s window, each call costing 0.1 s.
        emulator.control("PUT", "operating", """{"limit_seconds": 0.5, "window_seconds": 2, "cost_seconds": 0.1}""")
        val budget = OperatingBudget.Custom(limitMs = 500u, headroomMs = 100u)
        Client.fromWebhook(emulator.webhookUrl, noPacing.copy(operatingBudget = budget)).use { client ->
            val started = System.nanoTime()
            repeat(8) { client.imopenlinesSessionModeSilent(2043) }
            assertEquals(0, emulator.stat("operation_time_limited"), "the client waited before the limit")
            assertTrue((System.nanoTime() - started) / 1e6 >= 500, "it had to wait for a release")
        }
        val blind = noPacing.copy(operatingBudget = OperatingBudget.Off, retry = RetryOptions(maxAttempts = 1u))
        Client.fromWebhook(emulator.webhookUrl, blind).use { client ->
            assertThrows<B24kitException.OperationTimeLimit> { runBlocking { repeat(10) { client.imopenlinesSessionModeSilent(2043) } } }
        }
        val refused = assertThrows<B24kitException.Config> {
            Client.fromWebhook(emulator.webhookUrl, ClientOptions(operatingBudget = OperatingBudget.Custom(limitMs = 10_000u, headroomMs = 10_000u)))
        }
        assertTrue(refused.reason().contains("headroom"), refused.reason())
    }

    @Test
    fun `a batch of 120 takes three requests with typed errors in order`(): Unit = runBlocking {
        val chats = (5000 until 5120).joinToString(",") { id ->
            val type = if (id % 10 == 7) "CHAT" else "LINES"
            """{"id":$id,"entity_type":"$type","members":[1]}"""
        }
        emulator.control("PUT", "state", emulator.control("GET", "state").replaceFirst("\"chats\":[", "\"chats\":[$chats,"))
        Client.fromWebhook(emulator.webhookUrl, noPacing).use { client ->
            val calls = (5000 until 5120).map { ImopenlinesSessionModeSilentCall(chatId = it.toLong(), activate = true) }
            val outcomes = client.imopenlinesSessionModeSilentBatch(calls)
            assertEquals(120, outcomes.size)
            assertEquals(3, emulator.stat("rest_requests"))
            outcomes.forEachIndexed { i, outcome ->
                val id = 5000 + i
                if (id % 10 == 7) {
                    val failure = outcome as ImopenlinesSessionModeSilentOutcome.Failure
                    assertTrue(failure.error is B24kitException.ChatType, "$id: ${failure.error}")
                } else {
                    val success = outcome as ImopenlinesSessionModeSilentOutcome.Success
                    assertTrue(success.response.result, "$id")
                    assertTrue(emulator.control("GET", "chats/$id").contains("\"silent\":true"))
                }
            }
            val halted = client.imopenlinesSessionModeSilentBatch((5005 until 5010).map { ImopenlinesSessionModeSilentCall(chatId = it.toLong(), activate = true) }, halt = true)
            val kinds = halted.map { o ->
                when (o) {
                    is ImopenlinesSessionModeSilentOutcome.Success -> "ok"
                    is ImopenlinesSessionModeSilentOutcome.Failure -> o.error::class.simpleName
                }
            }
            assertEquals(listOf("ok", "ok", "ChatType", "Skipped", "Skipped"), kinds)
        }
    }
}
