//! Generated files on disk: writing them, and telling which checked-in ones are stale.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use similar::TextDiff;

use crate::Error;

/// One file the generator produces, at a path relative to the repository root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}

/// How a checked-in output differs from what the generator produces now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Staleness {
    Missing {
        path: String,
    },
    Differs {
        path: String,
        diff: String,
    },
    /// A file in a generator-owned folder that the generator no longer produces.
    Orphaned {
        path: String,
    },
}

impl std::fmt::Display for Staleness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Staleness::Missing { path } => write!(f, "{path}: missing (run generate)"),
            Staleness::Differs { path, diff } => write!(f, "{path}: stale (run generate)\n{diff}"),
            Staleness::Orphaned { path } => {
                write!(
                    f,
                    "{path}: no longer generated from any spec (run generate to delete it)"
                )
            }
        }
    }
}

/// Compares `files` with the tree under `root`; `owned_dirs` are folders whose every file must
/// be generated.
pub fn check(
    root: &Path,
    files: &[GeneratedFile],
    owned_dirs: &[&str],
) -> Result<Vec<Staleness>, Error> {
    let mut stale = Vec::new();
    for file in files {
        match fs::read_to_string(root.join(&file.path)) {
            Ok(on_disk) if on_disk == file.contents => {}
            Ok(on_disk) => stale.push(Staleness::Differs {
                path: file.path.clone(),
                diff: TextDiff::from_lines(&on_disk, &file.contents)
                    .unified_diff()
                    .context_radius(2)
                    .header(
                        &format!("{} (checked in)", file.path),
                        &format!("{} (generated)", file.path),
                    )
                    .to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => stale.push(Staleness::Missing {
                path: file.path.clone(),
            }),
            Err(source) => {
                return Err(Error::Io {
                    path: file.path.clone(),
                    source,
                })
            }
        }
    }
    for path in orphans(root, files, owned_dirs)? {
        stale.push(Staleness::Orphaned { path });
    }
    Ok(stale)
}

/// Writes every file whose contents changed and deletes orphans; returns the paths touched.
pub fn write(
    root: &Path,
    files: &[GeneratedFile],
    owned_dirs: &[&str],
) -> Result<Vec<String>, Error> {
    let mut touched = Vec::new();
    for file in files {
        let path = root.join(&file.path);
        if fs::read_to_string(&path).is_ok_and(|old| old == file.contents) {
            continue;
        }
        let io = |source| Error::Io {
            path: file.path.clone(),
            source,
        };
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io)?;
        }
        fs::write(&path, &file.contents).map_err(io)?;
        touched.push(file.path.clone());
    }
    for orphan in orphans(root, files, owned_dirs)? {
        fs::remove_file(root.join(&orphan)).map_err(|source| Error::Io {
            path: orphan.clone(),
            source,
        })?;
        touched.push(orphan);
    }
    Ok(touched)
}

fn orphans(
    root: &Path,
    files: &[GeneratedFile],
    owned_dirs: &[&str],
) -> Result<Vec<String>, Error> {
    let produced: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut found = Vec::new();
    for dir in owned_dirs {
        walk(root, dir, &mut found)?;
    }
    found.retain(|p| !produced.contains(p.as_str()));
    found.sort();
    Ok(found)
}

fn walk(root: &Path, rel: &str, out: &mut Vec<String>) -> Result<(), Error> {
    let entries = match fs::read_dir(root.join(rel)) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(Error::Io {
                path: rel.to_string(),
                source,
            })
        }
    };
    for entry in entries.flatten() {
        let child = format!("{rel}/{}", entry.file_name().to_string_lossy());
        if entry.path().is_dir() {
            walk(root, &child, out)?;
        } else {
            out.push(child);
        }
    }
    Ok(())
}
