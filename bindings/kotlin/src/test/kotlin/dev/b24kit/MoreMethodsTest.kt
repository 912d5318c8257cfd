package dev.b24kit

import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.add
import kotlinx.serialization.json.addJsonObject
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.put
import kotlinx.serialization.json.putJsonArray
import kotlinx.serialization.json.putJsonObject
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/** The methods added from specs alone (pin, pinAll, unpinAll, dialog.get), from Kotlin. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MoreMethodsTest {
    private val emulator = Emulator()
    private val client = Client.fromWebhook(emulator.webhookUrl)

    @AfterAll
    fun stopEmulator() {
        client.close()
        emulator.close()
    }

    @BeforeEach
    fun reset() = emulator.reset()

    private fun control(method: String, path: String, body: String? = null) = emulator.control(method, path, body)

    @Test
    fun `pin, pinAll and unpinAll change the chat`() = runBlocking {
        assertTrue(client.imopenlinesSessionModePin(2043).result)
        assertTrue(control("GET", "chats/2043").contains("\"pinned\":true"))
        assertEquals(listOf(1743L), client.imopenlinesSessionModeUnpinAll().result)
        assertEquals(listOf(1743L), client.imopenlinesSessionModePinAll().result)
        assertEquals(emptyList<Long>(), client.imopenlinesSessionModePinAll().result)
        client.imopenlinesSessionModePin(2043, activate = false)
        assertTrue(control("GET", "chats/2043").contains("\"pinned\":false"))
    }

    @Test
    fun `pin errors`() = runBlocking {
        assertThrows<B24kitException.ChatType> { runBlocking { client.imopenlinesSessionModePin(2044) } }
        assertThrows<B24kitException.AccessDenied> { runBlocking { client.imopenlinesSessionModePin(2045) } }
        control("POST", "faults", """{"kind": "error", "status": 400, "code": "CHAT_ID_EMPTY"}""")
        val empty = assertThrows<B24kitException.ChatIdEmpty> { runBlocking { client.imopenlinesSessionModePin(2043) } }
        assertEquals("imopenlines.session.mode.pin", empty.info.method)
        control("POST", "faults", """{"kind": "error", "status": 400, "code": "ERROR_USER_NOT_OPERATOR"}""")
        assertThrows<B24kitException.UserNotOperator> { runBlocking { client.imopenlinesSessionModePin(2043) } }
        Unit
    }

    @Test
    fun `dialogGet by each identifier shows silent mode`() = runBlocking {
        client.imopenlinesSessionModeSilent(2043, activate = true)
        val byChat = client.imopenlinesDialogGet(chatId = 2043).result
        val bySession = client.imopenlinesDialogGet(sessionId = 1743).result
        val byDialog = client.imopenlinesDialogGet(dialogId = "chat2043").result
        val byUser = client.imopenlinesDialogGet(userCode = "livechat|1|1373|211").result
        for (dialog in listOf(byChat, bySession, byDialog, byUser)) {
            assertEquals(2043L, dialog.id)
            assertEquals("Y", dialog.entityData3)
            assertEquals("LINES", dialog.entityType)
            assertEquals(listOf(1L), dialog.managerList)
        }
    }

    @Test
    fun `dialogGet keeps what the spec does not describe`() = runBlocking {
        val undocumented = """{"is_pinned": 7, "settings": {"avatar": true, "send": false}, "react_list": {"1": false}}"""
        val time = """{"start": 1, "finish": 1, "duration": 0, "processing": 0, "date_start": "x", "date_finish": "x"}"""
        val restrictions = """"restrictions": {"avatar": "Y", "react": true}"""
        val body = """{"result": {"id": 2043, "owner": 5, ${undocumented.removePrefix("{").removeSuffix("}")}, $restrictions}, "time": $time}"""
        control("POST", "faults", """{"kind": "raw", "status": 200, "body": ${JsonPrimitive(body)}}""")
        val dialog = client.imopenlinesDialogGet(chatId = 2043).result
        assertEquals(2043L, dialog.id)
        assertEquals(5L, dialog.owner)
        val extra = dialog.extra.toJsonElement()
        assertEquals(Json.parseToJsonElement(undocumented), extra)
        assertEquals(listOf("is_pinned", "settings", "react_list"), extra.jsonObject.keys.toList())
        // Nested objects keep theirs too.
        val nested = dialog.restrictions!!
        assertEquals(true, nested.avatar)
        assertEquals(null, nested.send)
        assertEquals(Json.parseToJsonElement("""{"react": true}"""), nested.extra.toJsonElement())
    }

    @Test
    fun `dialogGet reads nested objects, lists of objects and dates`() = runBlocking {
        val dialog = client.imopenlinesDialogGet(chatId = 2043).result
        assertEquals(true, dialog.restrictions?.send)
        assertEquals("owner", dialog.permissions?.manageSettings)
        assertEquals("livechat|1|1373|211", dialog.entityLink?.id)
        // A datetime is a java.time.Instant: the moment the portal meant, whatever its offset.
        assertEquals(java.time.Instant.parse("2026-03-16T18:36:06Z"), dialog.dateCreate)
        val reading: ChatReading = dialog.readedList!!.single()
        assertEquals(listOf(1L, dialog.lastMessageId), listOf(reading.userId, reading.messageId))
        assertEquals(java.time.OffsetDateTime.parse("2026-03-16T19:40:12+01:00").toInstant(), reading.date)
        val viewer: ChatViewer = dialog.lastMessageViews!!.firstViewers!!.single()
        assertEquals("User 1", viewer.userName)
        assertEquals(listOf(1L), dialog.muteList)
        assertEquals(null, dialog.description)
        assertEquals(null, dialog.backgroundId)
    }

    @Test
    fun `dialogGet errors and the one-of rule`() = runBlocking {
        assertThrows<B24kitException.Access> { runBlocking { client.imopenlinesDialogGet(chatId = 2045) } }
        control("POST", "faults", """{"kind": "error", "status": 400, "code": "IM_NOT_INSTALLED"}""")
        assertThrows<B24kitException.ImNotInstalled> { runBlocking { client.imopenlinesDialogGet(chatId = 2043) } }
        control("POST", "faults", """{"kind": "error", "status": 400, "code": "DIALOG_ID_EMPTY"}""")
        // Removed from the docs (the server answers ACCESS_ERROR instead), so kept as sent.
        val removed = assertThrows<B24kitException.UnknownCode> { runBlocking { client.imopenlinesDialogGet(chatId = 2043) } }
        assertEquals("DIALOG_ID_EMPTY", removed.info.code)
        val none = assertThrows<B24kitException.InvalidArgument> { runBlocking { client.imopenlinesDialogGet() } }
        assertEquals("exactly one of chatId, dialogId, sessionId, userCode must be given, got none", none.info.reason)
        val two = assertThrows<B24kitException.InvalidArgument> { runBlocking { client.imopenlinesDialogGet(chatId = 1, userCode = "x") } }
        assertTrue(two.info.reason.endsWith("got chatId and userCode"), two.info.reason)
        assertTrue(control("GET", "stats").contains("\"rest_requests\":3"))
    }

    @Test
    fun `CRM chats take a named kind of record or any other`() = runBlocking {
        val chats = client.imopenlinesCrmChatGet(CrmEntityType.Lead, 1205, activeOnly = false).result
        assertEquals(listOf(Triple("2045", "livechat", "Live Chat")), chats.map { Triple(it.chatId, it.connectorId, it.connectorTitle) })
        assertEquals(emptyList<CrmChat>(), client.imopenlinesCrmChatGet(CrmEntityType.Contact, 1205).result)
        assertEquals(2045L, client.imopenlinesCrmChatGetLastId(CrmEntityType.Lead, 1205).result)
        // A kind the enum does not name is sent as given; this portal refuses it.
        assertThrows<B24kitException.AccessDenied> {
            runBlocking { client.imopenlinesCrmChatGet(CrmEntityType.Other("invoice"), 1205) }
        }
        assertEquals(2045L, client.imopenlinesCrmChatUserAdd(CrmEntityType.Other("lead"), 1205, 3).result)
        assertTrue(control("GET", "chats/2045").contains("\"members\":[2,3]"))
        assertEquals(2045L, client.imopenlinesCrmChatUserDelete(CrmEntityType.Lead, 1205, 3).result)
        Unit
    }

    @Test
    fun `network lines take JSON attachments and refuse a NaN in them unsent`() = runBlocking {
        val line = "ab515f5d85a8b844d484f6ea75a2e494"
        assertEquals(603L, client.imopenlinesNetworkJoin(line).result)
        assertThrows<B24kitException.Inactive> { runBlocking { client.imopenlinesNetworkJoin("b24kitemulatorinactiveline000000") } }
        val attach = buildJsonObject {
            put("ID", 1)
            putJsonArray("BLOCKS") { addJsonObject { put("MESSAGE", "The checklist") } }
        }
        assertTrue(client.imopenlinesNetworkMessageAdd(line, 3, "Hello", attach = attach.toJsonValue(), urlPreview = false).result)
        val params = Json.parseToJsonElement(control("GET", "last_call")).jsonObject.getValue("params").jsonObject
        assertEquals(attach, params.getValue("ATTACH"))
        assertEquals(JsonPrimitive("N"), params.getValue("URL_PREVIEW"))
        assertThrows<B24kitException.UserMessageLimit> { runBlocking { client.imopenlinesNetworkMessageAdd(line, 3, "Again") } }
        val before = emulator.stat("rest_requests")
        val size = JsonValue.Object(listOf(JsonEntry("SIZE", JsonValue.Double(Double.NaN))))
        val nan = JsonValue.Object(listOf(JsonEntry("BLOCKS", JsonValue.Array(listOf(size)))))
        val error = assertThrows<B24kitException.InvalidArgument> {
            runBlocking { client.imopenlinesNetworkMessageAdd(line, 4, "x", attach = nan) }
        }
        assertTrue(error.message.contains("attach.BLOCKS[0].SIZE is NaN"), error.message)
        assertEquals(before, emulator.stat("rest_requests"))
        // In a batch, the call that cannot be sent fails on its own and the others go.
        val outcomes = client.imopenlinesNetworkMessageAddBatch(
            listOf(
                ImopenlinesNetworkMessageAddCall(code = line, userId = 4, message = "x", attach = nan, keyboard = null, urlPreview = true),
                ImopenlinesNetworkMessageAddCall(code = line, userId = 4, message = "Hi", attach = attach.toJsonValue(), keyboard = null, urlPreview = true),
            ),
        )
        val failure = outcomes[0] as ImopenlinesNetworkMessageAddOutcome.Failure
        assertTrue(failure.error is B24kitException.InvalidArgument, failure.error.toString())
        assertTrue((outcomes[1] as ImopenlinesNetworkMessageAddOutcome.Success).response.result)
        assertEquals(before + 1, emulator.stat("rest_requests"))
    }

    @Test
    fun `open lines are created, read, changed and deleted`() = runBlocking {
        val line = client.imopenlinesConfigGet(1).result
        assertEquals(listOf("1", "Support", "Y"), listOf(line.id, line.lineName, line.active))
        assertEquals(listOf("1", "2"), line.queue)
        assertEquals("2", line.queueFull?.get("2")?.userId)
        // Settings with documented values are enums.
        assertEquals(QueueDistribution.Evenly, line.queueType)
        assertEquals(listOf(Weekday.Sa, Weekday.Su), line.worktimeDayoff)
        assertEquals("answered_new", line.typeMaxChat?.wireValue())
        assertEquals(null, client.imopenlinesConfigGet(1, withQueue = false).result.queueFull)
        val settings = OpenLineSettings(lineName = "Shop", queue = listOf(OpenLineQueueEntry(QueueEntityType.User, 5)))
        val id = client.imopenlinesConfigAdd(settings).result
        assertEquals(3L, id)
        assertEquals(listOf("5"), client.imopenlinesConfigGet(id).result.queue)
        // Only the settings given are sent; a value the enum does not name goes as written.
        val change = OpenLineSettings(active = "N", queueType = QueueDistribution.Other("randomly"))
        assertTrue(client.imopenlinesConfigUpdate(id, change).result)
        assertTrue(control("GET", "last_call").contains("\"PARAMS\":{\"ACTIVE\":\"N\",\"QUEUE_TYPE\":\"randomly\"}"))
        val closed = client.imopenlinesConfigGet(id).result
        assertEquals("N", closed.active)
        // A value the spec does not name is kept as sent.
        assertEquals(QueueDistribution.Other("randomly"), closed.queueType)
        assertEquals("randomly", closed.queueType?.wireValue())
        assertTrue(client.imopenlinesConfigDelete(id).result)
        assertEquals(false, client.imopenlinesConfigDelete(id).result)
        assertThrows<B24kitException.ConfigIdEmpty> { runBlocking { client.imopenlinesConfigGet(id) } }
        Unit
    }

    @Test
    fun `open lines are listed, filtered, sorted and paged`() = runBlocking {
        val asked = buildJsonObject {
            putJsonObject("filter") { put("ACTIVE", "Y") }
            putJsonArray("select") { add("ID"); add("LINE_NAME") }
        }
        val options = buildJsonObject { put("QUEUE", "Y"); put("CONFIG_QUEUE", "Y") }
        val lines = client.imopenlinesConfigListGet(asked.toJsonValue(), options.toJsonValue()).result
        assertEquals(listOf("1"), lines.map { it.id })
        assertEquals(listOf(1L, 2L), lines[0].queue)
        assertEquals(listOf("user" to "1", "user" to "2"), lines[0].configQueue?.map { it.entityType to it.entityId })
        val order = buildJsonObject { putJsonObject("order") { put("ID", "UP") } }
        assertThrows<B24kitException.InvalidFormat> { runBlocking { client.imopenlinesConfigListGet(order.toJsonValue()) } }
        Unit
    }

    /** Adds lines until the portal has [count] (it starts with two). */
    private suspend fun addLines(count: Int) {
        for (n in 3..count) client.imopenlinesConfigAdd(OpenLineSettings(lineName = "Line $n"))
    }

    @Test
    fun `a list method is walked typed through its own limit and offset, as a Flow`() = runBlocking {
        addLines(7)
        val served = emulator.stat("rest_requests")
        val walk = client.imopenlinesConfigListGetAll(buildJsonObject { put("limit", 2) }.toJsonValue())
        val lines: List<OpenLineListItem> = walk.items().toList()
        assertEquals((1..7).map { "$it" }, lines.map { it.id })
        assertEquals("Line 7", lines[6].lineName)
        assertEquals(ListProgress(items = 7, total = null, requests = 4), walk.progress())
        assertEquals(4L, emulator.stat("rest_requests") - served)

        // From the caller's offset, in the caller's order; taking three sends two requests.
        val before = emulator.stat("rest_requests")
        val newest = buildJsonObject { put("limit", 2); put("offset", 1); putJsonObject("order") { put("ID", "DESC") } }
        val first = client.imopenlinesConfigListGetAll(newest.toJsonValue()).items().take(3).toList()
        assertEquals(listOf("6", "5", "4"), first.map { it.id })
        assertEquals(2L, emulator.stat("rest_requests") - before)
        assertEquals(listOf(2, 2), client.imopenlinesConfigListGetAll(newest.toJsonValue()).pages().take(2).toList().map { it.size })
    }

    @Test
    fun `a typed walk refuses its paging parameters before sending`() = runBlocking {
        val walk = client.imopenlinesConfigListGetAll(buildJsonObject { put("offset", -3) }.toJsonValue())
        val refused = assertThrows<B24kitException.InvalidArgument> { runBlocking { walk.nextPage() } }
        assertEquals("offset", refused.info.parameter)
        assertEquals(0L, emulator.stat("rest_requests"))
    }
}
