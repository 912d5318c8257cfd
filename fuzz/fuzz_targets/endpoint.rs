//! Any text given as a webhook URL or an OAuth endpoint is accepted or refused with a typed
//! error, never a panic — and no printable form of an accepted webhook shows its key.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| b24kit::fuzzing::endpoint(data));
