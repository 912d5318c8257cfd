"""The local Bitrix24 portal that comes with b24kit, for trying and testing code without a portal.

Run it from a shell; it prints its webhook URL and serves until Ctrl-C (or SIGTERM)::

    python -m b24kit.emulator                  # or: b24kit-emulator
    python -m b24kit.emulator --port 8080 --rate-limit off
    python -m b24kit.emulator --ready-json     # one JSON line with the URLs, for test fixtures

``--help`` lists every option; they are those of the emulator's own binary, whose server this is
(it runs inside b24kit's native library). The emulator answers the methods b24kit types, any
method's call shape, batches, OAuth, limits and injected faults: see the project's README.
"""

from __future__ import annotations

import sys
from typing import Optional, Sequence

from . import _native

__all__ = ["main"]


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs the emulator with ``argv`` (default: this process's arguments); returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        return _native.run_emulator(["b24kit-emulator", *args])
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
