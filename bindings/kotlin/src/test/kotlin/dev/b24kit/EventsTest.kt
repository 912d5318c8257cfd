package dev.b24kit

import com.sun.net.httpserver.HttpServer
import java.io.File
import java.net.InetSocketAddress
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.put
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * Event deliveries from Kotlin: the bodies a portal POSTs to a handler (`tests/events/<Name>.form`, the
 * pages' examples as a portal sends them) read into `PortalEvent` with typed values; forged, broken
 * and untyped bodies give typed exceptions or `PortalEvent.Other`; no printed form shows a token.
 */
class EventsTest {
    private val token = "51856fefc120afa4b628cc82d3935cce"
    private val access = "s6p6eclrvim6da22ft9ch94ekreb52lv"
    private val refresh = "4s386p3q0tr8dy89xvmt96234v3dljg8"

    private fun body(name: String): ByteArray =
        File(System.getProperty("b24kit.events") ?: "../../tests/events", "$name.form").readBytes()

    @Test
    fun eachEventReadsIntoItsVariant() {
        val expected = mapOf(
            "OnOpenLineMessageAdd" to PortalEvent.OnOpenLineMessageAdd::class,
            "OnOpenLineMessageDelete" to PortalEvent.OnOpenLineMessageDelete::class,
            "OnOpenLineMessageUpdate" to PortalEvent.OnOpenLineMessageUpdate::class,
            "OnSessionFinish" to PortalEvent.OnSessionFinish::class,
            "OnSessionStart" to PortalEvent.OnSessionStart::class,
        )
        for ((name, variant) in expected) {
            val delivery = readEvent(body(name), token)
            assertTrue(variant.isInstance(delivery.event), "$name: ${delivery.event}")
            assertEquals(7L, delivery.eventId)
            assertEquals(1714649632L, delivery.sentAt)
            assertEquals("emulator.b24kit.test", delivery.auth.domain())
            assertEquals(access, delivery.auth.accessToken())
            assertEquals(refresh, delivery.auth.refreshToken())
            assertEquals(3600L, delivery.auth.expiresIn())
        }
    }

    @Test
    fun valuesArriveAsTextAndAreReadAsTheirDocumentedTypes() {
        val start = readEvent(body("OnSessionStart"), token).event as PortalEvent.OnSessionStart
        val item = start.data.data[0]
        assertEquals(42L, item.session.id)
        assertFalse(item.session.closed)
        assertEquals(60L, item.session.closeTerm)
        assertEquals("livechat" to 128L, item.connector.connectorId to item.connector.lineId)
        assertEquals(10585L to 1984L, item.chat.id to item.user.id)

        val added = readEvent(body("OnOpenLineMessageAdd"), token).event as PortalEvent.OnOpenLineMessageAdd
        val post = added.data.data[0]
        assertEquals(80964L to "hello", post.message.id to post.message.text)
        assertFalse(post.message.system)
        // A form drops the example's empty lists: the optional fields say so.
        assertNull(post.message.files)
        assertNull(post.ref)
        assertEquals("", post.messageExtra.extraUrl)

        val deleted = readEvent(body("OnOpenLineMessageDelete"), token).event as PortalEvent.OnOpenLineMessageDelete
        assertEquals("livechat" to 128L, deleted.data.connector to deleted.data.line)
        assertEquals(2056L, deleted.data.data[0].im.messageId)
    }

    @Test
    fun aForeignTokenIsRefused() {
        for (wrong in listOf("", "51856fefc120afa4b628cc82d3935ccf", token.take(8), "x")) {
            val e = assertThrows<B24kitException.EventToken> { readEvent(body("OnSessionStart"), wrong) }
            assertEquals("token_mismatch", e.info.kind)
            assertFalse(e.isRetryable())
            for (shown in listOf(e.toString(), e.message, e.reason())) {
                assertFalse(shown.contains(token) || shown.contains(access), shown)
            }
        }
    }

    @Test
    fun brokenBodiesMissingKeysAndBadDataAreTypedExceptions() {
        val malformed = assertThrows<B24kitException.EventForm> { readEvent("event=X&data=%zz".toByteArray(), token) }
        assertEquals("malformed", malformed.info.kind)
        val without = String(body("OnSessionStart")).replace("auth%5Bapplication_token%5D", "auth%5Bother%5D")
        val missing = assertThrows<B24kitException.EventForm> { readEvent(without.toByteArray(), token) }
        assertEquals("missing_key" to "auth[application_token]", missing.info.kind to missing.info.parameter)
        val bad = String(body("OnSessionStart")).replace("%5Bline_id%5D=128", "%5Bline_id%5D=first")
        val data = assertThrows<B24kitException.EventData> { readEvent(bad.toByteArray(), token) }
        assertEquals("ONSESSIONSTART", data.errorCode())
    }

    @Test
    fun anUntypedEventIsKeptWithItsData() {
        val form = String(body("OnSessionStart")).replace("event=ONSESSIONSTART", "event=ONCRMDEALADD")
        val event = readEvent(form.toByteArray(), token).event as PortalEvent.Other
        assertEquals("ONCRMDEALADD", event.code)
        val data = event.data as JsonValue.Object
        assertEquals(listOf("DATA"), data.entries.map { it.key })
    }

    @Test
    fun noPrintedFormShowsAToken() {
        val delivery = readEvent(body("OnSessionFinish"), token)
        val shown = delivery.toString()
        for (secret in listOf(token, access, refresh)) assertFalse(shown.contains(secret), shown)
        assertTrue(delivery.auth.toString().contains("accessToken: ***"), delivery.auth.toString())
    }

    @Test
    fun theEmulatorPostsRaisedEventsToAKotlinHandler() {
        val bodies = LinkedBlockingQueue<ByteArray>()
        val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
        server.createContext("/b24/events") { exchange ->
            bodies.put(exchange.requestBody.readAllBytes())
            exchange.sendResponseHeaders(200, -1)
            exchange.close()
        }
        server.start()
        val url = "http://127.0.0.1:${server.address.port}/b24/events"
        Emulator().use { emulator ->
            val options = ClientOptions(timeoutMs = 10_000u, rateLimit = RateLimit.Off, retry = RetryOptions(maxAttempts = 1u))
            Client.fromWebhook(emulator.webhookUrl, options).use { client ->
                runBlocking {
                    for (event in listOf("OnSessionStart", "OnSessionFinish")) {
                        client.call("event.bind", buildJsonObject { put("event", event); put("handler", url) })
                    }
                    client.imopenlinesSessionStart(2043)
                    client.imopenlinesOperatorFinish(2043)
                }
                fun next() = readEvent(bodies.poll(30, TimeUnit.SECONDS)!!, emulator.applicationToken).event
                val start = next() as PortalEvent.OnSessionStart
                assertEquals(1743L, start.data.data[0].session.id)
                assertFalse(start.data.data[0].session.closed)
                val finish = next() as PortalEvent.OnSessionFinish
                assertTrue(finish.data.data[0].session.closed)
                // The handler passes a body on before it answers; the emulator counts it once answered.
                val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30)
                while (emulator.stat("events_delivered") < 2 && System.nanoTime() < deadline) Thread.sleep(20)
                assertEquals(2L, emulator.stat("events_delivered"))
            }
        }
        server.stop(0)
    }
}
