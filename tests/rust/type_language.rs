//! Spec types that no Open Lines method uses yet are still carried to every target: a copy of
//! the real spec with one field changed is generated, and each binding's single mapping of the
//! type shows in its output.

use b24kit_codegen::GeneratedFile;
use b24kit_tests::{copy_tree, repo_root, TempDir};

/// The real spec and templates in a temporary root, with `from` replaced by `to` in one spec
/// file (the text must be there, once).
fn root_with(file: &str, from: &str, to: &str) -> TempDir {
    let tmp = TempDir::new("type-language");
    for dir in ["spec", "codegen/templates"] {
        copy_tree(&repo_root().join(dir), &tmp.0.join(dir));
    }
    let path = tmp.0.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches(from).count(), 1, "{from:?} once in {file}");
    std::fs::write(&path, text.replace(from, to)).unwrap();
    tmp
}

fn file<'a>(files: &'a [GeneratedFile], path: &str) -> &'a str {
    &files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path} is generated"))
        .contents
}

fn assert_has(files: &[GeneratedFile], path: &str, line: &str) {
    let contents = file(files, path);
    assert!(
        contents.lines().any(|l| l.trim() == line),
        "{path} has no line {line:?}"
    );
}

#[test]
fn a_date_field_is_each_languages_day() {
    let root = root_with(
        "spec/methods/imopenlines.dialog.get.yaml",
        "    - name: date_create\n      type: datetime",
        "    - name: date_create\n      type: date",
    );
    let files = b24kit_codegen::generate(&root.0).expect("a date is a type");
    // The core reads it (`wire::Date`: `YYYY-MM-DD`, or the date part of a date and time).
    assert_has(
        &files,
        "core/src/generated/methods/imopenlines_dialog_get.rs",
        "pub date_create: Option<b24kit_runtime::wire::Date>,",
    );
    // Python: `datetime.date` (pyo3 converts chrono's date).
    assert_has(
        &files,
        "bindings/python/src/generated/imopenlines_dialog_get.rs",
        "pub date_create: Option<b24kit::Date>,",
    );
    assert_has(
        &files,
        "bindings/python/python/b24kit/_native_generated.pyi",
        "def date_create(self) -> Optional[date]:",
    );
    // Node: the ISO text, typed `string`.
    assert_has(
        &files,
        "bindings/node/src/generated/imopenlines_dialog_get.rs",
        "date_create: r.date_create.map(b24kit::wire::date_text),",
    );
    assert_has(
        &files,
        "bindings/node/index.d.ts",
        "readonly dateCreate: string | null;",
    );
    // Kotlin and Swift: uniffi's custom type `CalendarDate` (`java.time.LocalDate` in Kotlin).
    assert_has(
        &files,
        "bindings/uniffi/src/generated/imopenlines_dialog_get.rs",
        "pub date_create: Option<crate::CalendarDate>,",
    );
}

#[test]
fn a_parameters_object_holds_no_date() {
    let root = root_with(
        "spec/methods/imopenlines.config.add.yaml",
        "      - name: QUEUE_TIME\n        type: integer",
        "      - name: QUEUE_TIME\n        type: date",
    );
    let error = b24kit_codegen::generate(&root.0).unwrap_err().to_string();
    assert!(
        error.contains("OpenLineSettings holds a map, a fraction or a date"),
        "{error}"
    );
}
