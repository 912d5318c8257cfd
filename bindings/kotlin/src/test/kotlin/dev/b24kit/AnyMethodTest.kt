package dev.b24kit

import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.collect
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.put
import kotlinx.serialization.json.putJsonArray
import kotlinx.serialization.json.putJsonObject
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/** Any method by name, list walks and mixed batches from Kotlin, with kotlinx JSON, against the emulator. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnyMethodTest {
    private val emulator = Emulator()

    @AfterAll
    fun stopEmulator() = emulator.close()

    @BeforeEach
    fun reset() = emulator.reset()

    private fun client(retry: RetryOptions = RetryOptions(maxAttempts = 1u)) =
        Client.fromWebhook(emulator.webhookUrl, ClientOptions(timeoutMs = 10_000u, rateLimit = RateLimit.Off, retry = retry))

    private fun id(value: Int) = buildJsonObject { put("ID", value) }

    private fun requests() = emulator.stat("rest_requests")

    @Test
    fun `a specced method by name is its typed call`() = runBlocking {
        val client = client()
        val answer = client.call("imopenlines.session.mode.silent", buildJsonObject { put("CHAT_ID", 2043); put("ACTIVATE", "Y") })
        assertEquals(JsonPrimitive(true), answer.result)
        assertNull(answer.total)
        assertTrue(emulator.control("GET", "chats/2043").contains("\"silent\":true"))
        val error = assertThrows<B24kitException.ChatType> {
            runBlocking { client.call("imopenlines.session.mode.silent", buildJsonObject { put("CHAT_ID", 2044) }) }
        }
        assertEquals(400, error.info.httpStatus)
    }

    @Test
    fun `results are kotlinx JSON in the portal order`() = runBlocking {
        val client = client()
        assertEquals("5", client.call("crm.contact.get", id(5)).result.jsonObject["ID"]?.jsonPrimitive?.content)
        val page = client.call("crm.contact.list", buildJsonObject {
            putJsonArray("select") { add(JsonPrimitive("ID")); add(JsonPrimitive("NAME")) }
            putJsonObject("order") { put("ID", "DESC") }
        })
        assertEquals(10_000L, page.total)
        assertEquals(50L, page.next)
        val first = (page.result as kotlinx.serialization.json.JsonArray)[0].jsonObject
        assertEquals(listOf("ID", "NAME"), first.keys.toList())
        assertEquals("10000", first["ID"]?.jsonPrimitive?.content)
    }

    @Test
    fun `other codes keep the portal words and bad input sends nothing`() = runBlocking {
        val client = client()
        val unknown = assertThrows<B24kitException.UnknownCode> { runBlocking { client.call("crm.contact.get", id(99_999_999)) } }
        assertEquals("", unknown.info.code)
        assertEquals("Not found", unknown.info.description)
        assertThrows<B24kitException.MethodNotFound> { runBlocking { client.call("crm.nothing.here") } }
        val before = requests()
        for (name in listOf("", "crm deal", "crm/../x", "crm.deal?x", "a#b", "a%2F", "a\u0001b", "a".repeat(201))) {
            val error = assertThrows<B24kitException.InvalidArgument> { runBlocking { client.call(name) } }
            assertTrue(!error.info.mayHaveReachedServer, name)
        }
        val nan = assertThrows<B24kitException.InvalidArgument> {
            runBlocking { client.call("crm.contact.list", buildJsonObject { putJsonObject("filter") { put(">ID", Double.NaN) } }) }
        }
        assertTrue(nan.message.contains("params.filter.>ID is NaN"), nan.message)
        assertEquals(before, requests())
    }

    @Test
    fun `an unknown method is retried only when the caller says so`() = runBlocking {
        val client = client(RetryOptions(maxAttempts = 3u, initialBackoffMs = 5u, maxBackoffMs = 10u))
        emulator.fault("""{"kind": "html", "status": 503}""")
        assertThrows<B24kitException.Http> { runBlocking { client.call("crm.contact.add", buildJsonObject { putJsonObject("fields") { put("NAME", "x") } }) } }
        emulator.fault("""{"kind": "html", "status": 503}""")
        assertEquals("3", client.call("crm.contact.get", id(3), idempotent = true).result.jsonObject["ID"]?.jsonPrimitive?.content)
    }

    @Test
    fun `a mixed batch answers by name in one request`() = runBlocking<Unit> {
        val client = client()
        val before = requests()
        val out = client.batch(linkedMapOf(
            "contact" to ("crm.contact.get" to id(7)),
            "same" to ("crm.contact.get" to buildJsonObject { put("ID", "\$result[contact][ID]") }),
            "silent" to ("imopenlines.session.mode.silent" to buildJsonObject { put("CHAT_ID", 2044) }),
            "missing" to ("crm.contact.get" to id(99_999_999)),
        ))
        assertEquals(listOf("contact", "same", "silent", "missing"), out.keys.toList())
        assertEquals("7", out.getValue("same").getOrThrow().result.jsonObject["ID"]?.jsonPrimitive?.content)
        assertTrue(out.getValue("silent").exceptionOrNull() is B24kitException.ChatType)
        assertTrue(out.getValue("missing").exceptionOrNull() is B24kitException.UnknownCode)
        assertEquals(before + 1, requests())
        val halted = client.batch(linkedMapOf("bad" to ("crm.contact.get" to id(99_999_999)), "after" to ("crm.contact.get" to id(1))), halt = true)
        assertTrue(halted.getValue("after").exceptionOrNull() is B24kitException.Skipped)
        assertThrows<B24kitException.InvalidArgument> {
            runBlocking { client.batch(mapOf("a" to ("crm.contact.get" to buildJsonObject { put("ID", "\$result[nobody][ID]") }))) }
        }
    }

    @Test
    fun `a counted walk fetches ten thousand items in five requests`() = runBlocking {
        val client = client()
        val before = requests()
        val walk = client.list("crm.contact.list", buildJsonObject { putJsonArray("select") { add(JsonPrimitive("ID")) } })
        var expected = 1
        walk.items().collect { item ->
            assertEquals(expected.toString(), item.jsonObject["ID"]?.jsonPrimitive?.content)
            expected += 1
        }
        assertEquals(10_001, expected)
        assertEquals(ListProgress(items = 10_000, total = 10_000, requests = 5), walk.progress)
        assertEquals(5L, requests() - before)
    }

    @Test
    fun `a walk by ID never counts and stops with its collector`() = runBlocking {
        val client = client()
        val walk = client.list("crm.contact.list", buildJsonObject { putJsonObject("filter") { put("<=ID", 120) } }, byId = true)
        assertEquals((1..120).map { it.toString() }, walk.items().toList().map { it.jsonObject["ID"]?.jsonPrimitive?.content })
        assertEquals(ListProgress(items = 120, total = null, requests = 3), walk.progress)
        val before = requests()
        val three = client.list("crm.contact.list", byId = true).items().take(3).toList()
        assertEquals(3, three.size)
        assertEquals(1L, requests() - before)
    }

    @Test
    fun `a failed page can be asked for again and cancelling stops the walk`() = runBlocking {
        val client = client()
        val walk = client.list("crm.contact.list", buildJsonObject { putJsonObject("filter") { put("<=ID", 100) } }, byId = true)
        assertEquals(50, walk.pages().first().size)
        emulator.fault("""{"kind": "html", "status": 503}""")
        assertThrows<B24kitException.Http> { runBlocking { walk.items().collect() } }
        assertEquals((51..100).map { it.toString() }, walk.items().toList().map { it.jsonObject["ID"]?.jsonPrimitive?.content })

        emulator.fault("""{"kind": "delay", "ms": 2000}""")
        val slow = client.list("crm.contact.list", byId = true)
        val job = async { slow.items().first() }
        delay(200)
        job.cancel()
        assertEquals(0L, slow.progress.requests)
        // The cancelled page is asked for again.
        assertEquals("1", slow.items().first().jsonObject["ID"]?.jsonPrimitive?.content)
    }
}
