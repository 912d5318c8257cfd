//! The shape of the tree, checked: data flows one way (generated code calls hand-written code,
//! never the reverse) and the emulator plays the methods the specs describe.

use std::collections::BTreeSet;
use std::path::Path;

use b24kit_tests::repo_root;

/// The names the generated Rust file of a binding defines (items, and the error enum its
/// macro invocation declares).
fn generated_names(generated: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut next_is_name = false;
    // `&'static str` names no item, though `static` is a keyword that declares one.
    let generated = generated.replace("'static", "'_");
    for word in generated.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
        if next_is_name && !word.is_empty() {
            names.insert(word.to_string());
            next_is_name = false;
            continue;
        }
        next_is_name = matches!(
            word,
            "struct" | "enum" | "fn" | "trait" | "type" | "const" | "static"
        );
    }
    // `error_enum! { B24kitError; … }` declares the enum it names.
    if let Some(after) = generated.split("error_enum! {").nth(1) {
        if let Some(name) = after.split(';').next() {
            names.insert(name.trim().to_string());
        }
    }
    names
}

/// Code without its comments.
fn code(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Code without paths into the core (`b24kit::Time`): the core's items are not the binding's
/// generated ones, even where they share a name.
fn without_core_paths(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("b24kit::") {
        out.push_str(&rest[..at]);
        rest = &rest[at + "b24kit::".len()..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// A binding's generated Rust: `generated.rs`, or every file of the folder `generated/`.
fn generated_code(src: &Path) -> String {
    let file = src.join("generated.rs");
    if file.exists() {
        return std::fs::read_to_string(file).unwrap();
    }
    let mut files: Vec<_> = std::fs::read_dir(src.join("generated"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn hand_written_binding_code_never_names_generated_items() {
    let mut checked = 0;
    for binding in ["python", "node", "uniffi"] {
        let src = repo_root().join("bindings").join(binding).join("src");
        let generated = generated_code(&src);
        let names = generated_names(&code(&generated));
        assert!(names.len() > 5, "{binding}: found {names:?}");
        for entry in std::fs::read_dir(&src).unwrap() {
            let path = entry.unwrap().path();
            let file = path.file_name().unwrap().to_string_lossy().to_string();
            // The crate root declares the modules and wires the generated part in.
            if file == "generated.rs"
                || file == "lib.rs"
                || path.extension().is_none_or(|e| e != "rs")
            {
                continue;
            }
            let raw = code(&std::fs::read_to_string(&path).unwrap());
            // Not even through the core: no hand-written binding file names a method.
            for method in b24kit::METHOD_NAMES {
                let snake = method.replace('.', "_").to_lowercase();
                let camel: String = method
                    .split('.')
                    .map(|w| w[..1].to_uppercase() + &w[1..])
                    .collect();
                assert!(
                    !raw.to_lowercase().contains(&snake) && !raw.contains(&camel),
                    "{}: hand-written code names {method}",
                    rel(&path)
                );
            }
            let text = without_core_paths(&raw);
            let words: BTreeSet<&str> = text
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .collect();
            let used: Vec<&String> = names
                .iter()
                .filter(|n| words.contains(n.as_str()) && !is_common_word(n))
                .collect();
            assert!(
                used.is_empty() && !text.contains("generated::"),
                "{}: hand-written code uses generated items {used:?}",
                rel(&path)
            );
            checked += 1;
        }
    }
    assert!(checked >= 15, "checked {checked} files");
}

/// Names a generated file defines that hand-written code may spell for its own items: trait
/// methods (of hand-written traits the generated code implements, such as Node's
/// `TimeFields::push_fields`) and Python's special methods every class implements, common helper
/// names.
fn is_common_word(name: &str) -> bool {
    matches!(
        name,
        "from" | "register" | "respond" | "new" | "call" | "batch" | "push_fields"
        // napi's conversion trait, which the generated result objects implement.
        | "to_napi_value"
        // Python's `PythonEnum::CLASS`, which the generated enum markers set.
        | "CLASS"
        // A walk's methods: the generated typed walks have them as the hand-written ones do.
        | "next_page" | "progress"
    ) || (name.starts_with("__") && name.ends_with("__"))
}

fn rel(path: &Path) -> String {
    path.strip_prefix(repo_root())
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn the_runtime_is_built_without_the_generated_crate() {
    let manifest = std::fs::read_to_string(repo_root().join("core/runtime/Cargo.toml")).unwrap();
    let dependencies = manifest.split("[dependencies]").nth(1).unwrap();
    assert!(
        !dependencies.contains("b24kit ") && !dependencies.contains("b24kit="),
        "b24kit-runtime must not depend on the generated crate:\n{dependencies}"
    );
    assert!(
        !repo_root().join("core/runtime/src/generated").exists(),
        "the runtime has no generated code"
    );
}

#[test]
fn the_emulator_serves_the_specs_methods_scopes_and_errors() {
    let spec = b24kit_codegen::spec::load(&repo_root()).unwrap();
    let served = b24kit_emulator::served_methods();
    let served_names: BTreeSet<&str> = served.iter().map(|m| m.name).collect();
    // Every method a spec describes is served (others, such as the list method for paging, may
    // be served too).
    for method in &spec.methods {
        assert!(
            served_names.contains(method.name.to_ascii_lowercase().as_str()),
            "the emulator does not serve {}, which a spec describes",
            method.name
        );
    }
    for method in &spec.methods {
        let served = served
            .iter()
            .find(|s| s.name == method.name.to_ascii_lowercase())
            .unwrap();
        assert_eq!(served.scope, method.scope, "{}: scope", method.name);
        for (code, status) in &served.errors {
            assert!(
                method
                    .errors
                    .iter()
                    .any(|e| e.code == *code && e.status == *status),
                "{}: the emulator refuses with {code} ({status}), which its spec does not document",
                method.name
            );
        }
    }
}
