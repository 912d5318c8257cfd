//! What every package says about itself agrees: one version, kept in the workspace's
//! `Cargo.toml` (crates inherit it, maturin reads it for the Python package) and repeated where a
//! manifest format needs it literally (npm, Maven); one licence pair, whose texts are in the
//! repository root; and a changelog that has a place for the current version.

use std::fs;

use b24kit_tests::repo_root;

fn read(path: &str) -> String {
    fs::read_to_string(repo_root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The value of `key = "…"` in the `[section]` of a TOML file (enough for our manifests).
fn toml_value(text: &str, section: &str, key: &str) -> Option<String> {
    let mut inside = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            inside = line == format!("[{section}]");
            continue;
        }
        if !inside {
            continue;
        }
        if let Some((k, v)) = line.split_once('=') {
            if k.trim() == key {
                return Some(v.trim().trim_matches('"').to_string());
            }
        }
    }
    None
}

fn workspace_version() -> String {
    toml_value(&read("Cargo.toml"), "workspace.package", "version").expect("the version source")
}

/// The text of the first `<tag>…</tag>` after `after` in an XML file.
fn xml_after(text: &str, after: &str, tag: &str) -> String {
    let rest = &text[text.find(after).unwrap_or_else(|| panic!("no {after}"))..];
    let open = format!("<{tag}>");
    let start = rest.find(&open).unwrap() + open.len();
    rest[start..start + rest[start..].find('<').unwrap()].to_string()
}

#[test]
fn every_manifest_carries_the_workspace_version() {
    let version = workspace_version();
    let published = [
        "core",
        "core/runtime",
        "codegen",
        "emulator",
        "cli",
        "tests",
        "bench",
        "bindings/python",
        "bindings/node",
        "bindings/uniffi",
        "bindings/uniffi-bindgen",
    ];
    for krate in published {
        let manifest = read(&format!("{krate}/Cargo.toml"));
        assert_eq!(
            toml_value(&manifest, "package", "version.workspace").as_deref(),
            Some("true"),
            "{krate}/Cargo.toml must take `version.workspace = true`"
        );
    }
    let pyproject = read("bindings/python/pyproject.toml");
    assert_eq!(
        toml_value(&pyproject, "project", "dynamic").as_deref(),
        Some("[\"version\"]"),
        "the Python package's version must come from Cargo (maturin)"
    );
    assert_eq!(toml_value(&pyproject, "project", "version"), None);

    let package: serde_json::Value =
        serde_json::from_str(&read("bindings/node/package.json")).unwrap();
    let lock: serde_json::Value =
        serde_json::from_str(&read("bindings/node/package-lock.json")).unwrap();
    let pom = read("bindings/kotlin/pom.xml");
    for (place, found) in [
        (
            "bindings/node/package.json",
            package["version"].as_str().unwrap_or("").to_string(),
        ),
        (
            "bindings/node/package-lock.json",
            lock["version"].as_str().unwrap_or("").to_string(),
        ),
        (
            "bindings/node/package-lock.json (packages[\"\"])",
            lock["packages"][""]["version"]
                .as_str()
                .unwrap_or("")
                .to_string(),
        ),
        (
            "bindings/kotlin/pom.xml",
            xml_after(&pom, "<artifactId>b24kit</artifactId>", "version"),
        ),
    ] {
        assert_eq!(
            found, version,
            "{place} says {found}; the workspace's Cargo.toml says {version}"
        );
    }
}

#[test]
fn every_manifest_declares_the_licences_whose_texts_are_in_the_root() {
    assert!(read("LICENSE-MIT").starts_with("MIT License"));
    assert!(read("LICENSE-APACHE").contains("Apache License\n                        Version 2.0"));
    let expression = "MIT OR Apache-2.0";
    assert_eq!(
        toml_value(&read("Cargo.toml"), "workspace.package", "license").as_deref(),
        Some(expression)
    );
    let pyproject = read("bindings/python/pyproject.toml");
    assert_eq!(
        toml_value(&pyproject, "project", "license").as_deref(),
        Some(expression)
    );
    // The wheel and the sdist carry the texts (PEP 639), read through links to the root's files.
    assert!(pyproject.contains(r#"license-files = ["LICENSE-MIT", "LICENSE-APACHE"]"#));
    for name in ["LICENSE-MIT", "LICENSE-APACHE"] {
        assert_eq!(read(&format!("bindings/python/{name}")), read(name));
    }
    let package: serde_json::Value =
        serde_json::from_str(&read("bindings/node/package.json")).unwrap();
    assert_eq!(package["license"], expression);
    let pom = read("bindings/kotlin/pom.xml");
    for name in ["<name>MIT</name>", "<name>Apache-2.0</name>"] {
        assert!(pom.contains(name), "pom.xml lacks {name}");
    }
}

#[test]
fn the_changelog_has_a_place_for_this_version() {
    let changelog = read("CHANGELOG.md");
    let version = workspace_version();
    assert!(
        changelog.contains("## Unreleased") || changelog.contains(&format!("## {version}")),
        "CHANGELOG.md needs an `## Unreleased` or `## {version}` section"
    );
}

#[test]
fn every_package_points_at_the_same_repository() {
    let repository = toml_value(&read("Cargo.toml"), "workspace.package", "repository")
        .expect("the workspace names its repository");
    let package: serde_json::Value =
        serde_json::from_str(&read("bindings/node/package.json")).unwrap();
    let npm = package["repository"]["url"].as_str().unwrap_or("");
    assert_eq!(
        npm,
        format!("git+{repository}.git"),
        "package.json repository"
    );
    assert!(package["bugs"]["url"]
        .as_str()
        .unwrap_or("")
        .starts_with(&repository));
    assert_eq!(
        toml_value(
            &read("bindings/python/pyproject.toml"),
            "project.urls",
            "Repository"
        ),
        Some(repository.clone()),
        "pyproject.toml [project.urls] Repository"
    );
    assert!(read("bindings/kotlin/pom.xml").contains(&format!("<url>{repository}</url>")));
    for readme in ["bindings/python/README.md", "bindings/node/README.md"] {
        assert!(
            read(readme).contains(&repository),
            "{readme} must link the repository"
        );
    }
}
