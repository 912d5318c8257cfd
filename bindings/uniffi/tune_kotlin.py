"""Post-processes uniffi's generated Kotlin (run by generate.sh): two changes to uniffi's JNA glue that a
call pays for every time, each measured here with sequential suspend calls against the emulator.

1. The object through which Rust resumes suspended coroutines keeps the calling native threads attached
   to the JVM. By default JNA attaches such a thread for the callback and detaches it after, on every
   call: about 150 µs of a 400 µs call (2,150 → 3,380 calls/s when kept attached). The threads are the
   runtime's long-lived workers, so they stay attached, as daemons.
2. The status every FFI call fills in is reused per thread instead of allocated per call. It is a JNA
   `Structure` holding another (its error buffer): each allocation takes native memory that JNA tracks
   in a global map and frees through its cleaner thread, and a call makes three or four of them. That
   bookkeeping was half of the JVM thread's samples (JFR, 20,000 calls: 50 of 97); reused, the thread's
   samples fell to 31 and calls went from 3,600 to 4,000 per second. A call made while the thread's
   status is in use (lifting an error frees a buffer through another call) gets a fresh one.

Each change replaces an exact piece of uniffi's output; if uniffi changes it, this script fails and says
which piece to look at again.
Usage: python tune_kotlin.py <generated .kt file>
"""

import sys

ATTACH_ANCHOR = "internal object uniffiRustFutureContinuationCallbackImpl: UniffiRustFutureContinuationCallback {\n"
ATTACH = ATTACH_ANCHOR + (
    "    // b24kit (bindings/uniffi/tune_kotlin.py): keep Rust's I/O threads attached to the JVM\n"
    "    // instead of attaching and detaching them around every resumed call.\n"
    "    init {\n"
    "        com.sun.jna.Native.setCallbackThreadInitializer(\n"
    "            this,\n"
    "            com.sun.jna.CallbackThreadInitializer(true, false, \"b24kit-io\"),\n"
    "        )\n"
    "    }\n"
)

STATUS_ANCHOR = """private inline fun <U, E: kotlin.Exception> uniffiRustCallWithError(errorHandler: UniffiRustCallStatusErrorHandler<E>, callback: (UniffiRustCallStatus) -> U): U {
    var status = UniffiRustCallStatus()
    val return_value = callback(status)
    uniffiCheckCallStatus(errorHandler, status)
    return return_value
}
"""
STATUS = """private inline fun <U, E: kotlin.Exception> uniffiRustCallWithError(errorHandler: UniffiRustCallStatusErrorHandler<E>, callback: (UniffiRustCallStatus) -> U): U {
    // b24kit (bindings/uniffi/tune_kotlin.py): the thread's status, reused.
    val status = UniffiCallStatusCache.take()
    try {
        val return_value = callback(status)
        uniffiCheckCallStatus(errorHandler, status)
        return return_value
    } finally {
        UniffiCallStatusCache.giveBack(status)
    }
}

// b24kit (bindings/uniffi/tune_kotlin.py): one call status per thread instead of one JNA allocation per call.
internal object UniffiCallStatusCache {
    private val idle = ThreadLocal<UniffiRustCallStatus?>()

    fun take(): UniffiRustCallStatus {
        val status = idle.get() ?: return UniffiRustCallStatus()
        idle.set(null)
        status.code = 0
        status.error_buf.capacity = 0
        status.error_buf.len = 0
        status.error_buf.data = null
        return status
    }

    fun giveBack(status: UniffiRustCallStatus) {
        idle.set(status)
    }
}
"""

path = sys.argv[1]
text = open(path, encoding="utf-8").read()
for name, anchor, replacement in [
    ("the continuation callback object", ATTACH_ANCHOR, ATTACH),
    ("uniffiRustCallWithError", STATUS_ANCHOR, STATUS),
]:
    if text.count(anchor) != 1:
        sys.exit(f"{path}: uniffi's {name} was not found once as expected; update tune_kotlin.py")
    text = text.replace(anchor, replacement)
open(path, "w", encoding="utf-8").write(text)
