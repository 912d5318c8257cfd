package dev.b24kit

import java.io.File
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.jsonObject
import org.json.JSONObject
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance

/**
 * The Kotlin runner of tests/conformance/cases.json (`-Db24kit.conformance=<file>`): every case through the
 * public API against the emulator, one JSON line per case written to `target/conformance-kotlin.jsonl` for the
 * cross-language table. Wrong-typed or missing arguments are "n/a": in Kotlin they do not compile.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConformanceTest {
    private val emulator = Emulator()

    @AfterAll
    fun stopEmulator() = emulator.close()

    private class NotApplicable(why: String) : Exception(why)

    private companion object {
        /** The typed calls' answers are compared by their result only. */
        val ANY_TIME = Time(0.0, 0.0, 0.0, 0.0, "", "", null, null)
    }

    private fun client(case: JSONObject): Client {
        val options = ClientOptions(
            timeoutMs = (case.optJSONObject("options")?.optLong("timeout_ms", 10_000) ?: 10_000).toULong(),
            rateLimit = RateLimit.Off,
            retry = RetryOptions(maxAttempts = 1u),
        )
        val credential = case.get("credential")
        return when {
            credential == "webhook" -> Client.fromWebhook(emulator.webhookUrl, options)
            credential is JSONObject && credential.has("webhook_key") ->
                Client.fromWebhook("${emulator.baseUrl}rest/1/${credential.getString("webhook_key")}/", options)
            else -> Client.fromOauth(emulator.oauthEndpoint, (credential as JSONObject).getString("token"), options)
        }
    }

    private fun long(params: JSONObject, name: String): Long {
        if (!params.has(name)) throw NotApplicable("a missing required argument does not compile in Kotlin")
        val value = params.get(name)
        return (value as? Number)?.toLong() ?: throw NotApplicable("a wrong-typed argument does not compile in Kotlin")
    }

    private fun crmEntityType(text: String): CrmEntityType = when (text) {
        "lead" -> CrmEntityType.Lead
        "deal" -> CrmEntityType.Deal
        "company" -> CrmEntityType.Company
        "contact" -> CrmEntityType.Contact
        else -> CrmEntityType.Other(text)
    }

    private fun botMessageKind(text: String): BotMessageKind = when (text) {
        "WELCOME" -> BotMessageKind.Welcome
        "DEFAULT" -> BotMessageKind.Default
        else -> BotMessageKind.Other(text)
    }

    private fun optionalText(params: JSONObject, name: String): String? = if (params.has(name)) text(params, name) else null

    private fun optionalLong(params: JSONObject, name: String): Long? = if (params.has(name)) long(params, name) else null

    private fun optionalJson(params: JSONObject, name: String): JsonValue? = if (params.has(name)) kx(params.get(name)).toJsonValue() else null

    private fun text(params: JSONObject, name: String): String {
        if (!params.has(name)) throw NotApplicable("a missing required argument does not compile in Kotlin")
        return params.get(name) as? String ?: throw NotApplicable("a wrong-typed argument does not compile in Kotlin")
    }

    private fun flag(params: JSONObject, name: String, default: Boolean): Boolean {
        if (!params.has(name)) return default
        return params.get(name) as? Boolean ?: throw NotApplicable("a wrong-typed argument does not compile in Kotlin")
    }

    /** The case's call through the generated method; its result as a JSON value. */
    private suspend fun call(client: Client, method: String, params: JSONObject): Any = when (method) {
        "imopenlines.session.mode.silent" ->
            client.imopenlinesSessionModeSilent(long(params, "CHAT_ID"), flag(params, "ACTIVATE", false)).result
        "imopenlines.session.mode.pin" ->
            client.imopenlinesSessionModePin(long(params, "CHAT_ID"), flag(params, "ACTIVATE", true)).result
        "imopenlines.dialog.get" -> client.imopenlinesDialogGet(
            chatId = if (params.has("CHAT_ID")) long(params, "CHAT_ID") else null,
            dialogId = params.optString("DIALOG_ID", null),
            sessionId = if (params.has("SESSION_ID")) long(params, "SESSION_ID") else null,
            userCode = params.optString("USER_CODE", null),
        ).result
        "imopenlines.session.history.get" -> client.imopenlinesSessionHistoryGet(
            sessionId = if (params.has("SESSION_ID")) long(params, "SESSION_ID") else null,
            chatId = if (params.has("CHAT_ID")) long(params, "CHAT_ID") else null,
        ).result
        "imopenlines.operator.answer" -> client.imopenlinesOperatorAnswer(long(params, "CHAT_ID")).result
        "imopenlines.operator.finish" -> client.imopenlinesOperatorFinish(long(params, "CHAT_ID")).result
        "imopenlines.operator.another.finish" -> client.imopenlinesOperatorAnotherFinish(long(params, "CHAT_ID")).result
        "imopenlines.operator.skip" -> client.imopenlinesOperatorSkip(long(params, "CHAT_ID")).result
        "imopenlines.operator.spam" -> client.imopenlinesOperatorSpam(long(params, "CHAT_ID")).result
        "imopenlines.session.join" -> client.imopenlinesSessionJoin(long(params, "CHAT_ID")).result
        "imopenlines.session.start" -> client.imopenlinesSessionStart(long(params, "CHAT_ID")).result
        "imopenlines.message.session.start" ->
            client.imopenlinesMessageSessionStart(long(params, "CHAT_ID"), long(params, "MESSAGE_ID")).result
        "imopenlines.crm.lead.create" -> client.imopenlinesCrmLeadCreate(long(params, "CHAT_ID")).result
        "imopenlines.session.intercept" -> client.imopenlinesSessionIntercept(long(params, "CHAT_ID")).result
        "imopenlines.session.head.vote" -> client.imopenlinesSessionHeadVote(
            long(params, "SESSION_ID"),
            rating = if (params.has("RATING")) long(params, "RATING") else null,
            comment = if (params.has("COMMENT")) params.getString("COMMENT") else null,
        ).result
        "imopenlines.session.mode.pinAll" -> client.imopenlinesSessionModePinAll().result
        "imopenlines.session.mode.unpinAll" -> client.imopenlinesSessionModeUnpinAll().result
        "imopenlines.crm.chat.get" -> client.imopenlinesCrmChatGet(
            crmEntityType(text(params, "CRM_ENTITY_TYPE")),
            long(params, "CRM_ENTITY"),
            activeOnly = flag(params, "ACTIVE_ONLY", true),
        ).result
        "imopenlines.crm.chat.getLastId" -> client.imopenlinesCrmChatGetLastId(
            crmEntityType(text(params, "CRM_ENTITY_TYPE")),
            long(params, "CRM_ENTITY"),
        ).result
        "imopenlines.crm.chat.user.add" -> client.imopenlinesCrmChatUserAdd(
            crmEntityType(text(params, "CRM_ENTITY_TYPE")),
            long(params, "CRM_ENTITY"),
            long(params, "USER_ID"),
            chatId = if (params.has("CHAT_ID")) long(params, "CHAT_ID") else null,
        ).result
        "imopenlines.crm.chat.user.delete" -> client.imopenlinesCrmChatUserDelete(
            crmEntityType(text(params, "CRM_ENTITY_TYPE")),
            long(params, "CRM_ENTITY"),
            long(params, "USER_ID"),
            chatId = if (params.has("CHAT_ID")) long(params, "CHAT_ID") else null,
        ).result
        "imopenlines.revision.get" -> client.imopenlinesRevisionGet().result
        "imopenlines.config.path.get" -> client.imopenlinesConfigPathGet().result
        "imopenlines.config.get" -> client.imopenlinesConfigGet(
            long(params, "CONFIG_ID"),
            withQueue = flag(params, "WITH_QUEUE", true),
            showOffline = flag(params, "SHOW_OFFLINE", true),
        ).result
        "imopenlines.config.add" -> client.imopenlinesConfigAdd(settings(params)).result
        "imopenlines.config.update" -> client.imopenlinesConfigUpdate(long(params, "CONFIG_ID"), settings(params)).result
        "imopenlines.config.delete" -> client.imopenlinesConfigDelete(long(params, "CONFIG_ID")).result
        "imopenlines.config.list.get" -> client.imopenlinesConfigListGet(optionalJson(params, "PARAMS"), optionalJson(params, "OPTIONS")).result
        "imopenlines.network.join" -> client.imopenlinesNetworkJoin(text(params, "CODE")).result
        "imopenlines.network.message.add" -> client.imopenlinesNetworkMessageAdd(
            text(params, "CODE"),
            long(params, "USER_ID"),
            text(params, "MESSAGE"),
            attach = optionalJson(params, "ATTACH"),
            keyboard = optionalJson(params, "KEYBOARD"),
            urlPreview = flag(params, "URL_PREVIEW", true),
        ).result
        "imopenlines.crm.message.add" -> client.imopenlinesCrmMessageAdd(
            crmEntityType(text(params, "CRM_ENTITY_TYPE")),
            long(params, "CRM_ENTITY"),
            long(params, "USER_ID"),
            long(params, "CHAT_ID"),
            text(params, "MESSAGE"),
        ).result
        "imopenlines.message.quick.save" -> client.imopenlinesMessageQuickSave(
            long(params, "CHAT_ID"),
            long(params, "MESSAGE_ID"),
        ).result
        "imopenlines.session.open" -> client.imopenlinesSessionOpen(text(params, "USER_CODE")).result
        "imopenlines.operator.transfer" -> client.imopenlinesOperatorTransfer(
            long(params, "CHAT_ID"),
            transferId = if (params.has("TRANSFER_ID")) text(params, "TRANSFER_ID") else null,
            userId = if (params.has("USER_ID")) long(params, "USER_ID") else null,
            queueId = if (params.has("QUEUE_ID")) long(params, "QUEUE_ID") else null,
        ).result
        "imopenlines.bot.session.operator" -> client.imopenlinesBotSessionOperator(long(params, "CHAT_ID")).result
        "imopenlines.bot.session.finish" ->
            client.imopenlinesBotSessionFinish(long(params, "CHAT_ID"), clientId = optionalText(params, "CLIENT_ID")).result
        "imopenlines.bot.session.message.send" -> client.imopenlinesBotSessionMessageSend(
            long(params, "CHAT_ID"),
            name = optionalText(params, "NAME")?.let(::botMessageKind),
            message = optionalText(params, "MESSAGE"),
        ).result
        "imopenlines.bot.session.transfer" -> client.imopenlinesBotSessionTransfer(
            long(params, "CHAT_ID"),
            userId = optionalLong(params, "USER_ID"),
            queueId = optionalLong(params, "QUEUE_ID"),
            transferId = optionalText(params, "TRANSFER_ID"),
            leave = flag(params, "LEAVE", false),
            clientId = optionalText(params, "CLIENT_ID"),
        ).result
        else -> throw NotApplicable("the Kotlin runner does not know $method")
    }

    private fun kindOf(e: B24kitException): String = when (e) {
        is B24kitException.UnknownCode -> "unknown_code"
        is B24kitException.Http -> "http"
        is B24kitException.PortalMoved -> "portal_moved"
        is B24kitException.Connect, is B24kitException.Tls,
        is B24kitException.RequestTimeout, is B24kitException.ConnectionLost -> "transport"
        is B24kitException.Protocol -> "protocol"
        is B24kitException.InvalidArgument -> "invalid_argument"
        is B24kitException.Config -> "config"
        is B24kitException.Skipped -> "skipped"
        else -> if (e.errorCategory() != null) "system" else "method"
    }

    private fun checkError(expected: JSONObject, e: B24kitException): String? {
        val kind = kindOf(e)
        if (kind != expected.getString("kind")) return "expected a ${expected.getString("kind")} error, got $kind: ${e.reason()}"
        val actual = mapOf(
            "code" to e.errorCode(),
            "status" to e.status(),
            "retryable" to e.isRetryable(),
            "category" to e.errorCategory(),
            // Kotlin spells parameters in camel case; compare with the wire name's spelling.
            "parameter" to (e as? B24kitException.InvalidArgument)?.info?.parameter,
        )
        for (field in expected.keySet()) {
            if (field == "kind") continue
            var want: Any? = expected.get(field)
            if (field == "parameter") want = camel(want as String)
            if (actual[field] != want) return "$field: expected $want, got ${actual[field]} (${e.reason()})"
        }
        return null
    }

    private fun camel(wire: String): String =
        wire.lowercase().split('_').mapIndexed { i, w -> if (i == 0) w else w.replaceFirstChar(Char::uppercase) }.joinToString("")

    private fun requests(): Long = emulator.stat("rest_requests")

    /** An org.json value of the table as kotlinx JSON. */
    private fun kx(value: Any): JsonElement = Json.parseToJsonElement(
        when (value) {
            is JSONObject, is org.json.JSONArray -> value.toString()
            JSONObject.NULL -> "null"
            is String -> JSONObject.quote(value)
            else -> value.toString()
        },
    )

    /**
     * A typed result as JSON: a record's fields under their Kotlin names (`has` matches them
     * with wire keys), lists, maps, `Instant`s and enums as text; its `extra` is left out.
     */
    private fun typedJson(value: Any?): JsonElement = when (value) {
        null -> JsonNull
        is Boolean -> JsonPrimitive(value)
        is Number -> JsonPrimitive(value)
        is String -> JsonPrimitive(value)
        is java.time.Instant -> JsonPrimitive(value.toString())
        is List<*> -> JsonArray(value.map(::typedJson))
        is Map<*, *> -> JsonObject(value.entries.associate { (key, item) -> key.toString() to typedJson(item) })
        is JsonValue -> value.toJsonElement()
        else -> enumText(value)?.let(::JsonPrimitive) ?: JsonObject(
            value.javaClass.declaredFields
                .filter { !java.lang.reflect.Modifier.isStatic(it.modifiers) && it.name != "extra" }
                .associate { field ->
                    field.isAccessible = true
                    field.name to typedJson(field.get(value))
                },
        )
    }

    /** The text of an enum's value (every generated enum has `wireValue()`), else `null`. */
    private fun enumText(value: Any): String? =
        value.javaClass.methods.firstOrNull { it.name == "wireValue" && it.parameterCount == 0 }?.invoke(value) as String?

    /**
     * Whether `actual` holds `want`: every key of an object, every item of a list, the same
     * moment for a date and time (a typed result's is an `Instant`), equality otherwise.
     */
    /**
     * A line's settings from the case's `PARAMS`: the keys go through `extra`, as given (the
     * typed fields are tested in MoreMethodsTest; the cases are the same table in every language).
     */
    private fun settings(params: JSONObject): OpenLineSettings? =
        optionalJson(params, "PARAMS")?.let { OpenLineSettings(extra = it) }

    private fun has(actual: JsonElement?, want: JsonElement): Boolean = when (want) {
        is JsonObject -> actual is JsonObject && want.all { (key, value) ->
            has(actual[key] ?: actual.entries.firstOrNull { same(it.key, key) }?.value, value)
        }
        is JsonArray -> actual is JsonArray && actual.size == want.size && actual.zip(want).all { (a, w) -> has(a, w) }
        else -> actual == want || sameMoment(actual, want)
    }

    /** A Kotlin property and the wire key it reads: `entityData1` and `entity_data_1`. */
    private fun same(property: String, wire: String) =
        property.replace("_", "").equals(wire.replace("_", ""), ignoreCase = true)

    private fun sameMoment(actual: JsonElement?, want: JsonElement): Boolean {
        if (actual !is JsonPrimitive || !actual.isString || want !is JsonPrimitive || !want.isString) return false
        val moment = { text: String -> runCatching { java.time.OffsetDateTime.parse(text).toInstant() }.getOrNull() }
        return moment(actual.content)?.let { it == moment(want.content) } ?: false
    }

    /** A success or an error, as the expectation says. */
    private fun checkAnswer(expect: JSONObject, outcome: Result<JsonAnswer>): String? {
        if (expect.has("error")) {
            val error = outcome.exceptionOrNull() as? B24kitException ?: return "expected an error, got ${outcome.getOrNull()?.result}"
            return checkError(expect.getJSONObject("error"), error)
        }
        val answer = outcome.getOrElse { return "expected success, got ${(it as B24kitException).reason()}" }
        if (expect.has("result") && answer.result != kx(expect.get("result"))) return "result: expected ${expect.get("result")}, got ${answer.result}"
        if (expect.has("result_has") && !has(answer.result, kx(expect.get("result_has")))) {
            return "result: expected it to hold ${expect.get("result_has")}, got ${answer.result}"
        }
        if (expect.has("result_count") && (answer.result as? JsonArray)?.size != expect.getInt("result_count")) {
            return "result: expected ${expect.getInt("result_count")} items, got ${answer.result}"
        }
        for ((field, got) in listOf("total" to answer.total, "next" to answer.next)) {
            if (!expect.has(field)) continue
            val want = if (expect.isNull(field)) null else expect.getLong(field)
            if (got != want) return "$field: expected $want, got $got"
        }
        return null
    }

    private suspend fun performCall(client: Client, case: JSONObject): String? {
        val call = case.getJSONObject("call")
        val method = call.getString("method")
        val outcome: Result<JsonAnswer> = try {
            if (call.optBoolean("by_name")) {
                Result.success(client.call(method, kx(call.getJSONObject("params")).jsonObject))
            } else {
                val result = typedJson(call(client, method, call.getJSONObject("params")))
                Result.success(JsonAnswer(result, ANY_TIME, null, null))
            }
        } catch (e: B24kitException) {
            Result.failure(e)
        }
        return checkAnswer(case.getJSONObject("expect"), outcome)
    }

    private suspend fun performList(client: Client, case: JSONObject): String? {
        val spec = case.getJSONObject("list")
        val expect = case.getJSONObject("expect")
        val (walked, progress) = if (spec.optBoolean("typed")) {
            walkTyped(client, spec.getString("method"), spec.getJSONObject("params"))
        } else {
            val walk = client.list(spec.getString("method"), kx(spec.getJSONObject("params")).jsonObject, byId = spec.optBoolean("by_id"))
            val items = try {
                Result.success(walk.items().toList())
            } catch (e: B24kitException) {
                Result.failure(e)
            }
            items to walk.progress.also { walk.close() }
        }
        val items = walked.getOrElse { e ->
            if (expect.has("error")) return checkError(expect.getJSONObject("error"), e as B24kitException)
            return "expected the whole list, got ${(e as B24kitException).reason()}"
        }
        if (expect.has("error")) return "expected an error, got ${items.size} items"
        if (items.size != expect.getInt("items")) return "expected ${expect.getInt("items")} items, got ${items.size}"
        for ((end, item) in listOf("first" to items.firstOrNull(), "last" to items.lastOrNull())) {
            if (expect.has(end) && !has(item, kx(expect.get(end)))) return "$end item: expected it to hold ${expect.get(end)}, got $item"
        }
        expect.optJSONObject("progress")?.let { want ->
            val total = if (want.isNull("total")) null else want.getLong("total")
            val expected = ListProgress(items = want.getLong("items"), total = total, requests = want.getLong("requests"))
            if (progress != expected) return "progress: expected $expected, got $progress"
        }
        return null
    }

    /** A walk to the end through a list method's typed walk, its items as JSON. */
    private suspend fun walkTyped(client: Client, method: String, params: JSONObject): Pair<Result<List<JsonElement>>, ListProgress> =
        when (method) {
            "imopenlines.config.list.get" -> {
                val walk = client.imopenlinesConfigListGetAll(optionalJson(params, "PARAMS"), optionalJson(params, "OPTIONS"))
                val items = try {
                    Result.success(walk.items().toList().map { typedJson(it) })
                } catch (e: B24kitException) {
                    Result.failure(e)
                }
                items to walk.progress().also { walk.close() }
            }
            else -> error("no typed walk of $method in this runner")
        }

    private suspend fun performBatch(client: Client, case: JSONObject): String? {
        val spec = case.getJSONObject("batch")
        val expect = case.getJSONObject("expect")
        val calls = LinkedHashMap<String, Pair<String, JsonObject>>()
        val list = spec.getJSONArray("calls")
        for (i in 0 until list.length()) {
            val call = list.getJSONObject(i)
            calls[call.getString("name")] = call.getString("method") to kx(call.getJSONObject("params")).jsonObject
        }
        val outcomes = try {
            client.batch(calls, halt = spec.getBoolean("halt"))
        } catch (e: B24kitException) {
            return if (expect.has("error")) checkAnswer(expect, Result.failure(e)) else "expected outcomes, got ${e.reason()}"
        }
        if (expect.has("error")) return "expected the batch to be refused, got $outcomes"
        val wanted = expect.getJSONArray("outcomes")
        val names = (0 until wanted.length()).map { wanted.getJSONObject(it).getString("name") }
        if (outcomes.keys.toList() != names) return "outcomes: expected names $names, got ${outcomes.keys}"
        for (i in 0 until wanted.length()) {
            val want = wanted.getJSONObject(i)
            checkAnswer(want, outcomes.getValue(want.getString("name")))?.let { return "${want.getString("name")}: $it" }
        }
        return null
    }

    private fun run(case: JSONObject): String? = runBlocking {
        emulator.reset()
        val setup = case.optJSONObject("setup") ?: JSONObject()
        setup.optJSONObject("chat_flags")?.let { flags ->
            val id = flags.getLong("id")
            val rest = JSONObject(flags.toString()).apply { remove("id") }
            emulator.control("PATCH", "chats/$id", rest.toString())
        }
        setup.optJSONObject("fault")?.let { emulator.fault(it.toString()) }
        val before = requests()
        val expect = case.getJSONObject("expect")
        val problem = client(case).use { c ->
            when {
                case.has("list") -> performList(c, case)
                case.has("batch") -> performBatch(c, case)
                else -> performCall(c, case)
            }
        }
        if (problem != null) return@runBlocking problem
        expect.optJSONObject("chat")?.let { want ->
            val chat = JSONObject(emulator.control("GET", "chats/${want.getLong("id")}"))
            for (key in want.keySet()) {
                if (kx(chat.get(key)) != kx(want.get(key))) return@runBlocking "chat $key: expected ${want.get(key)}, got ${chat.get(key)}"
            }
        }
        if (expect.has("requests")) {
            val sent = requests() - before
            if (sent != expect.getLong("requests")) return@runBlocking "expected ${expect.getLong("requests")} requests at the portal, got $sent"
        }
        null
    }

    @Test
    fun `every case of the shared table`() {
        val file = File(System.getProperty("b24kit.conformance") ?: "../../tests/conformance/cases.json")
        val cases = JSONObject(file.readText()).getJSONArray("cases")
        val lines = mutableListOf<String>()
        val failures = mutableListOf<String>()
        for (i in 0 until cases.length()) {
            val case = cases.getJSONObject(i)
            val name = case.getString("name")
            val (outcome, detail) = try {
                when (val problem = run(case)) {
                    null -> "pass" to ""
                    else -> "fail" to problem
                }
            } catch (e: NotApplicable) {
                "n/a" to (e.message ?: "")
            }
            if (outcome == "fail") failures.add("$name: $detail")
            lines.add(JSONObject(mapOf("case" to name, "outcome" to outcome, "detail" to detail)).toString())
        }
        File("target/conformance-kotlin.jsonl").writeText(lines.joinToString("\n", postfix = "\n"))
        assertTrue(failures.isEmpty(), failures.joinToString("\n"))
    }
}
