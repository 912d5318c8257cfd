package dev.b24kit

import java.io.BufferedReader
import java.io.InputStreamReader
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse

/**
 * The emulator binary (`-Db24kit.emulator`) as a child process — a real HTTP server on 127.0.0.1 —
 * and its control API. Started with its rate limit off; `reset()` restores the start-up state.
 */
class Emulator : AutoCloseable {
    private val process: Process
    private val ready: String
    private val http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build()
    val baseUrl: String
    val webhookUrl: String
    val oauthEndpoint: String
    val accessToken: String
    val oauthServer: String
    val refreshToken: String
    val clientId: String
    val clientSecret: String
    val applicationToken: String

    init {
        val binary = System.getProperty("b24kit.emulator") ?: error("set -Db24kit.emulator")
        process = ProcessBuilder(binary, "--port", "0", "--ready-json", "--rate-limit", "off")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start()
        ready = BufferedReader(InputStreamReader(process.inputStream)).readLine()
        baseUrl = field("base_url")
        webhookUrl = field("webhook_url")
        oauthEndpoint = field("oauth_endpoint")
        accessToken = field("access_token")
        oauthServer = field("oauth_server")
        refreshToken = field("refresh_token")
        clientId = field("client_id")
        clientSecret = field("client_secret")
        applicationToken = field("application_token")
    }

    private fun field(name: String): String =
        Regex("\"$name\":\"([^\"]*)\"").find(ready)?.groupValues?.get(1) ?: error("no $name in $ready")

    /** Calls the control API (`/_emulator/<path>`) and returns the JSON body. */
    fun control(method: String, path: String, body: String? = null): String {
        val request = HttpRequest.newBuilder(URI.create("${baseUrl}_emulator/$path"))
            .header("content-type", "application/json")
            .method(method, body?.let { HttpRequest.BodyPublishers.ofString(it) } ?: HttpRequest.BodyPublishers.noBody())
            .build()
        return http.send(request, HttpResponse.BodyHandlers.ofString()).body()
    }

    fun reset() {
        control("POST", "reset")
        control("PUT", "limits", """{"enabled": false}""")
    }

    fun fault(json: String) {
        control("POST", "faults", json)
    }

    /** Request counts: `rest_requests`, `rate_limited`, `token_refreshes`, … */
    fun stat(name: String): Long =
        Regex("\"$name\":(\\d+)").find(control("GET", "stats"))?.groupValues?.get(1)?.toLong() ?: error("no $name")

    override fun close() {
        process.destroy()
    }
}
