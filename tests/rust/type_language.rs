//! Spec types that no Open Lines method uses yet are still carried to every target: a copy of
//! the real spec with one field changed is generated, and each binding's single mapping of the
//! type shows in its output.

use b24kit_codegen::GeneratedFile;
use b24kit_tests::{copy_tree, repo_root, TempDir};

/// The real spec and templates in a temporary root, with `from` replaced by `to` in one spec
/// file (the text must be there, once).
fn root_with(file: &str, from: &str, to: &str) -> TempDir {
    root_with_all(&[(file, from, to)])
}

/// The same with several replacements `(file, from, to)`.
fn root_with_all(edits: &[(&str, &str, &str)]) -> TempDir {
    let tmp = TempDir::new("type-language");
    for dir in ["spec", "codegen/templates"] {
        copy_tree(&repo_root().join(dir), &tmp.0.join(dir));
    }
    for (file, from, to) in edits {
        let path = tmp.0.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.matches(from).count(), 1, "{from:?} once in {file}");
        std::fs::write(&path, text.replace(from, to)).unwrap();
    }
    tmp
}

/// `QueueWait`, an enum of integer codes, declared in `imopenlines.config.get` and typing its
/// answer's `QUEUE_TIME` and the `QUEUE_TIME` that `imopenlines.config.add` takes; `values`
/// replaces its list of values.
fn queue_wait(values: &str) -> TempDir {
    let declaration = format!(
        "enums:\n  - name: QueueWait\n    doc: Seconds a dialog waits for an operator.\n    values:\n{values}  - name: QueueDistribution"
    );
    root_with_all(&[
        (
            "spec/methods/imopenlines.config.get.yaml",
            "enums:\n  - name: QueueDistribution",
            &declaration,
        ),
        (
            "spec/methods/imopenlines.config.get.yaml",
            "    - name: QUEUE_TIME\n      type: string",
            "    - name: QUEUE_TIME\n      type: QueueWait",
        ),
        (
            "spec/methods/imopenlines.config.add.yaml",
            "      - name: QUEUE_TIME\n        type: integer",
            "      - name: QUEUE_TIME\n        type: QueueWait",
        ),
    ])
}

const QUEUE_WAIT_VALUES: &str = "      - wire: 60\n        name: one_minute\n        doc: One minute.\n      - wire: 180\n        name: three_minutes\n        doc: Three minutes.\n";

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

#[test]
fn an_enum_of_integer_codes_is_each_languages_enum_of_numbers() {
    let root = queue_wait(QUEUE_WAIT_VALUES);
    let files = b24kit_codegen::generate(&root.0).expect("an enum of integer codes is a type");
    // The core: sent as a number, read from a number or its text, an unnamed code kept.
    let core = "core/src/generated/methods/imopenlines_config_get.rs";
    for line in [
        "pub enum QueueWait {",
        "Other(i64),",
        "60 => Self::OneMinute,",
        "Self::ThreeMinutes => 180,",
        "serializer.serialize_i64(self.code())",
        "<i64 as b24kit_runtime::wire::Lenient>::read(d).map(Self::from)",
        "pub queue_time: Option<QueueWait>,",
    ] {
        assert_has(&files, core, line);
    }
    // Python: an `IntEnum`, taken as an `int` and given back as its member.
    let client = "bindings/python/python/b24kit/_client.py";
    assert_has(&files, client, "class QueueWait(enum.IntEnum):");
    assert_has(&files, client, "ONE_MINUTE = 60");
    assert_has(&files, client, "QUEUE_TIME: Union[QueueWait, int]");
    assert_has(
        &files,
        "bindings/python/src/generated/imopenlines_config_get.rs",
        "pub queue_time: Option<crate::enums::EnumCode<super::QueueWait>>,",
    );
    assert_has(
        &files,
        "bindings/python/python/b24kit/_native_generated.pyi",
        "def queue_time(self) -> Optional[Union[QueueWait, int]]:",
    );
    // Node: a union of number literals, any other number allowed.
    let dts = "bindings/node/index.d.ts";
    assert_has(
        &files,
        dts,
        "export type QueueWait = 60 | 180 | (number & {});",
    );
    assert_has(&files, dts, "readonly queueTime: QueueWait | null;");
    assert_has(&files, dts, "QUEUE_TIME?: QueueWait;");
    // Kotlin and Swift: a uniffi enum whose unnamed codes are `Other(value: Long)`.
    let uniffi = "bindings/uniffi/src/generated/mod.rs";
    assert_has(&files, uniffi, "Other { value: i64 },");
    assert_has(&files, uniffi, "pub fn wire_value(&self) -> i64 {");
}

#[test]
fn an_enum_mixing_codes_and_text_or_with_unnamed_codes_is_refused() {
    let mixed = queue_wait(
        "      - wire: 60\n        name: one_minute\n        doc: One minute.\n      - wire: later\n        doc: Later.\n",
    );
    let error = b24kit_codegen::generate(&mixed.0).unwrap_err().to_string();
    assert!(
        error.contains("\"later\": an enum's values are all strings or all integer codes"),
        "{error}"
    );
    let unnamed = queue_wait("      - wire: 60\n        doc: One minute.\n");
    let error = b24kit_codegen::generate(&unnamed.0)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("the integer code 60 needs a `name`"),
        "{error}"
    );
    let twice = queue_wait(
        "      - wire: 60\n        name: one_minute\n        doc: One minute.\n      - wire: 60\n        name: sixty_seconds\n        doc: Sixty seconds.\n",
    );
    let error = b24kit_codegen::generate(&twice.0).unwrap_err().to_string();
    assert!(error.contains("\"60\" is listed twice"), "{error}");
}
