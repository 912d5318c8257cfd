//! Any text as a spec file is loaded or refused with located errors, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| b24kit_codegen::spec::fuzz_input(data));
