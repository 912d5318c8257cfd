//! `b24kit-emulator`: run the local Bitrix24 portal from the command line.

use std::process::ExitCode;

use b24kit_emulator::CommandLine;

fn main() -> ExitCode {
    match CommandLine::parse_from(std::env::args_os()) {
        Ok(command) => ExitCode::from(command.run()),
        Err(status) => ExitCode::from(status),
    }
}
