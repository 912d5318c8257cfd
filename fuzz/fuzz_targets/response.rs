//! Any status and body a server can send decode to a result or a typed error, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| b24kit::fuzzing::response::<b24kit::Spec>(data));
