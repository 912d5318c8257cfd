//! `uniffi-bindgen`, pinned to the same uniffi as `bindings/uniffi`, so the generated Kotlin and
//! Swift always match the library's metadata. See `bindings/uniffi/generate.sh`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
