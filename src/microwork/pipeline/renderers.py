"""The build's render processes, started before their stages are written.

A render spends its first seconds importing Sphinx, the theme and a dozen extensions, before it reads a single page.
When chapters execute, the build starts one render process per edition at once (:meth:`Renderers.start`): each
does those imports (``python -m microwork.pipeline.render --wait``) while the kernels run, at a lower priority
than theirs, in the moments a core is free between two chapters, then waits for its stage. A render asked for when
none was started ahead is started then, the same way, and gets its stage at once.

Every render process runs at the same lower priority (:data:`NICENESS`): a process cannot raise its own priority
again, and the renders of one build must be equals. Processes not used are ended with the build's step
(:class:`Renderers` is a context manager), and each one dies with the build if the build is killed.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from .children import die_with_parent
from .stylesheet import CACHE_VARIABLE

# How much lower a render's priority is than the kernels' (the build's is 0): at 10, a render gets about a tenth of
# a core that a kernel also wants, and all of a free one.
NICENESS = 10


def start_lowered(parent: int) -> None:
    """In a render process, before it runs: die with the build ``parent`` (SIGKILL), and lower its priority."""
    die_with_parent(signal.SIGKILL, parent)
    os.nice(NICENESS)


def start_render(root: Path, cache: Path | None) -> subprocess.Popen:
    """A render process for the book at ``root`` that imports what it needs and waits for its job
    (:func:`send`); ``cache`` is where the renders keep the parsed style sheets between builds."""
    return subprocess.Popen(
        [sys.executable, "-m", "microwork.pipeline.render", "--wait", str(root)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, **({CACHE_VARIABLE: str(cache)} if cache else {})},
        preexec_fn=functools.partial(start_lowered, os.getpid()))


def send(process: subprocess.Popen, stage: Path, html: Path) -> None:
    """Give a waiting render process its job: render ``stage`` into ``html``."""
    assert process.stdin is not None
    try:
        process.stdin.write(json.dumps([str(stage), str(html)]) + "\n")
        process.stdin.flush()
    except BrokenPipeError:  # it ended before its job: its output and exit code say why, as for a failed render
        pass


class Renderers:
    """Render processes for the book at ``root``, started ahead (:meth:`start`) or when taken (:meth:`take`); those
    not taken are ended when the block ends."""

    def __init__(self, root: Path, cache: Path | None, count: int) -> None:
        self.root, self.cache, self.count = root, cache, count
        self.waiting: list[subprocess.Popen] = []

    def start(self) -> None:
        """Start :attr:`count` render processes now: they import what they need while the chapters run."""
        self.waiting += [start_render(self.root, self.cache) for _ in range(self.count)]

    def take(self) -> subprocess.Popen:
        """A render process waiting for its job: one started ahead, or a new one."""
        return self.waiting.pop(0) if self.waiting else start_render(self.root, self.cache)

    def __enter__(self) -> Renderers:
        return self

    def __exit__(self, *exception: object) -> None:
        for process in self.waiting:
            process.kill()
            process.communicate()
        self.waiting.clear()
