package dev.b24kit

import java.io.File
import kotlinx.coroutines.runBlocking
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
        ).result.id
        "imopenlines.session.mode.pinAll" -> client.imopenlinesSessionModePinAll().result
        "imopenlines.session.mode.unpinAll" -> client.imopenlinesSessionModeUnpinAll().result
        else -> throw NotApplicable("the Kotlin runner does not know $method")
    }

    private fun kindOf(e: B24kitException): String = when (e) {
        is B24kitException.UnknownCode -> "unknown_code"
        is B24kitException.Http -> "http"
        is B24kitException.Connect, is B24kitException.Tls,
        is B24kitException.RequestTimeout, is B24kitException.ConnectionLost -> "transport"
        is B24kitException.Protocol -> "protocol"
        is B24kitException.InvalidArgument -> "invalid_argument"
        is B24kitException.Config -> "config"
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
            "parameter" to (e as? B24kitException.InvalidArgument)?.parameter,
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
        val call = case.getJSONObject("call")
        val expect = case.getJSONObject("expect")
        val outcome: Result<Any> = client(case).use { c ->
            try {
                Result.success(call(c, call.getString("method"), call.getJSONObject("params")))
            } catch (e: B24kitException) {
                Result.failure(e)
            }
        }
        if (expect.has("error")) {
            val error = outcome.exceptionOrNull() as? B24kitException ?: return@runBlocking "expected an error, got ${outcome.getOrNull()}"
            checkError(expect.getJSONObject("error"), error)?.let { return@runBlocking it }
        } else {
            val value = outcome.getOrElse { return@runBlocking "expected success, got ${(it as B24kitException).reason()}" }
            if (value != expect.get("result")) return@runBlocking "result: expected ${expect.get("result")}, got $value"
        }
        expect.optJSONObject("chat")?.let { want ->
            val chat = JSONObject(emulator.control("GET", "chats/${want.getLong("id")}"))
            for (key in want.keySet()) {
                if (chat.get(key) != want.get(key)) return@runBlocking "chat $key: expected ${want.get(key)}, got ${chat.get(key)}"
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
