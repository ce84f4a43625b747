"""One build at a time: an exclusive lock on ``_build`` for every command that writes there.

The lock is ``_build/.lock``, held with ``flock`` for as long as the command runs; the operating system
releases it when the process ends, however it ends (a killed build never leaves a stale lock). The file says
which process holds it, so that a second command can say what it is waiting for.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK = ".lock"
_held: dict[Path, int] = {}  # lock files this process holds, with how many nested users


def holder(lock: Path) -> str:
    """Who holds the lock, as its file says: 'process 1234 (microwork build, since 12:01:02)'."""
    try:
        text = lock.read_text(encoding="utf-8").strip()
    except OSError:
        text = ""
    return text or "another process"


@contextmanager
def build_lock(build_dir: Path, say=print) -> Iterator[None]:
    """Hold the exclusive lock on ``build_dir`` while the block runs; wait (saying for whom) if another process
    holds it. Nested uses in one process share the lock."""
    lock = (build_dir / LOCK).resolve()
    if lock in _held:
        _held[lock] += 1
        try:
            yield
        finally:
            _held[lock] -= 1
        return
    build_dir.mkdir(parents=True, exist_ok=True)
    handle = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"waiting: {holder(lock)} is writing to {build_dir.name}/ (one build at a time)")
            fcntl.flock(handle, fcntl.LOCK_EX)
            say("the other build finished; going on")
        command = " ".join(Path(sys.argv[0]).name.split() + sys.argv[1:2]) or "python"
        os.ftruncate(handle, 0)
        os.pwrite(handle, f"process {os.getpid()} ({command}, since {time.strftime('%H:%M:%S')})\n".encode(), 0)
        _held[lock] = 1
        try:
            yield
        finally:
            del _held[lock]
            os.ftruncate(handle, 0)
    finally:
        os.close(handle)  # closing releases the lock


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` (made if needed) while the block runs, waiting for any other
    process that holds it; released when the block ends or the process dies."""
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock
