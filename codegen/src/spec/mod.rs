//! Loading the specs: `spec/common.yaml`, `spec/system-errors.yaml` and one file per method under
//! `spec/methods/`. Loading either yields a fully validated [`Spec`] or every problem found.

mod error;
pub mod model;
mod parse;
mod raw;
mod validate;

use std::fs;
use std::path::Path;

pub use error::{SpecError, SpecErrors};
pub use model::Spec;

use error::Collector;

pub const COMMON_FILE: &str = "spec/common.yaml";
pub const SYSTEM_ERRORS_FILE: &str = "spec/system-errors.yaml";
pub const METHODS_DIR: &str = "spec/methods";
pub const EVENTS_DIR: &str = "spec/events";

/// Loads and validates every spec under `root/spec`.
pub fn load(root: &Path) -> Result<Spec, SpecErrors> {
    let mut errors = Vec::new();
    let common = read(root, COMMON_FILE, &mut errors);
    let system = read(root, SYSTEM_ERRORS_FILE, &mut errors);
    let mut files = spec_files(root, METHODS_DIR, true, &mut errors);
    files.extend(spec_files(root, EVENTS_DIR, false, &mut errors));
    let methods: Vec<(String, String)> = files
        .into_iter()
        .filter_map(|file| read(root, &file, &mut errors).map(|text| (file, text)))
        .collect();
    match (common, system) {
        (Some(common), Some(system)) if errors.is_empty() => {
            let methods: Vec<(&str, &str)> = methods
                .iter()
                .map(|(f, t)| (f.as_str(), t.as_str()))
                .collect();
            load_texts(&common, &system, &methods)
        }
        _ => Err(SpecErrors(errors)),
    }
}

/// One fuzz input for the loader (`fuzz/`, not API): the first byte picks the file the rest
/// replaces — the common file, the system-error table, a second method file beside a valid one
/// (cross-method checks), a second event file beside a valid one, or the only method file; the
/// other files are the real ones.
#[doc(hidden)]
pub fn fuzz_input(data: &[u8]) {
    const COMMON: &str = include_str!("../../../spec/common.yaml");
    const SYSTEM: &str = include_str!("../../../spec/system-errors.yaml");
    const METHOD: &str = include_str!("../../../spec/methods/imopenlines.session.mode.silent.yaml");
    const METHOD_FILE: &str = "spec/methods/imopenlines.session.mode.silent.yaml";
    const FUZZ_FILE: &str = "spec/methods/fuzz.method.yaml";
    const EVENT: &str = include_str!("../../../spec/events/OnSessionStart.yaml");
    const EVENT_FILE: &str = "spec/events/OnSessionStart.yaml";
    const FUZZ_EVENT: &str = "spec/events/OnFuzz.yaml";
    let Some((selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let _ = match selector % 5 {
        0 => load_texts(text, SYSTEM, &[(METHOD_FILE, METHOD)]),
        1 => load_texts(COMMON, text, &[(METHOD_FILE, METHOD)]),
        2 => load_texts(COMMON, SYSTEM, &[(METHOD_FILE, METHOD), (FUZZ_FILE, text)]),
        3 => load_texts(
            COMMON,
            SYSTEM,
            &[
                (METHOD_FILE, METHOD),
                (EVENT_FILE, EVENT),
                (FUZZ_EVENT, text),
            ],
        ),
        _ => load_texts(COMMON, SYSTEM, &[(FUZZ_FILE, text)]),
    };
}

/// Validates spec texts: the common file, the system errors and `(path, text)` per method or
/// event file (paths relative to the repository root: `spec/methods/<name>.yaml`,
/// `spec/events/<Name>.yaml`).
pub fn load_texts(
    common: &str,
    system: &str,
    spec_texts: &[(&str, &str)],
) -> Result<Spec, SpecErrors> {
    let mut errors = Vec::new();
    let time = parse_into::<raw::CommonFile>(COMMON_FILE, common, &mut errors)
        .map(|raw| validate::time(raw.time, &mut Collector::new(COMMON_FILE, &mut errors)));
    let system_errors =
        parse_into::<raw::SystemErrorsFile>(SYSTEM_ERRORS_FILE, system, &mut errors).map(|raw| {
            validate::system_errors(raw, &mut Collector::new(SYSTEM_ERRORS_FILE, &mut errors))
        });

    // Method errors are checked against the system table; without a valid table the
    // system-errors file has already been reported, and the check is skipped.
    let empty = model::SystemErrors {
        revisions: Vec::new(),
        categories: Vec::new(),
        errors: Vec::new(),
    };
    let mut methods = Vec::new();
    let mut events = Vec::new();
    for (file, text) in spec_texts {
        if let Some(stem) = file.strip_prefix(EVENTS_DIR) {
            let stem = stem.trim_start_matches('/').trim_end_matches(".yaml");
            let Some(raw) = parse_into::<raw::EventFile>(file, text, &mut errors) else {
                continue;
            };
            events.push(validate::event(
                raw,
                stem,
                file,
                &mut Collector::new(file, &mut errors),
            ));
            continue;
        }
        let Some(raw) = parse_into::<raw::MethodFile>(file, text, &mut errors) else {
            continue;
        };
        let stem = file
            .trim_start_matches(METHODS_DIR)
            .trim_start_matches('/')
            .trim_end_matches(".yaml")
            .to_string();
        let method = validate::method(
            raw,
            &stem,
            file,
            system_errors.as_ref().unwrap_or(&empty),
            &mut Collector::new(file, &mut errors),
        );
        methods.push(method);
    }
    if methods.is_empty() && errors.is_empty() {
        errors.push(SpecError {
            file: METHODS_DIR.to_string(),
            line_col: None,
            field: String::new(),
            message: "no method spec found (expected files named <method>.yaml)".to_string(),
        });
    }

    match (time, system_errors) {
        (Some(time), Some(system_errors)) if errors.is_empty() => {
            methods.sort_by(|a, b| a.name.cmp(&b.name));
            events.sort_by(|a, b| a.name.cmp(&b.name));
            validate::resolve_enum_fields(&mut methods, &mut events);
            let spec = Spec {
                time,
                system_errors,
                parameters: validate::parameter_names(&methods),
                method_error_classes: validate::method_error_classes(&methods),
                methods,
                events,
            };
            let mut clashes = validate::class_names(&spec);
            clashes.extend(validate::object_types(&spec.methods, &spec.events));
            clashes.extend(validate::enums(&spec.methods, &spec.events));
            if clashes.is_empty() {
                Ok(spec)
            } else {
                Err(SpecErrors(clashes))
            }
        }
        _ => Err(SpecErrors(errors)),
    }
}

/// The spec files of one folder (methods or events), relative to `root`, sorted by name;
/// anything else in the folder is an error rather than silently skipped. Only the methods'
/// folder must exist.
fn spec_files(
    root: &Path,
    rel_dir: &str,
    required: bool,
    errors: &mut Vec<SpecError>,
) -> Vec<String> {
    let dir = root.join(rel_dir);
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            errors.push(io_error(rel_dir, &e));
            return Vec::new();
        }
    };
    let mut files = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = format!("{rel_dir}/{name}");
        if name.ends_with(".yaml") && entry.path().is_file() {
            files.push(rel);
        } else {
            errors.push(SpecError {
                file: rel,
                line_col: None,
                field: String::new(),
                message: format!("not a spec: only <name>.yaml files belong in {rel_dir}"),
            });
        }
    }
    files.sort();
    files
}

fn read(root: &Path, rel: &str, errors: &mut Vec<SpecError>) -> Option<String> {
    match fs::read_to_string(root.join(rel)) {
        Ok(text) => Some(text),
        Err(e) => {
            errors.push(io_error(rel, &e));
            None
        }
    }
}

fn parse_into<T: serde::de::DeserializeOwned>(
    file: &str,
    text: &str,
    errors: &mut Vec<SpecError>,
) -> Option<T> {
    match parse::parse(file, text) {
        Ok(v) => Some(v),
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

fn io_error(rel: &str, e: &std::io::Error) -> SpecError {
    let message = match e.kind() {
        std::io::ErrorKind::NotFound => "file not found".to_string(),
        _ => format!("cannot read: {e}"),
    };
    SpecError {
        file: rel.to_string(),
        line_col: None,
        field: String::new(),
        message,
    }
}
