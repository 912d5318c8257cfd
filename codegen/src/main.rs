//! `b24kit-codegen generate [--check] [--root DIR]`: regenerate every output from `spec/`, or with
//! `--check` exit 1 and print a diff when a checked-in output is stale.
//! `b24kit-codegen docs check|draft --docs DIR …`: compare the specs with the official
//! documentation, or draft a spec from one of its pages.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use b24kit_codegen::docs;

const USAGE: &str = "usage: b24kit-codegen generate [--check] [--root DIR]
       b24kit-codegen docs check --docs DOCS [--root DIR]
       b24kit-codegen docs draft --docs DOCS PAGE

  generate          write every generated file from spec/ and the templates
  generate --check  write nothing; exit 1 and show a diff if a checked-in file is stale
  docs check        compare each spec with its page in DOCS (a checkout of bitrix24/b24restdocs);
                    exit 1 when any disagrees
  docs draft        print a first spec for PAGE (a path inside DOCS, e.g.
                    api-reference/imopenlines/openlines/sessions/imopenlines-session-start.md)
  --root DIR        repository root (default: the repository this tool was built in)";

#[derive(PartialEq)]
enum Command {
    Generate,
    DocsCheck,
    DocsDraft,
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut command = None;
    let mut check = false;
    let mut root = b24kit_codegen::default_root();
    let mut docs_dir: Option<PathBuf> = None;
    let mut page: Option<String> = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "generate" if command.is_none() => command = Some(Command::Generate),
            "docs" if command.is_none() => match args.next().as_deref() {
                Some("check") => command = Some(Command::DocsCheck),
                Some("draft") => command = Some(Command::DocsDraft),
                _ => return usage_error("docs needs check or draft"),
            },
            "--check" if command == Some(Command::Generate) => check = true,
            "--root" => match args.next() {
                Some(dir) => root = PathBuf::from(dir),
                None => return usage_error("--root needs a directory"),
            },
            "--docs" => match args.next() {
                Some(dir) => docs_dir = Some(PathBuf::from(dir)),
                None => return usage_error("--docs needs a directory"),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other
                if command == Some(Command::DocsDraft)
                    && page.is_none()
                    && !other.starts_with('-') =>
            {
                page = Some(other.to_string())
            }
            other => return usage_error(&format!("unexpected argument {other:?}")),
        }
    }
    let command = match command {
        Some(command) => command,
        None => return usage_error("missing command"),
    };
    if command != Command::Generate {
        let Some(docs_dir) = docs_dir else {
            return usage_error("docs commands need --docs DIR");
        };
        return match command {
            Command::DocsCheck => docs_check(&root, &docs_dir),
            _ => match page {
                Some(page) => docs_draft(&docs_dir, &page),
                None => usage_error("docs draft needs a page"),
            },
        };
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

fn docs_check(root: &Path, docs_dir: &Path) -> ExitCode {
    let spec = match b24kit_codegen::spec::load(root) {
        Ok(spec) => spec,
        Err(e) => return fail(&e.into()),
    };
    let mut agree = true;
    for report in docs::check(&spec, docs_dir) {
        match report.outcome {
            docs::Outcome::Compared(findings) if findings.is_empty() => {
                println!("{}: agrees with {}", report.method, report.page)
            }
            docs::Outcome::Compared(findings) => {
                agree = false;
                println!(
                    "{}: {} finding(s) against {}",
                    report.method,
                    findings.len(),
                    report.page
                );
                for finding in findings {
                    println!("  - {finding}");
                }
            }
            docs::Outcome::NotADocsUrl => {
                agree = false;
                println!(
                    "{}: docs_url {} is not a page of {}",
                    report.method,
                    report.page,
                    docs::draft::DOCS_SITE
                );
            }
            docs::Outcome::PageMissing => {
                agree = false;
                println!(
                    "{}: no page {} under {}",
                    report.method,
                    report.page,
                    docs_dir.display()
                );
            }
        }
    }
    if agree {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn docs_draft(docs_dir: &Path, page: &str) -> ExitCode {
    match std::fs::read_to_string(docs_dir.join(page)) {
        Ok(text) => {
            print!("{}", docs::draft::draft(&docs::Page::parse(&text), page));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}: {e}", docs_dir.join(page).display());
            ExitCode::FAILURE
        }
    }
}
