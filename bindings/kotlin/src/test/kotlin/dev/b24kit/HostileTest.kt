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

/** Panics inside the core and secrets in every printable form, from Kotlin. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileTest {
    private val emulator = Emulator()
    private val key = "topsecretwebhookkey42"
    private val token = "topsecret-access-token-77"
    private val refresh = "topsecret-refresh-token-31"
    private val clientSecret = "topsecret-client-secret-19"
    private val clientId = "local.secrets.app"
    private val secrets = listOf(key, token, refresh, clientSecret)

    @AfterAll
    fun stopEmulator() = emulator.close()

    @BeforeEach
    fun reset() {
        emulator.reset()
        // The emulator's state is compact JSON: add a webhook and a token with our secrets.
        val state = emulator.control("GET", "state")
            .replaceFirst("\"webhooks\":[", "\"webhooks\":[{\"user_id\":1,\"key\":\"$key\",\"scopes\":[\"imopenlines\"]},")
            .replaceFirst(
                "\"tokens\":[",
                "\"tokens\":[{\"access_token\":\"$token\",\"user_id\":1,\"scopes\":[\"imopenlines\"],\"refresh_token\":\"$refresh\",\"client_id\":\"$clientId\"},",
            )
            .replaceFirst("\"apps\":[", "\"apps\":[{\"client_id\":\"$clientId\",\"client_secret\":\"$clientSecret\"},")
        emulator.control("PUT", "state", state)
    }

    @Test
    fun `a panic in the core is B24kitException Internal and the client keeps working`() = runBlocking {
        Client.fromWebhook(emulator.webhookUrl).use { client ->
            repeat(3) {
                val e = assertThrows<B24kitException.Internal> { runBlocking { client.panicForTests() } }
                assertTrue(e.info.reason.contains("internal error in b24kit (forced by the test hook)"), e.info.reason)
                assertTrue(client.imopenlinesSessionModeSilent(2043, activate = true).result)
            }
            val outcomes = (0 until 20).map { i ->
                async(Dispatchers.Default) {
                    runCatching {
                        if (i % 2 == 1) client.panicForTests() else client.imopenlinesSessionModeSilent(2043).result
                    }
                }
            }.awaitAll()
            outcomes.forEachIndexed { i, outcome ->
                if (i % 2 == 1) {
                    assertTrue(outcome.exceptionOrNull() is B24kitException.Internal, "$outcome")
                } else {
                    assertEquals(true, outcome.getOrNull())
                }
            }
        }
    }

    private fun assertClean(text: String, where: String) {
        for (secret in secrets) assertFalse(text.contains(secret), "secret leaked in $where: $text")
    }

    @Test
    fun `no secret in any exception, message, string or stack trace`() = runBlocking {
        val options = ClientOptions(timeoutMs = 500u, rateLimit = RateLimit.Off, retry = RetryOptions(maxAttempts = 1u))
        val webhook = Client.fromWebhook("${emulator.baseUrl}rest/1/$key/", options)
        val renewed = mutableListOf<Tokens>()
        val listener = object : TokenListener {
            override fun onTokensRefreshed(tokens: Tokens) {
                synchronized(renewed) { renewed.add(tokens) }
            }
        }
        val settings = TokenRefresh(clientId, clientSecret, refresh, emulator.oauthServer, listener)
        val oauth = Client.fromOauth(emulator.oauthEndpoint, token, options, settings)
        assertClean(webhook.description() + webhook.toString() + oauth.description() + oauth.toString() + settings.toString(), "client")
        val kinds = mutableSetOf<String>()
        for ((client, secret) in listOf(webhook to key, oauth to "$token $refresh $clientSecret")) {
            val faults = listOf(
                null,
                """{"kind": "error", "status": 401, "code": "INVALID_CREDENTIALS", "description": "bad $secret"}""",
                """{"kind": "error", "status": 400, "code": "NEW_CODE", "description": "bad $secret"}""",
                """{"kind": "raw", "status": 502, "body": "<html>$secret</html>"}""",
                """{"kind": "raw", "status": 200, "body": "not json $secret"}""",
                """{"kind": "drop"}""",
                """{"kind": "delay", "ms": 2000}""",
            )
            for (fault in faults) {
                fault?.let { emulator.fault(it) }
                val e = assertThrows<B24kitException> { runBlocking { client.imopenlinesSessionModeSilent(2044) } }
                kinds.add(e::class.simpleName!!)
                assertClean(e.message ?: "", "message")
                assertClean(e.toString(), "toString")
                assertClean(e.stackTraceToString(), "stack trace")
            }
        }
        // The token expires: one renewal, whose pair the listener gets and whose string hides it.
        emulator.control("POST", "tokens/expire")
        assertTrue(oauth.imopenlinesSessionModeSilent(2043).result)
        assertEquals(1, renewed.size)
        assertClean(renewed[0].toString(), "Tokens")
        // Then the OAuth server refuses a renewal: the app's secret was rotated.
        emulator.control("PUT", "state", emulator.control("GET", "state").replace(clientSecret, "rotated").replace("\"expired\":false", "\"expired\":true"))
        val refused = assertThrows<B24kitException.TokenRefresh> { runBlocking { oauth.imopenlinesSessionModeSilent(2043) } }
        assertEquals("invalid_client", refused.errorCode())
        assertClean(refused.toString() + refused.stackTraceToString(), "refresh error")
        for (url in listOf("http://portal.example.com/rest/1/$key/", "https://p.example.com/rest/x/$key/m.json")) {
            val e = assertThrows<B24kitException.Config> { Client.fromWebhook(url) }
            assertClean(e.toString() + e.stackTraceToString(), "config error")
        }
        val expected = setOf("ChatType", "InvalidCredentials", "UnknownCode", "Http", "Protocol", "ConnectionLost", "RequestTimeout")
        assertEquals(expected, kinds)
        webhook.close()
        oauth.close()
    }
}
