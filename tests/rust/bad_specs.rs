//! Invalid specs produce clear errors naming the file, the line or field, and the problem —
//! never a panic. Each case under `tests/bad-specs/<case>/` overlays files on a copy of the real
//! `spec/` and holds the expected message in `expected.txt` (`UPDATE_SNAPSHOTS=1` rewrites it).

use b24kit_tests::{copy_tree, repo_root, TempDir};

#[test]
fn each_bad_spec_gives_its_expected_error() {
    let cases_dir = repo_root().join("tests/bad-specs");
    let mut cases: Vec<_> = std::fs::read_dir(&cases_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 10,
        "expected the bad-spec cases under {}",
        cases_dir.display()
    );
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let tmp = TempDir::new("bad-spec");
        copy_tree(&repo_root().join("spec"), &tmp.0.join("spec"));
        copy_tree(&case.join("spec"), &tmp.0.join("spec"));
        let actual = match b24kit_codegen::spec::load(&tmp.0) {
            Ok(_) => "(loaded without error)".to_string(),
            Err(e) => e.to_string(),
        };
        let expected_path = case.join("expected.txt");
        if update {
            std::fs::write(&expected_path, format!("{actual}\n")).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected.trim_end() != actual {
            failures.push(format!(
                "{name}:\n  expected: {}\n  actual:   {actual}",
                expected.trim_end()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_real_specs_load() {
    let spec = b24kit_codegen::spec::load(&repo_root()).unwrap();
    assert!(!spec.methods.is_empty());
    assert_eq!(spec.time.fields.len(), 8);
}
