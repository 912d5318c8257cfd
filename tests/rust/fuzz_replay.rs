//! Replays every fuzz seed and every saved crash input (`fuzz/seeds/<target>/`,
//! `fuzz/regressions/<target>/`) through the fuzz targets' own entry points, on stable Rust and on
//! every test run: a crash found by fuzzing becomes a regression test by saving its input there.

use std::fs;
use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) -> usize {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut replayed = 0;
    for folder in ["seeds", "regressions"] {
        let Ok(entries) = fs::read_dir(fuzz.join(folder).join(target)) else {
            continue;
        };
        for entry in entries.flatten() {
            let input = fs::read(entry.path()).unwrap();
            let outcome = std::panic::catch_unwind(|| check(&input));
            assert!(outcome.is_ok(), "{} panics", entry.path().display());
            replayed += 1;
        }
    }
    replayed
}

#[test]
fn response_inputs() {
    let both: fn(&[u8]) = |input| {
        b24kit::fuzzing::response::<b24kit::Spec>(input);
        b24kit::fuzzing::delivery::<b24kit::PortalEvent>(input);
    };
    assert!(replay("response", both) >= 3);
}

#[test]
fn endpoint_inputs() {
    assert!(replay("endpoint", b24kit::fuzzing::endpoint) >= 2);
}

#[test]
fn spec_inputs() {
    assert!(replay("spec", b24kit_codegen::spec::fuzz_input) >= 5);
}

/// The checks can fail: a leaked key or a panic in the loader would be caught.
#[test]
fn the_endpoint_check_accepts_good_and_refuses_bad_urls() {
    b24kit::fuzzing::endpoint(b"https://portal.example.com/rest/1/abc123/");
    b24kit::fuzzing::endpoint(b"https://portal.example.com/rest/x/abc123/m.json");
    let forms = b24kit::fuzzing::parse_webhook("https://p.example.com/a/rest/1/key9/").unwrap();
    assert_eq!(forms.base, "https://p.example.com/a/rest/1/key9/");
    assert!(forms.display.contains("/rest/1/***/"), "{}", forms.display);
}
