//! `b24kit-codegen generate [--check] [--root DIR]`: regenerate every output from `spec/`, or with
//! `--check` exit 1 and print a diff when a checked-in output is stale.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: b24kit-codegen generate [--check] [--root DIR]

  generate          write every generated file from spec/ and the templates
  generate --check  write nothing; exit 1 and show a diff if a checked-in file is stale
  --root DIR        repository root (default: the repository this tool was built in)";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut command = None;
    let mut check = false;
    let mut root = b24kit_codegen::default_root();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "generate" if command.is_none() => command = Some(arg),
            "--check" => check = true,
            "--root" => match args.next() {
                Some(dir) => root = PathBuf::from(dir),
                None => return usage_error("--root needs a directory"),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => return usage_error(&format!("unexpected argument {other:?}")),
        }
    }
    if command.is_none() {
        return usage_error("missing command");
    }

    if check {
        match b24kit_codegen::check(&root) {
            Ok(stale) if stale.is_empty() => {
                println!("generated files are up to date");
                ExitCode::SUCCESS
            }
            Ok(stale) => {
                for s in &stale {
                    eprintln!("{s}");
                }
                eprintln!(
                    "{} generated file(s) are stale: run `cargo run -p b24kit-codegen -- generate`",
                    stale.len()
                );
                ExitCode::FAILURE
            }
            Err(e) => fail(&e),
        }
    } else {
        match b24kit_codegen::write(&root) {
            Ok(touched) => {
                for path in &touched {
                    println!("wrote {path}");
                }
                if touched.is_empty() {
                    println!("generated files are up to date");
                }
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e),
        }
    }
}

fn fail(e: &b24kit_codegen::Error) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::FAILURE
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}\n\n{USAGE}");
    ExitCode::from(2)
}
