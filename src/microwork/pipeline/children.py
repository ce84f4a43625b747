"""Child processes that end with the process that started them, even when it is killed (``kill -9``).

Linux sends a child the signal it asked for with ``PR_SET_PDEATHSIG`` when its parent dies; elsewhere nothing is
asked, and a child outlives a killed build as any process would.
"""

from __future__ import annotations

import ctypes
import os
import signal

try:
    PRCTL = ctypes.CDLL("libc.so.6", use_errno=True).prctl  # looked up once, before any child process starts
except (OSError, AttributeError):  # not Linux
    PRCTL = None
PR_SET_PDEATHSIG = 1


def die_with_parent(signal_number: int = signal.SIGKILL, parent: int | None = None) -> None:
    """In a child process: ask Linux to send it ``signal_number`` when its parent dies. Given the ``parent``'s
    process id, send it now if that parent has already died (the child was started as it ended)."""
    if PRCTL is not None:
        PRCTL(PR_SET_PDEATHSIG, signal_number)  # a C call: it reports a failure in errno, and cannot raise
    if parent is not None and os.getppid() != parent:
        os.kill(os.getpid(), signal_number)
