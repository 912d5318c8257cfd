//! b24kit's code generator: YAML specs under `spec/` in, every generated source file out.
//!
//! [`generate`] renders all outputs in memory; [`write`] puts them on disk and [`check`] reports
//! the checked-in files that differ (the golden check). Output is deterministic: spec order,
//! no timestamps, no absolute paths, formatted, and each file starts with a `@generated` banner.

pub mod docs;
mod naming;
mod output;
mod render;
mod rustfmt;
pub mod spec;
mod targets;
mod types;

use std::path::{Path, PathBuf};

pub use naming::Idents;
pub use output::{GeneratedFile, Staleness};
pub use spec::{SpecError, SpecErrors};

/// Folders whose every file the generator owns; files there that no spec produces are stale.
pub const OWNED_DIRS: &[&str] = &[
    targets::rust::OUT_DIR,
    targets::python::RUST_DIR,
    targets::node::RUST_DIR,
    targets::uniffi::RUST_DIR,
];

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Spec(#[from] SpecErrors),
    #[error("template {template}: {detail}")]
    Template { template: String, detail: String },
    #[error("rustfmt failed on {file}: {message}")]
    Rustfmt { file: String, message: String },
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// The repository this generator was built in; the CLI's default root.
pub fn default_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("codegen/ lives inside the repository")
        .to_path_buf()
}

/// Loads the specs under `root/spec` and renders every output, in a stable order.
pub fn generate(root: &Path) -> Result<Vec<GeneratedFile>, Error> {
    let spec = spec::load(root)?;
    let renderer = render::Renderer::new(&root.join("codegen/templates"));
    let mut files = targets::rust::generate(&spec, &renderer)?;
    files.extend(targets::python::generate(&spec, &renderer)?);
    files.extend(targets::node::generate(&spec, &renderer)?);
    files.extend(targets::uniffi::generate(&spec, &renderer)?);
    Ok(files)
}

/// Generates and compares with the files under `root`.
pub fn check(root: &Path) -> Result<Vec<Staleness>, Error> {
    let files = generate(root)?;
    output::check(root, &files, OWNED_DIRS)
}

/// Generates and writes every changed file under `root`; returns the paths touched.
pub fn write(root: &Path) -> Result<Vec<String>, Error> {
    let files = generate(root)?;
    output::write(root, &files, OWNED_DIRS)
}
