package dev.b24kit

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/** The Kotlin bindings against the emulator (a real HTTP server on 127.0.0.1), through JNA. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientTest {
    private val emulator = Emulator()
    private val baseUrl = emulator.baseUrl
    private val webhookUrl = emulator.webhookUrl

    @AfterAll
    fun stopEmulator() = emulator.close()

    @BeforeEach
    fun reset() = emulator.reset()

    private fun control(method: String, path: String, body: String? = null) = emulator.control(method, path, body)

    private fun silent(chatId: Int): Boolean = control("GET", "chats/$chatId").contains("\"silent\":true")

    /** One exchange per call (no pacing, no retries), so each test sees exactly what it provoked. */
    private fun client(options: ClientOptions = ClientOptions(timeoutMs = 10_000u)) =
        Client.fromWebhook(webhookUrl, options.copy(rateLimit = RateLimit.Off, retry = RetryOptions(maxAttempts = 1u)))

    @Test
    fun `switching on and off changes the chat`() = runBlocking {
        val client = client()
        val on = client.imopenlinesSessionModeSilent(chatId = 2043, activate = true)
        assertTrue(on.result)
        assertTrue(silent(2043))
        val off = client.imopenlinesSessionModeSilent(2043)
        assertTrue(off.result)
        assertFalse(silent(2043), "activate defaults to false")
        assertTrue(off.time.finish >= off.time.start)
        assertEquals(off.time.start.toLong() + 600, off.time.operatingResetAt?.toLong())
        assertTrue(off.time.dateStart.endsWith("+00:00"))
    }

    @Test
    fun `each method error is its own exception with its fields`() = runBlocking {
        val client = client()
        val chatId = assertThrows<B24kitException.ChatId> { runBlocking { client.imopenlinesSessionModeSilent(999_999) } }
        assertEquals("CHAT_ID", chatId.info.code)
        assertEquals(400, chatId.info.httpStatus)
        assertEquals("Chat ID is invalid.", chatId.info.description)
        assertEquals("imopenlines.session.mode.silent", chatId.info.method)
        assertFalse(chatId.info.retryable)
        // The base class reads the same record, whatever the variant.
        assertEquals(chatId.info, (chatId as B24kitException).info())
        val chatType = assertThrows<B24kitException.ChatType> { runBlocking { client.imopenlinesSessionModeSilent(2044) } }
        assertEquals("CHAT_TYPE", chatType.errorCode())
        val denied = assertThrows<B24kitException.AccessDenied> { runBlocking { client.imopenlinesSessionModeSilent(2045) } }
        assertEquals(400, denied.status())
        assertTrue(denied.reason().contains("ACCESS_DENIED (HTTP 400)"), denied.reason())
        val userless = Client.fromOauth("${baseUrl}rest/", "emulator-userless-token")
        assertThrows<B24kitException.UserId> { runBlocking { userless.imopenlinesSessionModeSilent(2043) } }
        assertFalse(silent(2043) || silent(2044) || silent(2045))
    }

    @Test
    fun `system errors carry their category`() = runBlocking {
        val wrongKey = Client.fromWebhook("${baseUrl}rest/1/wrongkey/")
        val e = assertThrows<B24kitException.InvalidCredentials> { runBlocking { wrongKey.imopenlinesSessionModeSilent(2043) } }
        assertEquals("auth", e.info.category)
        assertEquals(401, e.info.httpStatus)
        control("PUT", "limits", """{"burst": 1, "drain_per_second": 0.01}""")
        val client = client()
        client.imopenlinesSessionModeSilent(2043)
        val limited = assertThrows<B24kitException.QueryLimitExceeded> { runBlocking { client.imopenlinesSessionModeSilent(2043) } }
        assertEquals("rate_limit", limited.errorCategory())
        assertTrue(limited.isRetryable())
    }

    @Test
    fun `a server that never answers times out within the bound`() = runBlocking {
        control("POST", "faults", """{"kind": "delay", "ms": 30000}""")
        val client = client(ClientOptions(timeoutMs = 400u))
        val started = System.nanoTime()
        val e = assertThrows<B24kitException.RequestTimeout> { runBlocking { client.imopenlinesSessionModeSilent(2043) } }
        val tookMs = (System.nanoTime() - started) / 1_000_000
        assertEquals("timeout", e.info.kind)
        assertTrue(tookMs in 390..2999, "took $tookMs ms")
    }

    @Test
    fun `bad input is a clear exception, nothing is sent and nothing crashes`() = runBlocking {
        val client = client()
        for (bad in listOf(0L, -5L, Long.MIN_VALUE)) {
            val e = assertThrows<B24kitException.InvalidArgument> { runBlocking { client.imopenlinesSessionModeSilent(bad) } }
            assertEquals("chatId", e.info.parameter)
            assertEquals("chatId must be at least 1, got $bad", e.info.reason)
            assertFalse(e.info.mayHaveReachedServer)
        }
        assertTrue(control("GET", "stats").contains("\"rest_requests\":0"))
        val config = assertThrows<B24kitException.Config> { Client.fromWebhook("http://portal.example.com/rest/1/key/") }
        assertTrue(config.info.reason.contains("https"), config.info.reason)
        assertNull(config.info.httpStatus)
    }

    @Test
    fun `200 concurrent coroutines share one client`() = runBlocking {
        val client = client()
        val answers = (1..200).map { i ->
            async(Dispatchers.Default) { client.imopenlinesSessionModeSilent(2043, activate = i % 2 == 0) }
        }.awaitAll()
        assertEquals(200, answers.count { it.result })
        assertTrue(control("GET", "stats").contains("\"rest_requests\":200"))
    }

    @Test
    fun `a closed client refuses calls and its description hides the key`() = runBlocking {
        val client = client()
        assertTrue(client.description().contains("/rest/1/***/"), client.description())
        assertFalse(client.description().contains("emulatorwebhook1"))
        client.use { assertTrue(it.imopenlinesSessionModeSilent(2043).result) }
        assertThrows<IllegalStateException> { runBlocking { client.imopenlinesSessionModeSilent(2043) } }
        Unit
    }

    @Test
    fun `a renamed portal is a typed error naming the new address`() = runBlocking<Unit> {
        val retrying = RetryOptions(maxAttempts = 4u, initialBackoffMs = 1u, maxBackoffMs = 2u)
        val client = Client.fromWebhook(webhookUrl, ClientOptions(rateLimit = RateLimit.Off, retry = retrying))
        val before = emulator.stat("rest_requests")
        emulator.fault("""{"kind": "moved", "to": "https://new-name.bitrix24.com"}""")
        val moved = assertThrows<B24kitException.PortalMoved> { runBlocking { client.imopenlinesSessionModeSilent(2043) } }
        assertEquals("https://new-name.bitrix24.com/", moved.location)
        assertEquals(302, moved.info.httpStatus)
        assertFalse(moved.info.retryable)
        assertEquals(before + 1, emulator.stat("rest_requests"))
    }
}
