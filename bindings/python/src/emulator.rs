//! The emulator inside the Python package: `python -m b24kit.emulator` (and the `b24kit-emulator`
//! script) runs the same command line as the emulator's own binary, from this library, so the
//! local portal comes with every install of the wheel.

use std::time::Duration;

use b24kit_emulator::CommandLine;
use pyo3::prelude::*;

/// How often a serving emulator looks for a pending Ctrl-C: Python only learns of a signal when
/// some code asks, and a person waits for the prompt.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// Runs the emulator's command line (`argv[0]` is the program's name) until Ctrl-C, which comes
/// back as `KeyboardInterrupt` once the portal has stopped. Returns the exit status of a command
/// that ended by itself: `--help`, `--version`, a bad option or a port in use.
#[pyfunction]
pub fn run_emulator(py: Python<'_>, argv: Vec<String>) -> PyResult<u8> {
    let emulator = match CommandLine::start_from(argv) {
        Ok(emulator) => emulator,
        Err(status) => return Ok(status),
    };
    loop {
        py.detach(|| std::thread::sleep(SIGNAL_POLL));
        if let Err(interrupted) = py.check_signals() {
            emulator.shutdown();
            return Err(interrupted);
        }
    }
}
