"""The emulator that ships in the wheel: `python -m b24kit.emulator` and the `b24kit-emulator`
script run the emulator's command line from the native library, and Ctrl-C or SIGTERM stops it."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import b24kit

COMMAND = [sys.executable, "-m", "b24kit.emulator"]


def test_version_and_help_come_from_the_emulators_own_command_line() -> None:
    version = subprocess.run([*COMMAND, "--version"], capture_output=True, text=True, timeout=30)
    assert version.returncode == 0
    assert version.stdout.strip() == f"b24kit-emulator {b24kit.__version__}"
    usage = subprocess.run([*COMMAND, "--help"], capture_output=True, text=True, timeout=30)
    assert usage.returncode == 0
    assert "--rate-limit" in usage.stdout and "--ready-json" in usage.stdout


def test_a_bad_option_is_exit_status_2_with_a_message() -> None:
    bad = subprocess.run([*COMMAND, "--rate-limit", "fast"], capture_output=True, text=True, timeout=30)
    assert bad.returncode == 2
    assert "BURST/RATE" in bad.stderr


def test_the_script_installed_beside_python_is_the_same_command() -> None:
    script = Path(sys.executable).with_name("b24kit-emulator")
    assert script.exists(), f"pip did not install {script}"
    version = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=30)
    assert version.stdout.strip() == f"b24kit-emulator {b24kit.__version__}"


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl_c", "sigterm"])
def test_it_serves_calls_until_ctrl_c_or_sigterm_then_exits_cleanly(stop: signal.Signals) -> None:
    # A shell without job control starts background commands with Ctrl-C ignored, and Python
    # keeps an ignored SIGINT ignored: a suite started that way (`bash tests/run.sh &` in a
    # script) would see a child that rightly does not stop. The child gets the default back.
    process = subprocess.Popen(
        [*COMMAND, "--ready-json", "--rate-limit", "off"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert process.stdout is not None
        info = json.loads(process.stdout.readline())
        with b24kit.Client.from_webhook(info["webhook_url"]) as client:
            assert client.imopenlines_session_mode_silent(2043, activate=True).result is True
        process.send_signal(stop)
        started = time.monotonic()
        try:
            status = process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pytest.fail(f"no exit within 10 s of {stop.name}; where it waits:\n{stacks_of(process)}")
        assert status == 0
        # It waits for the signal itself; a second would mean the signal is not being seen.
        assert time.monotonic() - started < 1.0
        assert "Traceback" not in (process.stderr.read() if process.stderr else "")
    finally:
        process.kill()
        process.wait()


def stacks_of(process: subprocess.Popen[str]) -> str:
    """Every thread's native stack of a process that hangs (gdb), then its stderr: what a
    failure needs to be understood when it cannot be reproduced."""
    try:
        gdb = subprocess.run(
            ["gdb", "-p", str(process.pid), "-batch", "-ex", "thread apply all bt"],
            capture_output=True, text=True, timeout=60,
        ).stdout
    except (OSError, subprocess.TimeoutExpired) as e:
        gdb = f"(no stacks: {e})"
    process.kill()
    _, err = process.communicate(timeout=10)
    return f"{gdb}\nstderr:\n{err}"
