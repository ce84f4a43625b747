"""The build's render processes, started before their stages are written.

A render spends its first seconds importing Sphinx, the theme and a dozen extensions, before it reads a single page.
When chapters execute, the build starts the renders of every edition at once (:meth:`Renderers.start`): one process
(``python -m microwork.pipeline.render --jobs``) does those imports once, while the kernels run, at a lower priority
than theirs, in the moments a core is free between two chapters, then forks one render per edition, each waiting
for its stage (:class:`RenderJob`). Renders asked for when none were started ahead are started then, the same way.

Every render runs at the same lower priority (:data:`NICENESS`): a process cannot raise its own priority again, and
the renders of one build must be equals. Renders not used are ended with the build's step (:class:`Renderers` is a
context manager), and each one dies with the build if the build is killed.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from .children import die_with_parent
from .render import EXIT
from .stylesheet import CACHE_VARIABLE

# How much lower a render's priority is than the kernels' (the build's is 0): at 10, a render gets about a tenth of
# a core that a kernel also wants, and all of a free one.
NICENESS = 10


def start_lowered(parent: int) -> None:
    """In the renders' process, before it runs: die with the build ``parent`` (SIGKILL), and lower its priority."""
    die_with_parent(signal.SIGKILL, parent)
    os.nice(NICENESS)


class RenderJob:
    """One forked render, waiting for its job: :meth:`send` gives it, :meth:`communicate` waits for its output and
    exit code, as for a :class:`subprocess.Popen`."""

    def __init__(self, job: int, output: int, process: subprocess.Popen) -> None:
        self.job = os.fdopen(job, "w")
        self.output = os.fdopen(output, "r", errors="replace")
        self.process = process
        self.returncode: int | None = None

    def send(self, stage: Path, html: Path) -> None:
        """Render ``stage`` into ``html``."""
        self.tell(json.dumps([str(stage), str(html)]))

    def tell(self, line: str) -> None:
        """Write its one line of job (an empty one: render nothing)."""
        try:
            self.job.write(line + "\n")
            self.job.close()
        except BrokenPipeError:  # it ended before its job: its output and exit code say why, as for a failed render
            pass

    def communicate(self) -> tuple[str, None]:
        """Its output, once it has ended (without a job it is told to render nothing: a process forked from the build
        may hold its job's pipe open, so it would never see the end of it); its exit code is then :attr:`returncode`.
        A render that ended without saying its code was killed, or its process ended before forking it: the code is
        then that process's, or that of SIGKILL."""
        if self.output.closed:  # asked before
            return "", None
        if not self.job.closed:
            self.tell("")
        text = self.output.read()
        self.output.close()
        body, ended, after = text.partition(EXIT)
        code, _, later = after.partition("\n")
        if ended and code.strip().lstrip("-").isdigit():
            self.returncode = int(code)
            return body + later, None  # what the interpreter said as it ended (atexit, the sitemap's manager) is kept
        self.returncode = self.process.poll() or -signal.SIGKILL
        return text + ("\n(the render process ended before it forked the renders)" if self.process.poll() else ""), None

    def kill(self) -> None:
        """End it at once: its process is killed, and the renders it forked die with it."""
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()


def start_renders(root: Path, cache: Path | None, count: int) -> tuple[subprocess.Popen, list[RenderJob]]:
    """A process that imports what rendering the book at ``root`` needs, then forks ``count`` renders waiting for
    their jobs; ``cache`` is where the renders keep the parsed style sheets between builds. What the process itself
    says (a failure before it forks) goes to the first render's output."""
    pipes = [(os.pipe(), os.pipe()) for _ in range(count)]  # (job: read, write), (output: read, write)
    theirs = [(job[0], output[1]) for job, output in pipes]
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "microwork.pipeline.render", "--jobs", str(root),
             *(f"{job}:{output}" for job, output in theirs)],
            stdin=subprocess.DEVNULL, stdout=theirs[0][1], stderr=subprocess.STDOUT, pass_fds=[descriptor for pair in theirs for descriptor in pair],
            env={**os.environ, **({CACHE_VARIABLE: str(cache)} if cache else {})},
            preexec_fn=functools.partial(start_lowered, os.getpid()))
    except BaseException:
        for job, output in pipes:
            for descriptor in (*job, *output):
                os.close(descriptor)
        raise
    for descriptor in (descriptor for pair in theirs for descriptor in pair):
        os.close(descriptor)
    return process, [RenderJob(job[1], output[0], process) for job, output in pipes]


class Renderers:
    """Renders of the book at ``root``, :attr:`count` at a time, started ahead (:meth:`start`) or when taken
    (:meth:`take`); those not taken are ended when the block ends."""

    def __init__(self, root: Path, cache: Path | None, count: int) -> None:
        self.root, self.cache, self.count = root, cache, count
        self.waiting: list[RenderJob] = []
        self.processes: list[subprocess.Popen] = []

    def start(self) -> None:
        """Start :attr:`count` renders now: their process imports what they need while the chapters run."""
        process, jobs = start_renders(self.root, self.cache, self.count)
        self.processes.append(process)
        self.waiting += jobs

    def take(self) -> RenderJob:
        """A render waiting for its job: one started ahead, or one of :attr:`count` started now."""
        if not self.waiting:
            self.start()
        return self.waiting.pop(0)

    def __enter__(self) -> Renderers:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        """End the renders not taken: told to render nothing, or, when the block ends by an exception (a chapter that
        failed, Ctrl-C), killed with their process at once."""
        if kind is not None:
            for process in self.processes:
                process.kill()
        for job in self.waiting:
            job.communicate()
        self.waiting.clear()
        for process in self.processes:
            process.wait()
