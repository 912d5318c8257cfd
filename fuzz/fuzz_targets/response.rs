//! Any status and body a server can send decode to a result or a typed error, never a panic;
//! so does any body POSTed to an event handler.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    b24kit::fuzzing::response::<b24kit::Spec>(data);
    b24kit::fuzzing::delivery::<b24kit::PortalEvent>(data);
});
