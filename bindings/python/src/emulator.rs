//! The emulator inside the Python package: `python -m b24kit.emulator` (and the `b24kit-emulator`
//! script) runs the same command line as the emulator's own binary, from this library, so the
//! local portal comes with every install of the wheel.

use b24kit_emulator::CommandLine;
use pyo3::prelude::*;

/// Runs the emulator's command line (`argv[0]` is the program's name) until Ctrl-C or SIGTERM,
/// exactly as the emulator's binary does, and returns its exit status (also for `--help`,
/// `--version`, a bad option or a port in use).
///
/// The command waits for the signals itself, with the GIL released, rather than polling
/// Python's handler: a full test run under load once saw a Ctrl-C that Python's polled handler
/// never reported (the emulator served on, see `test_shipped_emulator.py`), and SIGTERM, the
/// usual way to stop a background process, reaches no Python handler at all.
#[pyfunction]
pub fn run_emulator(py: Python<'_>, argv: Vec<String>) -> PyResult<u8> {
    let command = match CommandLine::parse_from(argv) {
        Ok(command) => command,
        Err(status) => return Ok(status),
    };
    let status = py.detach(|| command.run());
    // Python's own handler may have seen the Ctrl-C too; it was handled, so it is not raised.
    let _ = py.check_signals();
    Ok(status)
}
