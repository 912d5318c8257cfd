//! Formats generated Rust with the toolchain's rustfmt, so that generated files pass
//! `cargo fmt --check` like hand-written ones.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::Error;

pub(crate) fn format(file: &str, source: &str) -> Result<String, Error> {
    let rustfmt = std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".to_string());
    let fail = |message: String| Error::Rustfmt {
        file: file.to_string(),
        message,
    };
    let mut child = Command::new(&rustfmt)
        .args(["--edition", "2021", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            fail(format!(
                "cannot run {rustfmt}: {e} (install it with `rustup component add rustfmt`)"
            ))
        })?;
    let mut stdin = child.stdin.take().expect("stdin was requested as a pipe");
    let input = source.to_string();
    // Write from another thread so a large output cannot fill the pipe while we still write.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().map_err(|e| fail(e.to_string()))?;
    writer
        .join()
        .map_err(|_| fail("writer thread panicked".to_string()))?
        .map_err(|e| fail(e.to_string()))?;
    if !output.status.success() {
        return Err(fail(
            String::from_utf8_lossy(&output.stderr).trim().to_string(),
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| fail(e.to_string()))
}
