package dev.b24kit

import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.booleanOrNull
import kotlinx.serialization.json.doubleOrNull
import kotlinx.serialization.json.longOrNull

// Calls of any Bitrix24 method by name with kotlinx.serialization's JsonElement: the JSON type
// Kotlin code already passes around (Ktor, Android), immutable, with `buildJsonObject { }` for
// parameters and `Json.decodeFromJsonElement<T>()` for results into the caller's own classes.
// The FFI carries b24kit's JsonValue; these functions translate and nothing else.

/** A successful call by name: its `result`, the answer's `time` and, for list methods, `total` and `next`. */
data class JsonAnswer(
    val result: JsonElement,
    val time: Time,
    /** How many items the list has, when the portal counted them. */
    val total: Long?,
    /** The `start` of the next page; null on the last one. */
    val next: Long?,
)

private val NO_PARAMS = JsonObject(emptyMap())

/**
 * Calls any method by name, with the same limits, retries and errors as the typed calls:
 * `client.call("crm.contact.get", buildJsonObject { put("ID", 5) })`.
 *
 * [idempotent] lets a failure that may have reached the portal be retried; a method without a
 * spec is not, by default. Throws [B24kitException.InvalidArgument] for a name that is not a
 * method's or a value JSON cannot hold (a NaN, naming its path), before anything is sent.
 */
suspend fun Client.call(method: String, params: JsonObject = NO_PARAMS, idempotent: Boolean? = null): JsonAnswer =
    callMethod(method, params.toJsonValue(), idempotent).toAnswer()

/**
 * Calls of any methods through Bitrix24's `batch`, by name:
 * `client.batch(mapOf("contact" to ("crm.contact.get" to params)))`. A parameter may refer to
 * an earlier call's result as `$result[name]…`; such calls always share a request. One entry
 * per name, in order: the answer, or the [B24kitException] it failed with. With [halt] the calls
 * after the first failure fail with [B24kitException.Skipped].
 */
suspend fun Client.batch(calls: Map<String, Pair<String, JsonObject>>, halt: Boolean = false): Map<String, Result<JsonAnswer>> {
    val named = calls.map { (name, call) -> NamedCall(name, call.first, call.second.toJsonValue()) }
    val outcomes = batchCalls(named, halt)
    val out = LinkedHashMap<String, Result<JsonAnswer>>(named.size)
    named.zip(outcomes).forEach { (call, outcome) ->
        out[call.name] = when (outcome) {
            is JsonOutcome.Success -> Result.success(outcome.response.toAnswer())
            is JsonOutcome.Failure -> Result.failure(outcome.error)
        }
    }
    return out
}

/**
 * Every item of a list method, a page of 50 at a time as the collector asks:
 * `client.list("crm.contact.list", byId = true).items().collect { … }`.
 *
 * [byId] walks by ID as the docs advise for large lists (ordered by ID, each page filtered on
 * `>ID` of the last, never counted); otherwise the first page says how many items there are and
 * the rest come 50 pages per `batch` request. [idField] (default `ID`) and [itemsKey] (where the
 * items are when `result` is an object) fit other list methods.
 */
fun Client.list(
    method: String,
    params: JsonObject = NO_PARAMS,
    byId: Boolean = false,
    idField: String? = null,
    itemsKey: String? = null,
): JsonListWalk = JsonListWalk(list(method, params.toJsonValue(), byId, idField, itemsKey))

/**
 * A walk through a list method. Collecting [items] or [pages] fetches pages as they are needed;
 * cancelling the collector stops the walk and sends nothing more. A walk is collected once:
 * collecting again goes on where the last collector stopped (a failed page is asked for again).
 */
class JsonListWalk(private val walk: ListWalk) : AutoCloseable {
    /** How far the walk has got; readable while a page is fetched. */
    val progress: ListProgress get() = walk.progress()

    /** The rest of the walk, a page (up to 50 items) at a time. */
    fun pages(): Flow<List<JsonElement>> = pagesOf { walk.nextPage()?.map { it.toJsonElement() } }

    /** The rest of the walk, item by item. */
    fun items(): Flow<JsonElement> = itemsOf { walk.nextPage()?.map { it.toJsonElement() } }

    /** Frees the native walk now rather than when it is garbage-collected. */
    override fun close() = walk.close()
}

/** A walk's items as a Flow, each page fetched by [nextPage] when the collector reaches it. */
internal fun <T> itemsOf(nextPage: suspend () -> List<T>?): Flow<T> = flow {
    while (true) {
        val page = nextPage() ?: break
        for (item in page) emit(item)
    }
}

/** A walk's pages as a Flow, each fetched by [nextPage] when the collector asks. */
internal fun <T> pagesOf(nextPage: suspend () -> List<T>?): Flow<List<T>> = flow {
    while (true) emit(nextPage() ?: break)
}

private fun JsonResponse.toAnswer() = JsonAnswer(result.toJsonElement(), time, total, next)

/** kotlinx JSON as b24kit's; numbers stay integers when they are. */
fun JsonElement.toJsonValue(): JsonValue = when (this) {
    is JsonNull -> JsonValue.Null
    is JsonObject -> JsonValue.Object(entries.map { (key, value) -> JsonEntry(key, value.toJsonValue()) })
    is JsonArray -> JsonValue.Array(map { it.toJsonValue() })
    is JsonPrimitive -> when {
        isString -> JsonValue.String(content)
        booleanOrNull != null -> JsonValue.Bool(booleanOrNull!!)
        longOrNull != null -> JsonValue.Int(longOrNull!!)
        // NaN and infinities go through as they are: the core refuses them, naming the path.
        else -> JsonValue.Double(doubleOrNull ?: Double.NaN)
    }
}

/** b24kit's JSON as kotlinx's, object keys in the portal's order. */
fun JsonValue.toJsonElement(): JsonElement = when (this) {
    is JsonValue.Null -> JsonNull
    is JsonValue.Bool -> JsonPrimitive(value)
    is JsonValue.Int -> JsonPrimitive(value)
    is JsonValue.Double -> JsonPrimitive(value)
    is JsonValue.String -> JsonPrimitive(value)
    is JsonValue.Array -> JsonArray(items.map { it.toJsonElement() })
    is JsonValue.Object -> JsonObject(entries.associateTo(LinkedHashMap(entries.size)) { it.key to it.value.toJsonElement() })
}
